package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobNotInflightException;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseExpiredException;
import io.taskharbor.api.LeaseMismatchException;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Page;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 32 threads, each with a PostgreSQL driver and a one-connection pool of its own (so 32 truly separate database
 * sessions), drain 5,000 jobs of one queue, reserving 1 to 16 at a time. Every job is acknowledged exactly once, no
 * job is ever held by two threads at once, and, when half the first deliveries are abandoned and the clock is moved
 * past their leases, the abandoned jobs are reclaimed by others while every stale token is refused.
 *
 * <p>Time is a fake microsecond clock from 2030-01-01 that every call advances by 1 µs, so leases never expire by
 * themselves during the run; only the explicit jump of the second test expires them.
 */
@Tag("postgres")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DrainWithThirtyTwoConnectionsTest {

  private static final int THREADS = 32;
  private static final int JOBS = 5_000;
  private static final int MAX_BATCH = 16;
  private static final String QUEUE = "drain";
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration RUN_BOUND = Duration.ofSeconds(90);

  private final AtomicLong clockMicros = new AtomicLong(ChronoUnit.MICROS.between(Instant.EPOCH, START));
  private final long seed = System.nanoTime();

  private String schema;
  private PostgresDriver setup;
  private final List<PostgresDriver> drivers = new ArrayList<>();
  private ExecutorService pool;

  /** The enqueued jobs, in enqueue order. */
  private final List<JobId> enqueued = new ArrayList<>();
  private final Map<JobId, AtomicInteger> holders = new ConcurrentHashMap<>();
  private final Map<JobId, AtomicInteger> deliveries = new ConcurrentHashMap<>();
  private final Map<JobId, AtomicInteger> acceptedAcks = new ConcurrentHashMap<>();
  /** The result each job's accepted ack stored; the job's record must end with it. */
  private final Map<JobId, String> ackedResult = new ConcurrentHashMap<>();
  private final AtomicInteger maxHolders = new AtomicInteger();
  private final AtomicInteger settled = new AtomicInteger();
  private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean stop = new AtomicBoolean();

  private Instant now() {
    return Instant.EPOCH.plus(clockMicros.incrementAndGet(), ChronoUnit.MICROS);
  }

  @BeforeEach
  void setUp() {
    System.out.println("DrainWithThirtyTwoConnectionsTest seed " + seed);
    schema = TestDatabase.createMigratedSchema();
    setup = PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(1).build();
    for (int i = 0; i < THREADS; i++) {
      drivers.add(PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(1).minIdle(1).build());
    }
    List<NewJob> batch = new ArrayList<>();
    for (int n = 0; n < JOBS; n++) {
      JobId id = JobId.newId();
      enqueued.add(id);
      holders.put(id, new AtomicInteger());
      deliveries.put(id, new AtomicInteger());
      acceptedAcks.put(id, new AtomicInteger());
      batch.add(NewJob.of(id, QUEUE, "drain", "{\"n\":" + n + "}"));
      if (batch.size() == 500) {
        setup.enqueue(batch, now());
        batch.clear();
      }
    }
    assertThat(setup.stats(QUEUE, now())).isEqualTo(new QueueStats(QUEUE, JOBS, 0, 0, 0, 0, 0));
    pool = Executors.newFixedThreadPool(THREADS);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    stop.set(true);
    if (pool != null) {
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
    }
    drivers.forEach(PostgresDriver::close);
    if (setup != null) {
      setup.close();
    }
    if (schema != null) {
      TestDatabase.drop(schema);
    }
  }

  // ------------------------------------------------------------------------------------------------ bookkeeping

  private void problem(String what) {
    problems.add(what);
    stop.set(true);
  }

  /** Checks a just-reserved job and marks this thread as its holder. */
  private void took(LeasedJob leased, Instant now, Duration lease, int thread) {
    JobId id = leased.id();
    AtomicInteger holding = holders.get(id);
    if (holding == null) {
      problem("thread " + thread + " reserved " + id + ", which was never enqueued");
      return;
    }
    int held = holding.incrementAndGet();
    maxHolders.accumulateAndGet(held, Math::max);
    if (held > 1) {
      problem("job " + id + " is held by " + held + " threads at once (thread " + thread + " reserved it again)");
    }
    int delivery = deliveries.get(id).incrementAndGet();
    JobRecord job = leased.job();
    if (!job.queue().equals(QUEUE) || job.status() != JobStatus.INFLIGHT || job.attempts() != delivery
        || !leased.leaseExpiresAt().equals(now.plus(lease))) {
      problem("thread " + thread + " reserved an unexpected record on delivery " + delivery + ": " + job);
    }
  }

  private void released(JobId id) {
    holders.get(id).decrementAndGet();
  }

  private void accepted(JobId id, String result) {
    acceptedAcks.get(id).incrementAndGet();
    ackedResult.put(id, result);
    settled.incrementAndGet();
  }

  /** Runs one task per thread, all released together, and waits for them within {@link #RUN_BOUND}. */
  private void runThreads(ThreadBody body) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Void>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      PostgresDriver driver = drivers.get(t);
      Random random = new Random(seed + t);
      Callable<Void> task = () -> {
        go.await();
        try {
          body.run(thread, driver, random);
        } catch (Throwable e) {
          problem("thread " + thread + " failed: " + e);
          throw e;
        }
        return null;
      };
      futures.add(pool.submit(task));
    }
    long started = System.nanoTime();
    go.countDown();
    for (Future<Void> f : futures) {
      long left = RUN_BOUND.toNanos() - (System.nanoTime() - started);
      f.get(Math.max(1, left), TimeUnit.NANOSECONDS);
    }
    System.out.printf("%d threads drained %d jobs in %d ms%n", THREADS, JOBS,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  @FunctionalInterface
  private interface ThreadBody {
    void run(int thread, PostgresDriver driver, Random random) throws Exception;
  }

  private boolean keepGoing(long deadline) {
    if (System.nanoTime() > deadline) {
      problem("only " + settled.get() + " of " + JOBS + " jobs were acknowledged within " + RUN_BOUND);
    }
    return !stop.get() && settled.get() < JOBS;
  }

  /** Every job of the queue, read a page at a time. */
  private Map<JobId, JobRecord> allRecords() {
    Map<JobId, JobRecord> records = new LinkedHashMap<>();
    String cursor = null;
    do {
      JobQuery.Builder query = JobQuery.builder().queue(QUEUE).limit(1000);
      if (cursor != null) {
        query.cursor(cursor);
      }
      Page<JobRecord> page = setup.list(query.build());
      page.items().forEach(r -> records.put(r.id(), r));
      cursor = page.nextCursor();
    } while (cursor != null);
    return records;
  }

  private void assertEveryJobDoneExactlyOnce(Map<JobId, Integer> expectedAttempts) {
    assertThat(problems).as("problems seen by the threads").isEmpty();
    assertThat(maxHolders.get()).as("the most threads that held one job at once").isEqualTo(1);
    assertThat(acceptedAcks.keySet()).containsExactlyInAnyOrderElementsOf(enqueued);
    Map<JobId, Integer> ackCounts = new HashMap<>();
    acceptedAcks.forEach((id, n) -> ackCounts.put(id, n.get()));
    assertThat(ackCounts).as("accepted acks per job").allSatisfy((id, n) -> assertThat(n).isOne());
    assertThat(setup.stats(QUEUE, now())).isEqualTo(new QueueStats(QUEUE, 0, 0, 0, JOBS, 0, 0));

    Map<JobId, JobRecord> records = allRecords();
    assertThat(records.keySet()).containsExactlyInAnyOrderElementsOf(enqueued);
    for (JobRecord r : records.values()) {
      assertThat(r.status()).as("status of %s", r.id()).isEqualTo(JobStatus.DONE);
      assertThat(r.attempts()).as("attempts of %s", r.id()).isEqualTo(expectedAttempts.get(r.id()));
      assertThat(deliveries.get(r.id()).get()).as("deliveries of %s", r.id()).isEqualTo(expectedAttempts.get(r.id()));
      assertThat(r.result()).as("result of %s", r.id()).isEqualTo(ackedResult.get(r.id()));
      assertThat(r.leaseToken()).isNull();
      assertThat(r.finishedAt()).isNotNull();
    }
  }

  private static String result(int thread, int attempt) {
    return "\"t" + thread + "-a" + attempt + "\"";
  }

  // ------------------------------------------------------------------------------------------------ tests

  @Test
  @DisplayName("32 threads with a connection each drain 5,000 jobs: each acknowledged exactly once, never held twice")
  void thirtyTwoConnectionsDrainEveryJobExactlyOnce() throws Exception {
    Duration lease = Duration.ofMinutes(5);
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger emptyReserves = new AtomicInteger();
    long deadline = System.nanoTime() + RUN_BOUND.toNanos();

    runThreads((thread, driver, random) -> {
      while (keepGoing(deadline)) {
        int max = 1 + random.nextInt(MAX_BATCH);
        Instant at = now();
        List<LeasedJob> got = driver.reserve(QUEUE, max, at, lease);
        if (got.size() > max) {
          problem("reserve(max=" + max + ") returned " + got.size() + " jobs");
        }
        if (got.isEmpty()) {
          emptyReserves.incrementAndGet();
          Thread.sleep(1);
          continue;
        }
        List<Completion> acks = new ArrayList<>();
        for (LeasedJob leased : got) {
          took(leased, at, lease, thread);
          acks.add(new Completion.Ack(leased.id(), leased.token(), result(thread, leased.job().attempts())));
        }
        got.forEach(l -> released(l.id()));
        List<Outcome> outcomes = driver.complete(acks, now());
        for (int i = 0; i < acks.size(); i++) {
          Outcome outcome = outcomes.get(i);
          Completion.Ack ack = (Completion.Ack) acks.get(i);
          if (!outcome.id().equals(ack.id())) {
            problem("outcome " + i + " names " + outcome.id() + " instead of " + ack.id());
          } else if (outcome.isOk()) {
            accepted(ack.id(), ack.result());
          } else {
            refused.incrementAndGet();
            problem("thread " + thread + "'s ack of " + ack.id() + " was refused: " + outcome.refusal());
          }
        }
      }
    });

    System.out.println("empty reserves while draining: " + emptyReserves.get());
    assertThat(refused.get()).as("refused completions").isZero();
    Map<JobId, Integer> once = new HashMap<>();
    enqueued.forEach(id -> once.put(id, 1));
    assertEveryJobDoneExactlyOnce(once);
  }

  /** A reservation given up without a word: the token, and when its lease runs out. */
  private record Abandoned(LeaseToken token, Instant expiresAt) {}

  @Test
  @DisplayName("when half the first deliveries are abandoned and their leases run out, others reclaim those jobs; "
      + "every job is still acknowledged exactly once, and every stale token is refused")
  void abandonedReservationsAreReclaimedAndTheirStaleTokensRefused() throws Exception {
    Duration lease = Duration.ofSeconds(10);
    long leaseMicros = lease.toNanos() / 1_000;
    Set<JobId> abandonOnFirstDelivery = ConcurrentHashMap.newKeySet();
    for (int n = 0; n < JOBS; n += 2) {
      abandonOnFirstDelivery.add(enqueued.get(n));
    }
    // Threads hold the read lock from reserve to the outcome of their acks; the clock jumps under the write lock, so
    // the only leases a jump expires are the abandoned ones.
    ReentrantReadWriteLock clockGuard = new ReentrantReadWriteLock();
    Map<JobId, Abandoned> unclaimed = new ConcurrentHashMap<>();
    Map<JobId, LeaseToken> staleTokens = new ConcurrentHashMap<>();
    AtomicInteger abandoned = new AtomicInteger();
    AtomicInteger refusedAsMismatch = new AtomicInteger();
    AtomicInteger refusedAsExpired = new AtomicInteger();
    AtomicInteger jumps = new AtomicInteger();
    long deadline = System.nanoTime() + RUN_BOUND.toNanos();

    runThreads((thread, driver, random) -> {
      while (keepGoing(deadline)) {
        boolean empty;
        clockGuard.readLock().lock();
        try {
          int max = 1 + random.nextInt(MAX_BATCH);
          Instant at = now();
          List<LeasedJob> got = driver.reserve(QUEUE, max, at, lease);
          empty = got.isEmpty();
          List<Completion> batch = new ArrayList<>();
          List<Boolean> stale = new ArrayList<>();
          for (LeasedJob leased : got) {
            took(leased, at, lease, thread);
            JobId id = leased.id();
            int attempt = leased.job().attempts();
            if (attempt == 1 && abandonOnFirstDelivery.contains(id)) {
              released(id);
              unclaimed.put(id, new Abandoned(leased.token(), leased.leaseExpiresAt()));
              staleTokens.put(id, leased.token());
              abandoned.incrementAndGet();
              continue;
            }
            if (attempt > 1) {
              Abandoned before = unclaimed.remove(id);
              if (before == null) {
                problem("job " + id + " was delivered again (attempt " + attempt + ") although nobody abandoned it");
                continue;
              }
              // The abandoned token goes first: it must be refused, as the reclaimer holds a valid lease now.
              batch.add(new Completion.Ack(id, before.token(), "\"stale\""));
              stale.add(true);
            }
            batch.add(new Completion.Ack(id, leased.token(), result(thread, attempt)));
            stale.add(false);
          }
          for (int i = 0; i < batch.size(); i++) {
            if (!stale.get(i)) {
              released(batch.get(i).id());
            }
          }
          List<Outcome> outcomes = batch.isEmpty() ? List.of() : driver.complete(batch, now());
          for (int i = 0; i < batch.size(); i++) {
            Completion.Ack ack = (Completion.Ack) batch.get(i);
            Outcome outcome = outcomes.get(i);
            if (stale.get(i)) {
              if (outcome.refusal() instanceof LeaseMismatchException m && m.jobId().equals(ack.id())) {
                refusedAsMismatch.incrementAndGet();
              } else {
                problem("a stale ack of reclaimed job " + ack.id() + " was not refused as a lease mismatch: "
                    + (outcome.isOk() ? "accepted" : outcome.refusal()));
              }
            } else if (outcome.isOk()) {
              accepted(ack.id(), ack.result());
            } else {
              problem("thread " + thread + "'s ack of " + ack.id() + " was refused: " + outcome.refusal());
            }
          }
        } finally {
          clockGuard.readLock().unlock();
        }
        if (empty && !unclaimed.isEmpty()) {
          clockGuard.writeLock().lock();
          try {
            Instant current = Instant.EPOCH.plus(clockMicros.get(), ChronoUnit.MICROS);
            if (unclaimed.values().stream().noneMatch(a -> a.expiresAt().isAfter(current))) {
              continue; // every abandoned lease has run out already: others reclaim them
            }
            clockMicros.addAndGet(leaseMicros + 1);
            jumps.incrementAndGet();
            // Nobody has reclaimed these yet: their own (old) token is presented after expiry.
            List<JobId> ids = List.copyOf(unclaimed.keySet());
            List<Completion> late = new ArrayList<>();
            for (JobId id : ids) {
              late.add(new Completion.Ack(id, unclaimed.get(id).token(), "\"late\""));
            }
            Instant at = now();
            List<Outcome> outcomes = driver.complete(late, at);
            for (int i = 0; i < ids.size(); i++) {
              JobId id = ids.get(i);
              if (outcomes.get(i).refusal() instanceof LeaseExpiredException e && e.jobId().equals(id)
                  && e.expiredAt().equals(unclaimed.get(id).expiresAt()) && e.now().equals(at)) {
                refusedAsExpired.incrementAndGet();
              } else {
                problem("a late ack of abandoned job " + id + " was not refused as an expired lease: "
                    + (outcomes.get(i).isOk() ? "accepted" : outcomes.get(i).refusal()));
              }
            }
          } finally {
            clockGuard.writeLock().unlock();
          }
        } else if (empty) {
          Thread.sleep(1);
        }
      }
    });

    System.out.printf("abandoned %d, clock jumps %d, stale acks refused: %d expired, %d mismatched%n",
        abandoned.get(), jumps.get(), refusedAsExpired.get(), refusedAsMismatch.get());
    assertThat(abandoned.get()).isEqualTo(JOBS / 2);
    assertThat(unclaimed).as("abandoned jobs nobody reclaimed").isEmpty();
    assertThat(refusedAsMismatch.get()).as("stale acks refused because another thread held the job").isEqualTo(JOBS / 2);
    assertThat(refusedAsExpired.get()).as("late acks refused because the lease had expired").isPositive();
    assertThat(jumps.get()).isPositive();
    Map<JobId, Integer> attempts = new HashMap<>();
    enqueued.forEach(id -> attempts.put(id, abandonOnFirstDelivery.contains(id) ? 2 : 1));
    assertEveryJobDoneExactlyOnce(attempts);

    // Once the jobs are DONE, the stale tokens change nothing: a retry is refused as not inflight, and an ack or a
    // fail is the documented terminal no-op (accepted, the first outcome stays).
    Map<JobId, JobRecord> before = allRecords();
    List<Completion> retries = new ArrayList<>();
    List<Completion> terminalNoOps = new ArrayList<>();
    staleTokens.forEach((id, token) -> {
      retries.add(new Completion.Retry(id, token, null, "stale retry"));
      terminalNoOps.add(new Completion.Ack(id, token, "\"stale\""));
      terminalNoOps.add(new Completion.Fail(id, token, "stale fail", null));
    });
    List<Outcome> retried = setup.complete(retries, now());
    assertThat(retried).hasSize(JOBS / 2).allSatisfy(o -> {
      assertThat(o.refusal()).isInstanceOf(JobNotInflightException.class);
      assertThat(((JobNotInflightException) o.refusal()).status()).isEqualTo(JobStatus.DONE);
    });
    assertThat(setup.complete(terminalNoOps, now())).hasSize(JOBS).allSatisfy(o -> assertThat(o.isOk()).isTrue());
    assertThat(allRecords()).isEqualTo(before);
  }
}
