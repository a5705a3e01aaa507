package io.taskharbor.driver.postgres;

import io.taskharbor.api.JobId;
import io.taskharbor.api.QueueSettings;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.QueueControls;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures what a queue's settings cost reserve, for {@code docs/postgres-driver.md}: the latency of one reserve
 * (max 10, each followed by an ack of what it leased, not timed) on a queue with the default settings, with a limit
 * that is never reached, and with a limit of 1 (serial); then the drain rate of a serial queue with three reservers,
 * each a driver with a pool of its own. Run with the test class path and a DSN:
 * {@code java -cp ... io.taskharbor.driver.postgres.ReserveCostMain postgres://... [reserves]}. It creates and drops a
 * schema of its own.
 */
public final class ReserveCostMain {

  private static final Duration LEASE = Duration.ofMinutes(5);

  private ReserveCostMain() {}

  public static void main(String[] args) throws Exception {
    String dsn = args[0];
    int reserves = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
    String schema = "th_reserve_cost_" + Long.toHexString(System.nanoTime() & 0xffffffL);
    try (var c = PostgresDriver.connect(dsn); var st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    }
    String schemaDsn = TestDatabase.withOption(dsn, "schema", schema);
    try (PostgresDriver driver = PostgresDriver.builder().dsn(schemaDsn).poolSize(2).autoMigrate(true).build()) {
      QueueControls controls = driver.extension(QueueControls.class).orElseThrow();
      controls.update("limited", new QueueSettings(false, QueueSettings.MAX_LIMIT), now());
      controls.update("serial", new QueueSettings(false, 1), now());
      for (int round = 0; round < 2; round++) { // the first round warms up
        for (String queue : List.of("default", "limited", "serial")) {
          int max = queue.equals("serial") ? 1 : 10;
          enqueue(driver, queue, reserves * max);
          long[] micros = timeReserves(driver, queue, reserves, max);
          if (round == 1) {
            Arrays.sort(micros);
            System.out.printf(Locale.ROOT, "reserve on a %-7s queue: median %4d us, p90 %4d us, p99 %5d us (%d "
                + "reserves)%n", queue, micros[micros.length / 2], micros[micros.length * 9 / 10],
                micros[micros.length * 99 / 100], micros.length);
          }
          driver.purge(java.util.Set.of(io.taskharbor.api.JobStatus.DONE), now().plusSeconds(1));
        }
      }
      serialDrain(driver, schemaDsn, 3000);
    } finally {
      try (var c = PostgresDriver.connect(dsn); var st = c.createStatement()) {
        st.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  private static void enqueue(PostgresDriver driver, String queue, int n) {
    Instant at = now().minusSeconds(1);
    for (int done = 0; done < n; done += 1000) {
      List<NewJob> batch = new ArrayList<>();
      for (int i = done; i < Math.min(n, done + 1000); i++) {
        batch.add(NewJob.of(JobId.newId(), queue, "t", "{}"));
      }
      driver.enqueue(batch, at);
    }
  }

  /** Times {@code count} reserves of up to {@code max} jobs; acks what each leased, untimed. */
  private static long[] timeReserves(PostgresDriver driver, String queue, int count, int max) {
    long[] micros = new long[count];
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      List<LeasedJob> leased = driver.reserve(queue, max, now(), LEASE, "bench");
      micros[i] = (System.nanoTime() - start) / 1000;
      ack(driver, leased);
    }
    return micros;
  }

  private static void ack(PostgresDriver driver, List<LeasedJob> leased) {
    if (!leased.isEmpty()) {
      driver.complete(leased.stream().map(j -> (Completion) new Completion.Ack(j.id(), j.token(), null)).toList(),
          now());
    }
  }

  /** A serial queue drained by three reservers, each with a pool of its own: jobs per second. */
  private static void serialDrain(PostgresDriver admin, String dsn, int jobs) throws Exception {
    enqueue(admin, "serial", jobs);
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<PostgresDriver> drivers = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        drivers.add(PostgresDriver.builder().dsn(dsn).poolSize(1).build());
      }
      long start = System.nanoTime();
      List<Future<?>> work = new ArrayList<>();
      for (PostgresDriver d : drivers) {
        work.add(pool.submit(() -> {
          while (done.get() < jobs) {
            List<LeasedJob> leased = d.reserve("serial", 10, now(), LEASE, "bench");
            ack(d, leased);
            done.addAndGet(leased.size());
          }
          return null;
        }));
      }
      for (Future<?> f : work) {
        f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "serial queue, 3 reservers on separate pools: %d jobs in %.2f s = %.0f jobs/s%n",
          jobs, seconds, jobs / seconds);
    } finally {
      pool.shutdownNow();
      drivers.forEach(PostgresDriver::close);
    }
  }
}
