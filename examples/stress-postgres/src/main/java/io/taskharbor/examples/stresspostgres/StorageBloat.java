package io.taskharbor.examples.stresspostgres;

import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStatus;
import io.taskharbor.driver.postgres.PostgresDriver;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import io.taskharbor.examples.support.ExampleEnv;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code bloat} mode of {@link StorageBenchmark}: the table's sizes while jobs flow through it and are purged.
 *
 * <p>One client (one driver pool) does everything an application would: a producer thread enqueues no-op jobs with
 * {@code enqueueAll} in batches while fewer than {@code --backlog} are queued; one worker drains them; a scheduled
 * task calls {@code harbor.purge(DONE, DLQ, CANCELED, now - retention)} every {@code --purge-interval} (the client's
 * own purge, not distributed mode's leader purge, so the retention and the interval are the run's). Nothing vacuums
 * or analyses by hand: what keeps the table small is autovacuum, with the table's reloptions from the changelog and
 * the server's settings, and PostgreSQL's own page pruning. With {@code --hold-xmin}, another connection holds a
 * REPEATABLE READ snapshot (and a transaction id) from before the first job to the end, so that no row version made
 * during the run can be removed.
 *
 * <p>Each sample also explains one reserve of the driver's statement on a connection of its own and rolls it back
 * ({@link ReservePlan.Prober}): its execution time and the buffers its index scan touched show what a reserve costs
 * at that moment, beside the table's state.
 */
final class StorageBloat {
  private static final String QUEUE = "storage";
  private static final String TYPE = "storage.noop";

  /** The payload of every job. */
  record Payload(long n) {}

  private StorageBloat() {}

  /** A sample with the jobs finished so far and when. */
  private record Point(double seconds, long finished, long queued, TableStats.Sample sample, ReservePlan.Probe probe,
      String load) {}

  static boolean run(String dsn, StorageSettings.Bloat settings) throws Exception {
    String runDsn = StressDatabase.recreateSchema(dsn, settings.schema());
    List<Point> points = new ArrayList<>();
    AtomicLong purged = new AtomicLong();
    AtomicLong purges = new AtomicLong();
    AtomicLong slowestPurgeNanos = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Connection holder = null;
    boolean complete;
    try (Connection statsConnection = ExampleEnv.connect(runDsn);
        ReservePlan.Prober prober = new ReservePlan.Prober(runDsn, settings.schema(), QUEUE, 16, Duration.ofSeconds(30));
        TaskHarbor harbor = TaskHarbor.builder().driver(PostgresDriver.builder().dsn(runDsn).build()).ownsDriver(true)
            .build()) {
      TableStats stats = new TableStats(statsConnection, settings.schema());
      stats.printStart();
      if (settings.holdXmin()) {
        holder = holdXmin(runDsn, statsConnection);
      }
      Worker worker = harbor.newWorker().queues(QUEUE).concurrency(settings.concurrency())
          .handle(TYPE, Payload.class, job -> {})
          .build();
      ScheduledExecutorService purger = Executors.newSingleThreadScheduledExecutor();
      purger.scheduleWithFixedDelay(() -> {
        try {
          long t0 = System.nanoTime();
          purged.addAndGet(harbor.purge(EnumSet.of(JobStatus.DONE, JobStatus.DLQ, JobStatus.CANCELED),
              Instant.now().minus(settings.retention())));
          purges.incrementAndGet();
          slowestPurgeNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
        } catch (RuntimeException e) {
          failure.compareAndSet(null, e);
        }
      }, settings.purgeInterval().toMillis(), settings.purgeInterval().toMillis(), TimeUnit.MILLISECONDS);
      AtomicLong enqueued = new AtomicLong();
      long start = System.nanoTime();
      long deadline = start + settings.maxDuration().toNanos();
      Thread producer = new Thread(() -> {
        try {
          long n = 0;
          while (n < settings.jobs() && System.nanoTime() < deadline) {
            if (n - finished(worker) >= settings.backlog()) {
              Thread.sleep(5);
              continue;
            }
            int size = (int) Math.min(settings.enqueueBatch(), settings.jobs() - n);
            List<JobRequest> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
              batch.add(JobRequest.builder(TYPE, new Payload(n + i)).queue(QUEUE).build());
            }
            harbor.enqueueAll(batch);
            n += size;
            enqueued.set(n);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          failure.compareAndSet(null, e);
        }
      }, "storage-producer");
      try {
        worker.start();
        producer.start();
        System.out.println("columns: seconds since the start; jobs finished; their rate over the last interval; jobs "
            + "queued (enqueued, not finished); th_jobs heap, indexes, total; live and dead tuples, autovacuums and "
            + "autoanalyzes (pg_stat_user_tables); a reserve of 16 explained and rolled back: its execution time and "
            + "the buffers its scan of th_jobs_reserve_idx touched; the load average");
        System.out.printf(Locale.ROOT, "%7s %10s %8s %9s %10s %10s %10s %10s %10s %5s %5s %9s %9s %14s%n", "t (s)",
            "finished", "jobs/s", "queued", "heap", "indexes", "total", "live", "dead", "vacs", "anls", "probe ms",
            "scan bufs", "load");
        long next = start;
        long lastFinished = 0;
        double lastSeconds = 0;
        while (true) {
          next += settings.sampleInterval().toNanos();
          long sleep = next - System.nanoTime();
          if (sleep > 0) {
            Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
          }
          long done = finished(worker);
          double t = (System.nanoTime() - start) / 1e9;
          Point p = new Point(t, done, enqueued.get() - done, stats.sample(), prober.probe(Instant.now()),
              TableStats.load());
          points.add(p);
          print(p, (done - lastFinished) / (t - lastSeconds));
          lastFinished = done;
          lastSeconds = t;
          if (failure.get() != null || done >= settings.jobs() || System.nanoTime() >= deadline) {
            break;
          }
        }
        complete = finished(worker) >= settings.jobs();
        double drainSeconds = (System.nanoTime() - start) / 1e9;
        long finishedAtEnd = finished(worker);
        int drainPoints = points.size();
        if (!settings.tail().isZero() && failure.get() == null) {
          System.out.printf(Locale.ROOT, "tail: purging and sampling for %d s more%n", settings.tail().toSeconds());
          long tailEnd = System.nanoTime() + settings.tail().toNanos();
          while (System.nanoTime() < tailEnd) {
            Thread.sleep(Math.max(1, Math.min(settings.sampleInterval().toNanos(), tailEnd - System.nanoTime())
                / 1_000_000));
            long done = finished(worker);
            Point p = new Point((System.nanoTime() - start) / 1e9, done, enqueued.get() - done, stats.sample(),
                prober.probe(Instant.now()), TableStats.load());
            points.add(p);
            print(p, 0);
          }
        }
        purger.shutdown();
        purger.awaitTermination(1, TimeUnit.MINUTES);
        summary(settings, points, drainPoints, finishedAtEnd, drainSeconds, complete, purged.get(), purges.get(),
            slowestPurgeNanos.get(), stats);
      } finally {
        purger.shutdownNow();
        producer.interrupt();
        producer.join();
        worker.close();
      }
    } finally {
      if (holder != null) {
        holder.rollback();
        holder.close();
      }
      if (!settings.keepSchema()) {
        StorageBenchmark.dropSchema(dsn, settings.schema());
      }
    }
    if (failure.get() != null) {
      System.out.println("FAILED: " + failure.get());
      failure.get().printStackTrace(System.out);
      return false;
    }
    return true;
  }

  private static long finished(Worker worker) {
    return worker.metrics().succeeded() + worker.metrics().failed();
  }

  /**
   * Opens a connection that holds a REPEATABLE READ snapshot and a transaction id until it is rolled back, and prints
   * the horizon it holds as the server reports it.
   */
  private static Connection holdXmin(String runDsn, Connection statsConnection) throws SQLException {
    Connection c = ExampleEnv.connect(runDsn);
    c.setAutoCommit(false);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    long xid;
    int pid;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT txid_current(), pg_backend_pid()")) {
      rs.next();
      xid = rs.getLong(1);
      pid = rs.getInt(2);
    }
    try (PreparedStatement ps = statsConnection.prepareStatement(
        "SELECT backend_xid, backend_xmin, state FROM pg_stat_activity WHERE pid = ?")) {
      ps.setInt(1, pid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        System.out.printf(Locale.ROOT, "holding the xmin horizon: backend %d, txid_current() %d, backend_xid %s, "
            + "backend_xmin %s, %s, for the whole run%n", pid, xid, rs.getString(1), rs.getString(2), rs.getString(3));
      }
    }
    return c;
  }

  private static void print(Point p, double rate) {
    TableStats.Sample s = p.sample();
    System.out.printf(Locale.ROOT, "%7.1f %,10d %,8.0f %,9d %10s %10s %10s %,10d %,10d %5d %5d %9.2f %,9d %14s%n",
        p.seconds(), p.finished(), rate, p.queued(), TableStats.mb(s.heapBytes()), TableStats.mb(s.indexBytes()),
        TableStats.mb(s.totalBytes()), s.liveTuples(), s.deadTuples(), s.autovacuums(), s.autoanalyzes(),
        p.probe().executionMillis(), p.probe().reserveScanBuffers(), p.load());
  }

  private static void summary(StorageSettings.Bloat settings, List<Point> points, int drainPoints, long finished,
      double seconds, boolean complete, long purged, long purges, long slowestPurgeNanos, TableStats stats)
      throws SQLException {
    // Steady state: the rate of each sample interval while draining, leaving out the first (from the start to the
    // first sample: start-up) and, when the jobs ran out, the last (partial).
    int lastInterval = complete ? drainPoints - 2 : drainPoints - 1;
    double[] rates = new double[Math.max(0, lastInterval)];
    for (int i = 1; i <= lastInterval; i++) {
      Point a = points.get(i - 1);
      Point b = points.get(i);
      rates[i - 1] = (b.finished() - a.finished()) / (b.seconds() - a.seconds());
    }
    Arrays.sort(rates);
    Point peak = points.stream().max((a, b) -> Long.compare(a.sample().totalBytes(), b.sample().totalBytes()))
        .orElseThrow();
    long peakHeap = points.stream().mapToLong(p -> p.sample().heapBytes()).max().orElseThrow();
    long peakIndexes = points.stream().mapToLong(p -> p.sample().indexBytes()).max().orElseThrow();
    long peakSchema = points.stream().mapToLong(p -> p.sample().schemaBytes()).max().orElseThrow();
    long peakDead = points.stream().mapToLong(p -> p.sample().deadTuples()).max().orElseThrow();
    Point last = points.get(points.size() - 1);
    TableStats.Sample end = stats.sample();
    System.out.println();
    System.out.println("load average at end: " + TableStats.load());
    System.out.printf(Locale.ROOT, "summary: %,d of %,d jobs processed in %.1f s (%s), backlog at most %,d, retention "
            + "%d s, purge every %d ms, worker concurrency %d%s%n", finished, settings.jobs(), seconds,
        complete ? "all" : "STOPPED at --max-duration", settings.backlog(), settings.retention().toSeconds(),
        settings.purgeInterval().toMillis(), settings.concurrency(), settings.holdXmin()
            ? ", xmin horizon HELD by another connection" : "");
    System.out.printf(Locale.ROOT, "  throughput: %,.0f jobs/s overall; per %d s interval: median %,.0f, min %,.0f, "
            + "max %,.0f%n", finished / seconds, settings.sampleInterval().toSeconds(),
        rates.length == 0 ? 0 : StressPostgresExample.median(rates), rates.length == 0 ? 0 : rates[0],
        rates.length == 0 ? 0 : rates[rates.length - 1]);
    System.out.printf(Locale.ROOT, "  peak: th_jobs total %s at %.0f s (heap %s, indexes %s there); peaks of each: "
            + "heap %s, indexes %s, schema %s, dead tuples %,d%n", TableStats.mb(peak.sample().totalBytes()),
        peak.seconds(), TableStats.mb(peak.sample().heapBytes()), TableStats.mb(peak.sample().indexBytes()),
        TableStats.mb(peakHeap), TableStats.mb(peakIndexes), TableStats.mb(peakSchema), peakDead);
    System.out.printf(Locale.ROOT, "  final: th_jobs heap %s, indexes %s, total %s, schema %s; live %,d, dead %,d; "
            + "autovacuums %d, autoanalyzes %d, last autovacuum %s%n", TableStats.mb(end.heapBytes()),
        TableStats.mb(end.indexBytes()), TableStats.mb(end.totalBytes()), TableStats.mb(end.schemaBytes()),
        end.liveTuples(), end.deadTuples(), end.autovacuums(), end.autoanalyzes(), end.lastAutovacuum());
    System.out.println("  final indexes: " + stats.indexSizes());
    System.out.printf(Locale.ROOT, "  purge: %,d jobs in %,d calls, slowest call %.0f ms%n", purged, purges,
        slowestPurgeNanos / 1e6);
    double[] probes = points.subList(0, drainPoints).stream().mapToDouble(p -> p.probe().executionMillis()).sorted()
        .toArray();
    long mostBuffers = points.subList(0, drainPoints).stream().mapToLong(p -> p.probe().reserveScanBuffers()).max()
        .orElse(0);
    System.out.printf(Locale.ROOT, "  reserve probes while draining: median %.2f ms, max %.2f ms; the most buffers a "
        + "scan of th_jobs_reserve_idx touched: %,d%n", StressPostgresExample.median(probes),
        probes[probes.length - 1], mostBuffers);
    System.out.println("  last sample: " + ReserveScaling.describe(last.sample()));
  }
}
