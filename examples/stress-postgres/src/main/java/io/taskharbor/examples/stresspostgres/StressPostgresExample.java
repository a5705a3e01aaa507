package io.taskharbor.examples.stresspostgres;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.taskharbor.examples.support.ExampleEnv;
import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.QueueStats;
import io.taskharbor.engine.Backoff;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import io.taskharbor.engine.event.WorkerListener;
import io.taskharbor.examples.stresspostgres.StressSettings.Metrics;
import io.taskharbor.examples.stresspostgres.StressSettings.Mode;
import io.taskharbor.micrometer.TaskHarborMetrics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load generator and benchmark for the PostgreSQL driver.
 *
 * <p>Each run owns the schema {@code --schema} (dropped and re-created, then migrated), enqueues {@code --jobs} jobs
 * over {@code --queues} queues with {@code enqueueAll} in batches, starts {@code --workers} workers with {@code
 * --concurrency} handler threads each, waits until every job is DONE or in the DLQ, and prints the enqueue and drain
 * throughput. It exits with status 1 if done + dlq differs from the number of jobs created.
 *
 * <p>Modes: {@code mixed} (80% succeed, 10% flaky that fail their first attempt, 5% always fail and end in the DLQ
 * after 3 attempts, 5% scheduled up to a second ahead; one job in ten has an idempotency key, one in fifty of those a
 * key already used, which must not create a job); {@code noop} (every handler returns at once: the queue's own
 * throughput); {@code latency} (jobs enqueued one at a time into an idle worker whose poll interval is 5 s, so only a
 * LISTEN/NOTIFY wake-up starts them quickly: prints the enqueue-to-start latency); {@code latency-shared} (the same
 * with the worker in the enqueuing client, which wakes it without the database).
 *
 * <p>With {@code --metrics}, every client publishes {@link TaskHarborMetrics} to a registry of its own, as one process
 * each would (a Prometheus registry scraped once a second while draining, or with {@code --metrics=simple} a
 * registry never read), so that the drain can be measured with and without the listener; each run then also checks
 * that the listeners counted every job that finished, done or dead-lettered, exactly once.
 */
public final class StressPostgresExample {

  /** The payload of every stress job. */
  record Work(int n, long enqueuedNanos) {}

  private static final String OK = "stress.ok";
  private static final String FLAKY = "stress.flaky";
  private static final String FAILING = "stress.failing";

  private StressPostgresExample() {}

  public static void main(String[] args) throws Exception {
    StressSettings settings;
    try {
      settings = StressSettings.parse(Arrays.asList(args));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(run(ExampleEnv.dsn(), settings) ? 0 : 1);
  }

  /** Runs the stress example against the database of {@code dsn}; returns whether every check passed. */
  static boolean run(String dsn, StressSettings settings) throws Exception {
    System.out.printf(Locale.ROOT, "stress: %s, %d jobs, %d queues, %d producer(s), %d worker(s) x %d handler threads "
            + "(fetch parallelism %d, prefetch %s), %d run(s) after %d warm-up run(s), schema %s, metrics %s%s%n",
        settings.mode().name().toLowerCase(Locale.ROOT), settings.jobs(), settings.queues(), settings.producers(),
        settings.workers(), settings.concurrency(), settings.fetchParallelism(),
        settings.prefetch() == null ? "adaptive" : settings.prefetch(), settings.runs(),
        settings.warmupRuns(), settings.schema(), settings.metrics().name().toLowerCase(Locale.ROOT),
        settings.distributed() ? ", distributed mode" : "");

    switch (settings.mode()) {
      case LATENCY:
      case LATENCY_SHARED:
        return latency(dsn, settings);
      case SERIAL:
        return ControlModes.serial(dsn, settings);
      case CANCEL:
      case CANCEL_SHARED:
        return ControlModes.cancel(dsn, settings);
      case RECOVERY:
        return RecoveryMode.recovery(dsn, settings);
      default:
        return throughput(dsn, settings);
    }
  }

  // ------------------------------------------------------------------------------------------------ throughput

  /**
   * The throughput benchmark: the schema and the clients are made once, and each run starts from an emptied table,
   * so that warm-up runs warm what later runs use (connections, prepared statements, compiled code); what is
   * measured is the steady state of an application that has been up for a while.
   */
  private static boolean throughput(String dsn, StressSettings settings) throws Exception {
    String runDsn = StressDatabase.recreateSchema(dsn, settings.schema());
    List<String> queues = queues(settings.queues());
    List<TaskHarbor> clients = new ArrayList<>();
    RunMetrics metrics = new RunMetrics(settings.metrics(), settings.distributed());
    try {
      for (int w = 0; w < settings.workers(); w++) {
        clients.add(metrics.connect(runDsn));
      }
      List<double[]> results = new ArrayList<>();
      boolean allOk = true;
      for (int run = 1; run <= settings.warmupRuns(); run++) {
        RunResult r = oneRun(runDsn, clients, queues, settings, metrics);
        System.out.printf(Locale.ROOT, "warm-up run %d (not measured): enqueue %,.0f jobs/s, drain %,.0f jobs/s %s%n",
            run, r.created / r.enqueueSeconds, r.created / r.drainSeconds, r.ok() ? "OK" : "MISMATCH");
        allOk &= r.ok();
      }
      for (int run = 1; run <= settings.runs(); run++) {
        RunResult r = oneRun(runDsn, clients, queues, settings, metrics);
        System.out.printf(Locale.ROOT, "run %d: enqueued %d jobs in %.3f s = %,.0f jobs/s; drained in %.3f s = %,.0f "
                + "jobs/s; done %d + dlq %d = %d (expected %d) %s%n", run, r.created, r.enqueueSeconds,
            r.created / r.enqueueSeconds, r.drainSeconds, r.created / r.drainSeconds, r.done, r.dlq, r.done + r.dlq,
            r.created, r.ok() ? "OK" : "MISMATCH");
        System.out.println("  drain " + r.drainCpu);
        if (r.counted >= 0) {
          System.out.printf(Locale.ROOT, "  metrics: the listeners counted %d finished job(s) (expected %d), %d "
              + "scrape(s) so far %s%n", r.counted, r.done + r.dlq, metrics.scrapes, r.counted == r.done + r.dlq
              ? "OK" : "MISMATCH");
        }
        results.add(new double[] {r.created / r.enqueueSeconds, r.created / r.drainSeconds});
        allOk &= r.ok();
      }
      double[] enqueue = results.stream().mapToDouble(x -> x[0]).sorted().toArray();
      double[] drain = results.stream().mapToDouble(x -> x[1]).sorted().toArray();
      System.out.printf(Locale.ROOT, "median of %d run(s): enqueue %,.0f jobs/s, drain %,.0f jobs/s%n",
          results.size(), median(enqueue), median(drain));
      System.out.println(memory());
      return allOk;
    } finally {
      for (TaskHarbor client : clients) {
        client.close();
      }
      metrics.close();
    }
  }

  /**
   * @param counted the finished jobs the metrics listeners counted in this run, or -1 without metrics
   * @param drainCpu the CPU per job while draining, as {@link CpuMeter#perJob} prints it
   */
  private record RunResult(long created, long done, long dlq, double enqueueSeconds, double drainSeconds,
      long counted, String drainCpu) {
    boolean ok() {
      return done + dlq == created && (counted < 0 || counted == done + dlq);
    }
  }

  /**
   * The run's metrics: a registry and a {@link TaskHarborMetrics} per client, as one process each would have; none
   * with {@code --metrics=none}.
   */
  private static final class RunMetrics implements AutoCloseable {
    private final Metrics kind;
    private final boolean distributed;
    private final List<MeterRegistry> registries = new ArrayList<>();
    private final List<TaskHarborMetrics> listeners = new ArrayList<>();
    long scrapes;

    RunMetrics(Metrics kind, boolean distributed) {
      this.kind = kind;
      this.distributed = distributed;
    }

    /** Connects a client, in distributed mode if asked, with its metrics bound unless there are none. */
    TaskHarbor connect(String dsn) {
      TaskHarbor.Builder builder = TaskHarbor.builder().driverUri(dsn);
      if (distributed) {
        builder.distributed();
      }
      if (kind == Metrics.NONE) {
        return builder.build();
      }
      MeterRegistry registry = kind == Metrics.PROMETHEUS ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)
          : new SimpleMeterRegistry();
      TaskHarborMetrics metrics = TaskHarborMetrics.builder(registry).build();
      TaskHarbor harbor = builder.listener(metrics).build();
      metrics.bindTo(harbor);
      registries.add(registry);
      listeners.add(metrics);
      return harbor;
    }

    /** Scrapes every Prometheus registry once, as Prometheus would. */
    void scrape() {
      for (MeterRegistry registry : registries) {
        if (registry instanceof PrometheusMeterRegistry prometheus) {
          prometheus.scrape();
          scrapes++;
        }
      }
    }

    /** The jobs the listeners counted as finished (succeeded or dead-lettered) so far, or -1 without metrics. */
    long finished() {
      if (kind == Metrics.NONE) {
        return -1;
      }
      double sum = 0;
      for (MeterRegistry registry : registries) {
        for (Counter counter : registry.find("tasks.completed").counters()) {
          sum += counter.count();
        }
      }
      return Math.round(sum);
    }

    @Override
    public void close() {
      listeners.forEach(TaskHarborMetrics::close);
    }
  }

  private static RunResult oneRun(String runDsn, List<TaskHarbor> clients, List<String> queues,
      StressSettings settings, RunMetrics metrics) throws Exception {
    StressDatabase.empty(runDsn, settings.schema());
    long finishedBefore = metrics.finished();
    TaskHarbor harbor = clients.get(0);
    List<JobRequest> requests = requests(settings, queues);

    long start = System.nanoTime();
    long created = enqueue(harbor, requests, settings);
    double enqueueSeconds = seconds(System.nanoTime() - start);

    List<Worker> workers = new ArrayList<>();
    try {
      long drainStart = System.nanoTime();
      CpuMeter cpu = CpuMeter.start();
      for (TaskHarbor client : clients) {
        Worker worker = worker(client, settings, queues);
        workers.add(worker);
        worker.start();
      }
      long[] finished = waitUntilDrained(harbor, queues, workers, created, metrics);
      double drainSeconds = seconds(System.nanoTime() - drainStart);
      return new RunResult(created, finished[0], finished[1], enqueueSeconds, drainSeconds,
          finishedBefore < 0 ? -1 : counted(metrics, finishedBefore, finished[0] + finished[1]),
          cpu.perJob(created));
    } finally {
      for (Worker worker : workers) {
        worker.close();
      }
    }
  }

  /**
   * Enqueues the requests in batches of {@code --enqueue-batch}, from {@code --producers} threads at once (each call
   * takes its own pooled connection), as an application with several request threads would; returns how many jobs
   * were created.
   */
  private static long enqueue(TaskHarbor harbor, List<JobRequest> requests, StressSettings settings)
      throws InterruptedException, ExecutionException {
    AtomicInteger next = new AtomicInteger();
    AtomicLong created = new AtomicLong();
    ExecutorService producers = Executors.newFixedThreadPool(settings.producers());
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int p = 0; p < settings.producers(); p++) {
        done.add(producers.submit(() -> {
          for (int from; (from = next.getAndAdd(settings.enqueueBatch())) < requests.size(); ) {
            List<JobRequest> batch = requests.subList(from, Math.min(requests.size(), from + settings.enqueueBatch()));
            for (EnqueueResult result : harbor.enqueueAll(batch)) {
              created.addAndGet(result.created() ? 1 : 0);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      producers.shutdownNow();
    }
    return created.get();
  }

  private static List<JobRequest> requests(StressSettings settings, List<String> queues) {
    List<JobRequest> requests = new ArrayList<>(settings.jobs());
    Instant now = Instant.now();
    for (int n = 0; n < settings.jobs(); n++) {
      String queue = queues.get(n % queues.size());
      if (settings.mode() == Mode.NOOP) {
        requests.add(JobRequest.builder(OK, new Work(n, 0)).queue(queue).build());
        continue;
      }
      int bucket = n % 100;
      String type = bucket < 80 ? OK : bucket < 90 ? FLAKY : bucket < 95 ? OK : FAILING;
      JobRequest.Builder b = JobRequest.builder(type, new Work(n, 0)).queue(queue);
      if (type.equals(FAILING)) {
        b.maxAttempts(3);
      }
      if (bucket >= 90 && bucket < 95) {
        b.runAt(now.plusMillis(n % 1000));
      }
      if (n % 10 == 3) {
        // One key in fifty is the key of an earlier job of the same queue: it must store nothing (created = false).
        int stride = 10 * queues.size();
        int keyOwner = n % 500 == 3 && n >= stride ? n - stride : n;
        b.idempotencyKey("stress-" + keyOwner);
      }
      requests.add(b.build());
    }
    return requests;
  }

  private static Worker worker(TaskHarbor harbor, StressSettings settings, List<String> queues) {
    Worker.Builder builder = harbor.newWorker()
        .queues(queues.toArray(String[]::new))
        .concurrency(settings.concurrency())
        .fetchParallelism(settings.fetchParallelism())
        .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(200)))
        .handle(OK, Work.class, job -> {});
    if (settings.prefetch() != null) {
      builder.prefetch(settings.prefetch());
    }
    if (settings.mode() == Mode.MIXED) {
      builder
          .handle(FLAKY, Work.class, job -> {
            if (job.attempt() == 1) {
              throw new IllegalStateException("flaky job " + job.payload().n() + " fails its first attempt");
            }
          })
          .handle(FAILING, Work.class, job -> {
            throw new IllegalStateException("job " + job.payload().n() + " always fails");
          });
    }
    return builder.build();
  }

  /**
   * Waits until the workers have finished (acked or dead-lettered) {@code expected} jobs, watching their counters so
   * that measuring does not load the database, then confirms with the queues' stats.
   */
  private static long[] waitUntilDrained(TaskHarbor harbor, List<String> queues, List<Worker> workers, long expected,
      RunMetrics metrics) throws InterruptedException {
    long lastPrint = System.nanoTime();
    long lastScrape = System.nanoTime();
    while (true) {
      long finished = 0;
      for (Worker worker : workers) {
        finished += worker.metrics().succeeded() + worker.metrics().failed();
      }
      if (finished >= expected) {
        break;
      }
      if (System.nanoTime() - lastScrape > 1_000_000_000L) {
        metrics.scrape();
        lastScrape = System.nanoTime();
      }
      if (System.nanoTime() - lastPrint > 1_000_000_000L) {
        System.out.printf(Locale.ROOT, "  ... %d of %d jobs finished%n", finished, expected);
        lastPrint = System.nanoTime();
      }
      Thread.sleep(5);
    }
    long done = 0;
    long dlq = 0;
    for (String queue : queues) {
      QueueStats s = harbor.stats(queue);
      done += s.done();
      dlq += s.dlq();
    }
    return new long[] {done, dlq};
  }

  /**
   * The finished jobs the listeners counted since {@code before}. A worker's counters (which the drain waits on) hear
   * an outcome before the other listeners do, so the last outcomes may reach the metrics a moment later: wait up to
   * 5 s for {@code expected}.
   */
  private static long counted(RunMetrics metrics, long before, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    long counted = metrics.finished() - before;
    while (counted < expected && System.nanoTime() < deadline) {
      Thread.sleep(5);
      counted = metrics.finished() - before;
    }
    return counted;
  }

  // ------------------------------------------------------------------------------------------------ latency

  private static boolean latency(String dsn, StressSettings settings) throws Exception {
    String runDsn = StressDatabase.recreateSchema(dsn, settings.schema());
    ConcurrentLinkedQueue<Long> startNanos = new ConcurrentLinkedQueue<>();
    AtomicLong started = new AtomicLong();
    List<Long> enqueueNanos = new ArrayList<>();
    // Per job, for the breakdown: when the enqueue call returned, when its reserve returned and how long that took,
    // and when its handler started (System.nanoTime, all in this process).
    Map<JobId, long[]> steps = new ConcurrentHashMap<>();
    try (RunMetrics metrics = new RunMetrics(settings.metrics(), settings.distributed());
        TaskHarbor harbor = metrics.connect(runDsn);
        TaskHarbor other = settings.mode() == Mode.LATENCY ? metrics.connect(runDsn) : null;
        Worker worker = (other != null ? other : harbor).newWorker()
            .queues("latency")
            .concurrency(settings.concurrency())
            .pollInterval(Duration.ofSeconds(5))
            .listener(new WorkerListener() {
              @Override
              public void reserved(String queue, List<JobRecord> jobs, Duration claimDuration) {
                long now = System.nanoTime();
                for (JobRecord job : jobs) {
                  long[] times = steps.computeIfAbsent(job.id(), id -> new long[4]);
                  times[1] = now;
                  times[2] = claimDuration.toNanos();
                }
              }
            })
            .handle(OK, Work.class, job -> {
              long now = System.nanoTime();
              startNanos.add(now - job.payload().enqueuedNanos());
              steps.computeIfAbsent(job.id(), id -> new long[4])[3] = now;
              started.incrementAndGet();
            })
            .build()) {
      worker.start();
      Thread.sleep(500); // let the worker subscribe and go idle
      int warmUp = Math.max(10, settings.jobs() / 10); // not measured: class loading, JIT, pool connections
      for (int n = -warmUp; n < settings.jobs(); n++) {
        if (n == 0) {
          startNanos.clear();
        }
        long before = started.get();
        long called = System.nanoTime();
        JobId id = harbor.enqueue(JobRequest.builder(OK, new Work(n, called)).queue("latency").build()).id();
        long returned = System.nanoTime();
        if (n >= 0) {
          enqueueNanos.add(returned - called);
          steps.computeIfAbsent(id, k -> new long[4])[0] = returned;
        } else {
          steps.remove(id);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (started.get() == before && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        Thread.sleep(20); // idle again before the next job
      }
    }
    double[] millis = startNanos.stream().mapToDouble(n -> n / 1e6).sorted().toArray();
    if (millis.length < settings.jobs()) {
      System.out.printf(Locale.ROOT, "only %d of %d jobs started within 10 s each%n", millis.length, settings.jobs());
      return false;
    }
    System.out.printf(Locale.ROOT, "enqueue-to-start latency over %d jobs: median %.2f ms, p95 %.2f ms, p99 %.2f ms, "
            + "max %.2f ms%n", millis.length, median(millis), percentile(millis, 0.95), percentile(millis, 0.99),
        millis[millis.length - 1]);
    double[] calls = enqueueNanos.stream().mapToDouble(n -> n / 1e6).sorted().toArray();
    System.out.printf(Locale.ROOT, "of which the enqueue call itself (insert + commit): median %.2f ms, p95 %.2f ms, "
        + "p99 %.2f ms%n", median(calls), percentile(calls, 0.95), percentile(calls, 0.99));
    List<long[]> measured = steps.values().stream().filter(t -> t[0] != 0 && t[1] != 0 && t[3] != 0).toList();
    printStep("then the wake-up (enqueue returned to reserve sent)", measured, t -> t[1] - t[2] - t[0]);
    printStep("then the reserve (sent to returned)", measured, t -> t[2]);
    printStep("then the hand-off (reserve returned to handler started)", measured, t -> t[3] - t[1]);
    return true;
  }

  private static void printStep(String what, List<long[]> jobs, java.util.function.ToLongFunction<long[]> nanos) {
    double[] millis = jobs.stream().mapToDouble(t -> nanos.applyAsLong(t) / 1e6).sorted().toArray();
    if (millis.length > 0) {
      System.out.printf(Locale.ROOT, "  %s: median %.2f ms, p95 %.2f ms, p99 %.2f ms%n", what, median(millis),
          percentile(millis, 0.95), percentile(millis, 0.99));
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /**
   * This process's memory after the runs: the heap's limit ({@code -Xmx}), the most heap that a collection left in
   * use (the live set, the peak over every pool after a collection), and the peak resident set size (Linux's {@code
   * VmHWM}, for the whole JVM: heap, metaspace, code cache, thread stacks).
   */
  static String memory() {
    long liveAfterGc = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage after = pool.getCollectionUsage();
      if (pool.getType() == MemoryType.HEAP && after != null) {
        liveAfterGc += after.getUsed();
      }
    }
    String rss = "unknown (no /proc/self/status)";
    try {
      rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
          .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 + " MB").findFirst().orElse(rss);
    } catch (IOException | RuntimeException e) {
      // not Linux: leave it unknown
    }
    return String.format(Locale.ROOT, "memory: heap limit %d MB, heap in use after the last collections %d MB, peak "
        + "RSS %s", Runtime.getRuntime().maxMemory() >> 20, liveAfterGc >> 20, rss);
  }

  private static List<String> queues(int count) {
    List<String> queues = new ArrayList<>();
    for (int q = 0; q < count; q++) {
      queues.add("stress-" + q);
    }
    return queues;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static double percentile(double[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
