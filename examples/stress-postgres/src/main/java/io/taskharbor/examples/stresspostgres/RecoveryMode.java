package io.taskharbor.examples.stresspostgres;

import io.taskharbor.api.JobRequest;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Crash recovery time: a worker process holding running jobs is killed with SIGKILL (no shutdown hook, nothing given
 * back), and a worker of another client, idle and waiting, runs those jobs once their leases run out. What is
 * measured, per job, is the time from the kill to the job starting again; every job must then end DONE. Both workers
 * have the worker's defaults but for their concurrency (the jobs held) and, if given, {@code --lease-seconds}; with
 * {@code --distributed} both clients run in distributed mode with its defaults. The killed worker is a child JVM
 * started by {@link #main}.
 */
final class RecoveryMode {
  private static final String QUEUE = "recovery";
  private static final String TYPE = "stress.recovery";
  private static final String STARTED = "started ";

  /** A held job's payload. */
  record Held(int n) {}

  private RecoveryMode() {}

  static boolean recovery(String dsn, StressSettings settings) throws Exception {
    String runDsn = StressDatabase.recreateSchema(dsn, settings.schema());
    List<Double> all = new ArrayList<>();
    try (TaskHarbor harbor = connect(runDsn, settings.distributed())) {
      for (int run = 1; run <= settings.runs(); run++) {
        StressDatabase.empty(runDsn, settings.schema());
        double[] seconds = oneRun(harbor, runDsn, settings);
        if (seconds == null) {
          return false;
        }
        System.out.printf(Locale.ROOT, "run %d: %d jobs held by the killed worker started elsewhere %.2f s (first), "
                + "%.2f s (median), %.2f s (last) after the kill%n", run, seconds.length, seconds[0],
            StressPostgresExample.median(seconds), seconds[seconds.length - 1]);
        for (double s : seconds) {
          all.add(s);
        }
      }
    }
    double[] sorted = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    System.out.printf(Locale.ROOT, "recovery over %d runs (%d jobs): kill to start elsewhere median %.2f s, max %.2f s "
            + "(lease %s)%n", settings.runs(), sorted.length, StressPostgresExample.median(sorted),
        sorted[sorted.length - 1], settings.leaseSeconds() == null ? "the worker's default" : settings.leaseSeconds()
            + " s");
    return true;
  }

  /** One kill; returns the sorted seconds from the kill to each held job's start elsewhere, or null on failure. */
  private static double[] oneRun(TaskHarbor harbor, String runDsn, StressSettings settings) throws Exception {
    int jobs = settings.jobs();
    List<JobRequest> requests = new ArrayList<>();
    for (int n = 0; n < jobs; n++) {
      requests.add(JobRequest.builder(TYPE, new Held(n)).queue(QUEUE).build());
    }
    harbor.enqueueAll(requests);

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        RecoveryMode.class.getName(), runDsn, Integer.toString(jobs), Boolean.toString(settings.distributed()),
        settings.leaseSeconds() == null ? "default" : settings.leaseSeconds().toString())
        .redirectErrorStream(true)
        .start();
    try {
      Set<Integer> startedInChild = ConcurrentHashMap.newKeySet();
      CountDownLatch allStarted = new CountDownLatch(1);
      Thread reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith(STARTED) && startedInChild.add(Integer.parseInt(line.substring(STARTED.length())))
                && startedInChild.size() == jobs) {
              allStarted.countDown();
            }
          }
        } catch (java.io.IOException e) {
          // the child was killed: its output ends
        }
      }, "recovery-child-output");
      reader.setDaemon(true);
      reader.start();

      Map<Integer, Long> startedAgain = new ConcurrentHashMap<>();
      Worker.Builder rescuer = harbor.newWorker().queues(QUEUE).concurrency(jobs)
          .handle(TYPE, Held.class, job -> startedAgain.putIfAbsent(job.payload().n(), System.nanoTime()));
      if (settings.leaseSeconds() != null) {
        rescuer.leaseDuration(Duration.ofSeconds(settings.leaseSeconds()));
      }
      try (Worker worker = rescuer.build()) {
        if (!allStarted.await(60, TimeUnit.SECONDS)) {
          System.out.printf(Locale.ROOT, "the child worker started only %d of %d jobs within 60 s%n",
              startedInChild.size(), jobs);
          return null;
        }
        worker.start(); // only now, so that the child holds every job
        Thread.sleep(500); // the rescuer subscribes, polls and finds every job leased
        long killed = System.nanoTime();
        child.destroyForcibly(); // SIGKILL on Linux
        child.waitFor(20, TimeUnit.SECONDS);
        long deadline = killed + TimeUnit.SECONDS.toNanos(
            (settings.leaseSeconds() == null ? 30 : settings.leaseSeconds()) + 120L);
        while (startedAgain.size() < jobs && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        while (harbor.stats(QUEUE).done() < jobs && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        if (startedAgain.size() < jobs || harbor.stats(QUEUE).done() != jobs) {
          System.out.printf(Locale.ROOT, "only %d of %d held jobs started again and %d ended DONE before the "
              + "deadline%n", startedAgain.size(), jobs, harbor.stats(QUEUE).done());
          return null;
        }
        return startedAgain.values().stream().mapToDouble(t -> (t - killed) / 1e9).sorted().toArray();
      }
    } finally {
      child.destroyForcibly();
    }
  }

  private static TaskHarbor connect(String dsn, boolean distributed) {
    TaskHarbor.Builder builder = TaskHarbor.builder().driverUri(dsn);
    if (distributed) {
      builder.distributed();
    }
    return builder.build();
  }

  /**
   * The worker process that is killed: args DSN, jobs (its concurrency), distributed ({@code true}/{@code false}),
   * lease seconds (or {@code default}). Its handler prints {@code started <n>} and never returns.
   */
  public static void main(String[] args) throws Exception {
    TaskHarbor harbor = connect(args[0], Boolean.parseBoolean(args[2]));
    Worker.Builder builder = harbor.newWorker().queues(QUEUE).concurrency(Integer.parseInt(args[1]))
        .handle(TYPE, Held.class, job -> {
          System.out.println(STARTED + job.payload().n());
          System.out.flush();
          new CountDownLatch(1).await();
        });
    if (!args[3].equals("default")) {
      builder.leaseDuration(Duration.ofSeconds(Integer.parseInt(args[3])));
    }
    builder.build().start();
    new CountDownLatch(1).await();
  }
}
