package io.taskharbor.examples.stresspostgres;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStatus;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import io.taskharbor.examples.stresspostgres.StressPostgresExample.Work;
import io.taskharbor.examples.stresspostgres.StressSettings.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stress modes of the queue and job controls: a serial queue's throughput across workers, and the time from a
 * cancel call to the running handler seeing it.
 */
final class ControlModes {
  private static final String SERIAL_QUEUE = "serial";
  private static final String CANCEL_QUEUE = "cancel";
  private static final String TYPE = "stress.controls";
  private static final long SAMPLE_TIMEOUT_NANOS = 30_000_000_000L;

  private ControlModes() {}

  // ------------------------------------------------------------------------------------------------ serial

  /**
   * Enqueues the jobs into a queue limited to one running job across every node, then drains it with
   * {@code --workers} workers, each of its own client (as separate processes would be). Checks that no two jobs ever
   * ran at once and that every job finished; reports the throughput and how many jobs ran out of enqueue order.
   */
  static boolean serial(String dsn, StressSettings settings) throws Exception {
    String runDsn = StressDatabase.recreateSchema(dsn, settings.schema());
    List<TaskHarbor> clients = new ArrayList<>();
    List<Worker> workers = new ArrayList<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
    try {
      for (int w = 0; w < settings.workers(); w++) {
        clients.add(TaskHarbor.connect(runDsn));
      }
      TaskHarbor control = clients.get(0);
      control.setQueueConcurrency(SERIAL_QUEUE, 1);
      List<JobRequest> batch = new ArrayList<>();
      for (int n = 0; n < settings.jobs(); n++) {
        batch.add(JobRequest.builder(TYPE, new Work(n, 0)).queue(SERIAL_QUEUE).build());
        if (batch.size() == settings.enqueueBatch() || n == settings.jobs() - 1) {
          control.enqueueAll(batch);
          batch = new ArrayList<>();
        }
      }
      for (TaskHarbor client : clients) {
        Worker.Builder builder = client.newWorker().queues(SERIAL_QUEUE).concurrency(settings.concurrency())
            .handle(TYPE, Work.class, job -> {
              mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
              order.add(job.payload().n());
              running.decrementAndGet();
            });
        if (settings.prefetch() != null) {
          builder.prefetch(settings.prefetch());
        }
        workers.add(builder.build());
      }
      long start = System.nanoTime();
      workers.forEach(Worker::start);
      long deadline = start + Math.max(60, settings.jobs() / 10) * 1_000_000_000L;
      long finished = 0;
      while (finished < settings.jobs() && System.nanoTime() < deadline) {
        Thread.sleep(5);
        finished = workers.stream().mapToLong(w -> w.metrics().succeeded()).sum();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long done = control.stats(SERIAL_QUEUE).done();
      int outOfOrder = outOfOrder(order);
      System.out.printf(Locale.ROOT, "serial queue (limit 1) over %d worker(s): %d of %d jobs done in %.3f s = "
              + "%,.0f jobs/s; most running at once: %d; out of enqueue order: %d%n", workers.size(), done,
          settings.jobs(), seconds, done / seconds, mostAtOnce.get(), outOfOrder);
      for (int w = 0; w < workers.size(); w++) {
        System.out.printf(Locale.ROOT, "  worker %d ran %d job(s)%n", w + 1, workers.get(w).metrics().succeeded());
      }
      return done == settings.jobs() && mostAtOnce.get() == 1;
    } finally {
      workers.forEach(Worker::close);
      clients.forEach(TaskHarbor::close);
    }
  }

  /** The jobs that ran after a job enqueued later than them. */
  static int outOfOrder(Iterable<Integer> ran) {
    int count = 0;
    int highest = -1;
    for (int n : ran) {
      if (n < highest) {
        count++;
      }
      highest = Math.max(highest, n);
    }
    return count;
  }

  // ------------------------------------------------------------------------------------------------ cancel

  /**
   * One job at a time: enqueued, started by an idle worker whose handler runs until it is canceled, canceled through
   * another client ({@link Mode#CANCEL}, as from another process) or through the worker's own client
   * ({@link Mode#CANCEL_SHARED}); measures the time from the cancel call to the handler seeing it, and checks that
   * every job ended CANCELED.
   */
  static boolean cancel(String dsn, StressSettings settings) throws Exception {
    String runDsn = StressDatabase.recreateSchema(dsn, settings.schema());
    AtomicLong seenAt = new AtomicLong();
    AtomicLong startedCount = new AtomicLong();
    List<Double> millis = new ArrayList<>();
    int notCanceled = 0;
    try (TaskHarbor workerClient = TaskHarbor.connect(runDsn);
        TaskHarbor other = settings.mode() == Mode.CANCEL ? TaskHarbor.connect(runDsn) : null;
        Worker worker = workerClient.newWorker().queues(CANCEL_QUEUE).concurrency(1)
            .handle(TYPE, Work.class, job -> {
              startedCount.incrementAndGet();
              try {
                while (!job.isCancelled()) {
                  Thread.sleep(0, 100_000);
                }
              } catch (InterruptedException e) {
                // the worker interrupts the handler of a canceled job: that is seeing it too
              }
              seenAt.set(System.nanoTime());
            })
            .build()) {
      TaskHarbor canceler = other != null ? other : workerClient;
      worker.start();
      int warmUp = 2;
      for (int n = -warmUp; n < settings.jobs(); n++) {
        long before = startedCount.get();
        seenAt.set(0);
        JobId id = canceler.enqueue(JobRequest.builder(TYPE, new Work(n, 0)).queue(CANCEL_QUEUE).build()).id();
        if (!waitFor(() -> startedCount.get() > before)) {
          System.out.printf(Locale.ROOT, "job %s did not start within 30 s%n", id);
          return false;
        }
        long called = System.nanoTime();
        canceler.cancel(id);
        if (!waitFor(() -> seenAt.get() != 0)) {
          System.out.printf(Locale.ROOT, "the handler of job %s did not see its cancel within 30 s%n", id);
          return false;
        }
        long seen = seenAt.get();
        if (!waitFor(() -> canceler.get(id).map(JobRecord::status).orElse(null) == JobStatus.CANCELED)) {
          notCanceled++;
        }
        if (n >= 0) {
          millis.add((seen - called) / 1e6);
        }
      }
    }
    double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    System.out.printf(Locale.ROOT, "cancel-to-handler time over %d jobs (%s): median %.2f ms, p95 %.2f ms, max %.2f "
            + "ms; not CANCELED within 30 s: %d%n", sorted.length,
        settings.mode() == Mode.CANCEL ? "canceled from another client" : "canceled from the worker's client",
        StressPostgresExample.median(sorted), StressPostgresExample.percentile(sorted, 0.95),
        sorted[sorted.length - 1], notCanceled);
    return notCanceled == 0;
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static boolean waitFor(Condition condition) throws Exception {
    long deadline = System.nanoTime() + SAMPLE_TIMEOUT_NANOS;
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(0, 200_000);
    }
    return true;
  }
}
