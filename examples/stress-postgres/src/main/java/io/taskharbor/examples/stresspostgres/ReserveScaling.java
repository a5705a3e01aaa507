package io.taskharbor.examples.stresspostgres;

import io.taskharbor.api.JobId;
import io.taskharbor.driver.postgres.PostgresDriver;
import io.taskharbor.examples.support.ExampleEnv;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code scaling} mode of {@link StorageBenchmark}: the cost of reserve against the size of the due backlog, with
 * finished and scheduled jobs beside it.
 *
 * <p>Every row is written by the driver, through its SPI, so each satisfies the table's invariants exactly as the
 * driver keeps them: the finished jobs are enqueued, then reserved and acknowledged in batches of 1,000 (which also
 * leaves the dead row versions that a real history leaves, for autovacuum to clean); the scheduled jobs are enqueued
 * with a run time one to two days ahead; the backlog is enqueued due. All are in one queue, the worst case for the
 * indexes that lead with the queue.
 *
 * <p>For each backlog in turn, the run tops the due backlog up to it (or drains it down, so that a backlog can be
 * measured again after a larger one, on the same table), waits for autovacuum (never vacuuming or, by
 * default, analysing itself), then times {@code --calls} calls of {@code reserve(queue, batch, now, 30 s)} alone, each
 * followed (untimed by the reserve figure, timed in reserve + complete) by one {@code complete} of acks for what it
 * leased, and by an untimed enqueue of as many new due jobs, so the backlog stays constant. Times include the pool's
 * connection checkout and the round trip, as the engine sees them. Finally it prints the reserve statement's plans.
 * A backlog of 0 measures the reserve of an idle worker's poll: it leases nothing, beside the scheduled jobs.
 */
final class ReserveScaling {
  static final String QUEUE = "storage";
  private static final String TYPE = "storage.noop";
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final int FILL_BATCH = 1_000;
  private static final int FILL_THREADS = 2;

  private ReserveScaling() {}

  /** One backlog's figures, in milliseconds. */
  record Level(int backlog, double[] reserve, double[] cycle, TableStats.Sample sample, String settled) {}

  static boolean run(String dsn, StorageSettings.Scaling settings) throws Exception {
    String runDsn = StressDatabase.recreateSchema(dsn, settings.schema());
    List<Level> levels = new ArrayList<>();
    long refused = 0;
    try (PostgresDriver driver = PostgresDriver.open(runDsn); Connection statsConnection = ExampleEnv.connect(runDsn)) {
      TableStats stats = new TableStats(statsConnection, settings.schema());
      stats.printStart();

      long start = System.nanoTime();
      fill(driver, settings.finished(), null, 0);
      int drained = drain(driver, Integer.MAX_VALUE);
      System.out.printf(Locale.ROOT, "filled %,d finished jobs (enqueued, reserved and acked by the driver) in %.1f s%n",
          drained, seconds(System.nanoTime() - start));
      start = System.nanoTime();
      fill(driver, settings.scheduled(), Instant.now().plus(Duration.ofDays(1)), settings.scheduledPriority());
      System.out.printf(Locale.ROOT, "filled %,d scheduled jobs (due in 1 to 2 days, priority %d) in %.1f s%n",
          settings.scheduled(), settings.scheduledPriority(), seconds(System.nanoTime() - start));

      int backlog = 0;
      for (int target : settings.backlogs()) {
        start = System.nanoTime();
        if (target >= backlog) {
          fill(driver, target - backlog, null, 0);
        } else {
          drain(driver, backlog - target);
        }
        System.out.printf(Locale.ROOT, "%nbacklog %,d: %s in %.1f s%n", target, target >= backlog ? "topped up"
            : "drained down (reserve and ack in batches of " + FILL_BATCH + ")", seconds(System.nanoTime() - start));
        backlog = target;
        String settled = stats.settle(settings.settle());
        System.out.println("  " + settled);
        if (settings.analyze()) {
          try (Statement s = statsConnection.createStatement()) {
            s.execute("ANALYZE " + settings.schema() + ".th_jobs");
          }
          settled += "; then ANALYZE by the benchmark";
          System.out.println("  ANALYZE " + settings.schema() + ".th_jobs (--analyze)");
        }
        TableStats.Sample before = stats.sample();
        System.out.println("  before: " + describe(before));
        for (int i = 0; i < settings.warmupCalls(); i++) {
          refused += cycle(driver, settings.batch(), Math.min(target, settings.batch()), null, null, i);
        }
        double[] reserve = new double[settings.calls()];
        double[] cycle = new double[settings.calls()];
        long[] writesBefore = stats.writes();
        long callsStart = System.nanoTime();
        for (int i = 0; i < settings.calls(); i++) {
          refused += cycle(driver, settings.batch(), Math.min(target, settings.batch()), reserve, cycle, i);
        }
        double callsSeconds = seconds(System.nanoTime() - callsStart);
        long[] writesAfter = stats.writes();
        TableStats.Sample after = stats.sample();
        System.out.println("  after:  " + describe(after));
        System.out.printf(Locale.ROOT, "  the measured calls took %.1f s (with acks and top-ups); meanwhile the server "
                + "wrote %,d buffers for checkpoints, %,d from backends, %,d by the background writer, and completed "
                + "%d checkpoint(s); load average %s%n", callsSeconds, writesAfter[1] - writesBefore[1],
            writesAfter[2] - writesBefore[2], writesAfter[3] - writesBefore[3], writesAfter[0] - writesBefore[0],
            TableStats.load());
        System.out.println("  reserve median by thirds of the calls, in order: " + thirds(reserve));
        Level level = new Level(target, sorted(reserve), sorted(cycle), after, settled);
        levels.add(level);
        System.out.println("  " + figures(level));
        System.out.println("  plans of the reserve statement after the measured calls:");
        System.out.print(ReservePlan.explain(runDsn, settings.schema(), QUEUE, settings.batch(), Instant.now(), LEASE)
            .indent(4));
      }
      System.out.println();
      System.out.println("load average at end: " + TableStats.load());
      System.out.printf(Locale.ROOT, "summary: %,d finished and %,d scheduled jobs (priority %d) beside the backlog; "
              + "reserve of %d, %d calls per backlog after %d warm-up calls%n", settings.finished(),
          settings.scheduled(), settings.scheduledPriority(), settings.batch(), settings.calls(),
          settings.warmupCalls());
      Level first = levels.stream().filter(l -> l.backlog() > 0).findFirst().orElse(null);
      for (Level level : levels) {
        System.out.printf(Locale.ROOT, "  backlog %,9d: %s%s%n", level.backlog(), figures(level),
            first == null || level.backlog() == 0 ? "" : String.format(Locale.ROOT, "; median / first %,d: %.2f",
                first.backlog(), StressPostgresExample.median(level.reserve())
                    / StressPostgresExample.median(first.reserve())));
      }
      Level largest = levels.stream().max(java.util.Comparator.comparingInt(Level::backlog)).orElseThrow();
      if (first != null && largest != first) {
        System.out.printf(Locale.ROOT, "  ratio of medians, backlog %,d / %,d (the first measured): reserve %.2f, "
                + "reserve + complete %.2f (aim: at most 1.5)%n", largest.backlog(), first.backlog(),
            StressPostgresExample.median(largest.reserve()) / StressPostgresExample.median(first.reserve()),
            StressPostgresExample.median(largest.cycle()) / StressPostgresExample.median(first.cycle()));
      }
      if (refused > 0) {
        System.out.printf(Locale.ROOT, "  %d completion(s) were REFUSED: the figures are not of the intended work%n",
            refused);
      }
    } finally {
      if (!settings.keepSchema()) {
        StorageBenchmark.dropSchema(dsn, settings.schema());
      }
    }
    return refused == 0;
  }

  /**
   * One reserve, its acks and the top-up; records the times at {@code index} unless the arrays are null. Returns the
   * completions refused (none expected).
   *
   * @param expected the jobs the reserve must lease: the batch, or none when the backlog is empty
   */
  private static long cycle(PostgresDriver driver, int batch, int expected, double[] reserve, double[] cycle,
      int index) {
    long t0 = System.nanoTime();
    List<LeasedJob> leased = driver.reserve(QUEUE, batch, Instant.now(), LEASE);
    long t1 = System.nanoTime();
    List<Completion> acks = new ArrayList<>(leased.size());
    for (LeasedJob job : leased) {
      acks.add(new Completion.Ack(job.job().id(), job.job().leaseToken(), null));
    }
    long refused = 0;
    if (!acks.isEmpty()) {
      for (Outcome outcome : driver.complete(acks, Instant.now())) {
        refused += outcome.isOk() ? 0 : 1;
      }
    }
    long t2 = System.nanoTime();
    if (reserve != null) {
      reserve[index] = (t1 - t0) / 1e6;
      cycle[index] = (t2 - t0) / 1e6;
    }
    if (leased.size() != expected) {
      throw new IllegalStateException("reserve leased " + leased.size() + " jobs, not " + expected
          + ": the backlog is not what the run made");
    }
    if (!leased.isEmpty()) {
      driver.enqueue(jobs(leased.size(), null, 0), Instant.now());
    }
    return refused;
  }

  /**
   * Enqueues {@code count} jobs of {@code priority}, due at once or at {@code from} plus up to a day, in batches from a
   * few threads.
   */
  private static void fill(PostgresDriver driver, int count, Instant from, int priority) throws Exception {
    AtomicInteger next = new AtomicInteger();
    parallel(() -> {
      for (int at; (at = next.getAndAdd(FILL_BATCH)) < count; ) {
        int n = Math.min(FILL_BATCH, count - at);
        driver.enqueue(jobs(n, from == null ? null : from.plusMillis((long) at * 86_400_000L / Math.max(1, count)),
            priority), Instant.now());
      }
    });
  }

  /** Reserves and acks up to {@code most} due jobs of the queue, in batches, from a few threads; returns how many. */
  private static int drain(PostgresDriver driver, int most) throws Exception {
    AtomicLong done = new AtomicLong();
    AtomicLong left = new AtomicLong(most);
    parallel(() -> {
      List<LeasedJob> leased;
      long take;
      while ((take = left.getAndAccumulate(FILL_BATCH, (l, b) -> Math.max(0, l - b))) > 0
          && !(leased = driver.reserve(QUEUE, (int) Math.min(FILL_BATCH, take), Instant.now(), Duration.ofMinutes(5)))
              .isEmpty()) {
        List<Completion> acks = new ArrayList<>(leased.size());
        for (LeasedJob job : leased) {
          acks.add(new Completion.Ack(job.job().id(), job.job().leaseToken(), null));
        }
        for (Outcome outcome : driver.complete(acks, Instant.now())) {
          if (!outcome.isOk()) {
            throw new IllegalStateException("an ack of the fill was refused: " + outcome.refusal());
          }
        }
        done.addAndGet(leased.size());
      }
    });
    return (int) done.get();
  }

  private static List<NewJob> jobs(int n, Instant runAt, int priority) {
    List<NewJob> jobs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      jobs.add(NewJob.builder(JobId.newId(), QUEUE, TYPE, "{\"n\":" + i + "}").runAt(runAt).priority(priority)
          .build());
    }
    return jobs;
  }

  private interface Task {
    void run() throws Exception;
  }

  private static void parallel(Task task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(FILL_THREADS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < FILL_THREADS; t++) {
        futures.add(pool.submit(() -> {
          task.run();
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static String figures(Level level) {
    double[] r = level.reserve();
    double[] c = level.cycle();
    return String.format(Locale.ROOT, "reserve median %.2f ms, p95 %.2f, p99 %.2f, max %.2f; reserve + complete "
            + "median %.2f ms, p95 %.2f, p99 %.2f", StressPostgresExample.median(r),
        StressPostgresExample.percentile(r, 0.95), StressPostgresExample.percentile(r, 0.99), r[r.length - 1],
        StressPostgresExample.median(c), StressPostgresExample.percentile(c, 0.95),
        StressPostgresExample.percentile(c, 0.99));
  }

  static String describe(TableStats.Sample s) {
    return String.format(Locale.ROOT, "th_jobs heap %s, indexes %s (reserve index %s), live %,d, dead %,d, "
            + "autovacuums %d, autoanalyzes %d, last autovacuum %s, last autoanalyze %s", TableStats.mb(s.heapBytes()),
        TableStats.mb(s.indexBytes()), TableStats.mb(s.reserveIndexBytes()), s.liveTuples(), s.deadTuples(),
        s.autovacuums(), s.autoanalyzes(), s.lastAutovacuum(), s.lastAutoanalyze());
  }

  /** The medians of the first, second and last third of {@code values}, in the order they were measured. */
  static String thirds(double[] values) {
    int n = values.length;
    if (n < 3) {
      return "too few calls";
    }
    StringBuilder b = new StringBuilder();
    for (int t = 0; t < 3; t++) {
      double[] part = sorted(java.util.Arrays.copyOfRange(values, t * n / 3, (t + 1) * n / 3));
      b.append(t == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f ms", StressPostgresExample.median(part)));
    }
    return b.toString();
  }

  private static double[] sorted(double[] values) {
    double[] copy = values.clone();
    java.util.Arrays.sort(copy);
    return copy;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
