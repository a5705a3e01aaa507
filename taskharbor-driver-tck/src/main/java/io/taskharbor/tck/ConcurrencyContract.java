package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.LEASE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.DuplicateJobException;
import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobNotInflightException;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Concurrency: real threads, half of them on a {@linkplain #secondClient() second client} over the same storage,
 * racing on the same jobs. Every race is bounded: a driver that deadlocks fails the test after {@link #TIMEOUT}
 * instead of hanging the build.
 */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class ConcurrencyContract extends TckGroup implements ConcurrencyRules {

  /** The longest a race may take before the test fails as a probable deadlock. */
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static final int RACERS = 16;
  private static final int ROUNDS = 10;

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected ConcurrencyContract(DriverTck tck) {
    super(tck);
  }

  /** Returns the clients the racers use, alternately: this test's driver and a second client over its storage. */
  private Driver[] clients() {
    return new Driver[] {driver(), secondClient()};
  }

  /**
   * Runs every task on its own thread, all released at once, and returns their results in task order. A task that
   * throws fails the test with its exception; tasks that do not all finish within {@link #TIMEOUT} fail it as a
   * probable deadlock.
   */
  static <T> List<T> race(List<Callable<T>> tasks) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size(), r -> {
      Thread t = new Thread(r, "tck-racer");
      t.setDaemon(true);
      return t;
    });
    CountDownLatch ready = new CountDownLatch(tasks.size());
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          return task.call();
        }));
      }
      ready.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      go.countDown();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        try {
          results.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
          throw new AssertionError("racing threads did not finish within " + TIMEOUT + ": a deadlock in the driver?",
              e);
        } catch (ExecutionException e) {
          throw new AssertionError("a racing thread failed: " + e.getCause(), e.getCause());
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Override
  @Test
  public void stochastic_con01_concurrentWorkersProcessEveryJobExactlyOnce() throws InterruptedException {
    int total = 2_000;
    List<NewJob> batch = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      batch.add(Jobs.job(QUEUE));
      if (batch.size() == 200) {
        fx.enqueue(batch.toArray(NewJob[]::new));
        batch.clear();
      }
    }
    Driver[] clients = clients();
    Instant now = clock.instant();
    Map<JobId, String> holders = new ConcurrentHashMap<>();
    Map<JobId, Integer> deliveries = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    List<Callable<Integer>> workers = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      Driver client = clients[w % clients.length];
      String me = "worker-" + w;
      workers.add(() -> {
        int acked = 0;
        for (List<LeasedJob> got = client.reserve(QUEUE, 16, now, Duration.ofHours(1)); !got.isEmpty();
            got = client.reserve(QUEUE, 16, now, Duration.ofHours(1))) {
          List<Completion> acks = new ArrayList<>();
          for (LeasedJob job : got) {
            String other = holders.putIfAbsent(job.id(), me);
            if (other != null) {
              problems.add(job.id() + " handed to " + me + " while " + other + " held it");
            }
            deliveries.merge(job.id(), 1, Integer::sum);
            acks.add(new Completion.Ack(job.id(), job.token(), null));
          }
          for (Outcome outcome : client.complete(acks, now)) {
            if (!outcome.isOk()) {
              problems.add(me + "'s ack of " + outcome.id() + " was refused: " + outcome.refusal());
            }
            holders.remove(outcome.id(), me);
            acked++;
          }
        }
        return acked;
      });
    }

    List<Integer> acked = race(workers);

    assertThat(problems).isEmpty();
    assertThat(acked.stream().mapToInt(Integer::intValue).sum()).isEqualTo(total);
    assertThat(deliveries).hasSize(total);
    assertThat(deliveries.values()).allMatch(n -> n == 1);
    assertThat(driver().stats(QUEUE, now)).isEqualTo(new QueueStats(QUEUE, 0, 0, 0, total, 0, 0));
  }

  @Override
  @Test
  public void stochastic_con02_exactlyOneReserverWinsAReadyJob() throws InterruptedException {
    Driver[] clients = clients();
    for (int round = 0; round < ROUNDS; round++) {
      String queue = "tck.race." + round;
      JobId id = fx.enqueueOne(Jobs.job(queue));
      Instant now = clock.instant();
      List<Callable<List<LeasedJob>>> racers = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        Driver client = clients[i % clients.length];
        racers.add(() -> client.reserve(queue, 1, now, LEASE));
      }

      List<LeasedJob> winners = race(racers).stream().flatMap(List::stream).toList();

      assertThat(winners).as("round %d", round).hasSize(1);
      assertThat(fx.get(id).leaseToken()).isEqualTo(winners.get(0).token());
      assertThat(fx.get(id).attempts()).isEqualTo(1);
    }
  }

  @Override
  @Test
  public void stochastic_con03_exactlyOneReserverWinsAnExpiredJob() throws InterruptedException {
    Driver[] clients = clients();
    for (int round = 0; round < ROUNDS; round++) {
      String queue = "tck.reclaim." + round;
      JobId id = fx.enqueueOne(Jobs.job(queue));
      LeasedJob crashed = fx.reserve(id);
      Instant expiry = crashed.leaseExpiresAt();
      List<Callable<List<LeasedJob>>> racers = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        Driver client = clients[i % clients.length];
        racers.add(() -> client.reserve(queue, 1, expiry, LEASE));
      }

      List<LeasedJob> winners = race(racers).stream().flatMap(List::stream).toList();

      assertThat(winners).as("round %d", round).hasSize(1);
      assertThat(winners.get(0).token()).isNotEqualTo(crashed.token());
      JobRecord after = fx.get(id);
      assertThat(after.leaseToken()).isEqualTo(winners.get(0).token());
      assertThat(after.leaseExpiresAt()).isEqualTo(expiry.plus(LEASE));
      assertThat(after.attempts()).isEqualTo(2);
    }
  }

  @Override
  @Test
  public void stochastic_con04_concurrentEnqueuesWithOneKeyCreateOneJob() throws InterruptedException {
    Driver[] clients = clients();
    for (int round = 0; round < ROUNDS; round++) {
      String key = "race-" + round;
      Instant now = clock.instant();
      List<Callable<EnqueueResult>> racers = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        Driver client = clients[i % clients.length];
        NewJob job = Jobs.builder(QUEUE).idempotencyKey(key).build();
        racers.add(() -> client.enqueue(List.of(job), now).get(0));
      }

      List<EnqueueResult> results = race(racers);

      List<EnqueueResult> created = results.stream().filter(EnqueueResult::created).toList();
      assertThat(created).as("round %d: created", round).hasSize(1);
      JobId winner = created.get(0).id();
      assertThat(results).extracting(EnqueueResult::id).containsOnly(winner);
      assertThat(fx.all()).filteredOn(r -> key.equals(r.idempotencyKey())).extracting(JobRecord::id)
          .containsExactly(winner);
    }
  }

  @Override
  @Test
  public void stochastic_con05_concurrentEnqueuesOfOneIdStoreItOnce() throws InterruptedException {
    Driver[] clients = clients();
    for (int round = 0; round < ROUNDS; round++) {
      NewJob job = Jobs.job(QUEUE);
      Instant now = clock.instant();
      List<Callable<Boolean>> racers = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        Driver client = clients[i % clients.length];
        racers.add(() -> {
          try {
            List<EnqueueResult> results = client.enqueue(List.of(job), now);
            assertThat(results).containsExactly(new EnqueueResult(job.id(), true));
            return true;
          } catch (DuplicateJobException e) {
            assertThat(e.jobId()).isEqualTo(job.id());
            return false;
          }
        });
      }

      List<Boolean> stored = race(racers);

      assertThat(stored).as("round %d: stored", round).containsOnlyOnce(true);
      assertThat(fx.all()).filteredOn(r -> r.id().equals(job.id())).hasSize(1);
    }
  }

  @Override
  @Test
  public void stochastic_con06_racingCompletionsTakeEffectOnce() throws InterruptedException {
    Driver[] clients = clients();
    for (int round = 0; round < ROUNDS; round++) {
      String queue = "tck.finish." + round;
      LeasedJob leased = fx.reserve(fx.enqueueOne(Jobs.job(queue)));
      Instant now = clock.instant();
      List<Callable<Outcome>> racers = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        Driver client = clients[i % clients.length];
        Completion c = i % 2 == 0
            ? new Completion.Ack(leased.id(), leased.token(), "{\"by\":" + i + "}")
            : new Completion.Fail(leased.id(), leased.token(), "by " + i, null);
        racers.add(() -> client.complete(List.of(c), now).get(0));
      }

      List<Outcome> outcomes = race(racers);

      JobRecord after = fx.get(leased.id());
      assertThat(after.leaseToken()).isNull();
      for (int i = 0; i < RACERS; i++) {
        Outcome o = outcomes.get(i);
        boolean ack = i % 2 == 0;
        if (after.status() == JobStatus.DONE || !ack) {
          assertThat(o.refusal()).as("round %d, racer %d (%s)", round, i, ack ? "ack" : "fail").isNull();
        } else {
          assertThat(o.refusal()).as("round %d, racer %d (ack of a DLQ job)", round, i)
              .isExactlyInstanceOf(JobNotInflightException.class);
        }
      }
      if (after.status() == JobStatus.DONE) {
        assertThat(after.result()).isNotNull();
        int by = JsonAssert.parse(after.result()).get("by").asInt();
        assertThat(by % 2).as("the result comes from an ack").isZero();
        assertThat(after.dlqReason()).isNull();
      } else {
        assertThat(after.status()).isEqualTo(JobStatus.DLQ);
        assertThat(after.dlqReason()).startsWith("by ");
        assertThat(after.result()).isNull();
      }
    }
  }

  @Override
  @Test
  public void stochastic_con07_extendLeaseRacingWithAckNeverResurrectsTheJob() throws InterruptedException {
    Driver[] clients = clients();
    for (int round = 0; round < ROUNDS; round++) {
      String queue = "tck.extend." + round;
      LeasedJob leased = fx.reserve(fx.enqueueOne(Jobs.job(queue)));
      Instant now = clock.advance(Duration.ofSeconds(1));
      List<Callable<Optional<RuntimeException>>> racers = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        Driver client = clients[i % clients.length];
        if (i == RACERS / 2) {
          racers.add(() -> {
            Outcome o = client.complete(List.of(new Completion.Ack(leased.id(), leased.token(), null)), now).get(0);
            return Optional.ofNullable(o.refusal());
          });
        } else {
          racers.add(() -> {
            try {
              client.extendLease(leased.id(), leased.token(), now, LEASE);
              return Optional.empty();
            } catch (JobNotInflightException e) {
              assertThat(e.status()).isEqualTo(JobStatus.DONE);
              return Optional.empty();
            }
          });
        }
      }

      List<Optional<RuntimeException>> answers = race(racers);

      assertThat(answers).allSatisfy(a -> assertThat(a).isEmpty());
      JobRecord after = fx.get(leased.id());
      assertThat(after.status()).isEqualTo(JobStatus.DONE);
      assertThat(after.leaseToken()).isNull();
      assertThat(after.leaseExpiresAt()).isNull();
    }
  }

  @Override
  @Test
  public void untested_con08_everyCallIsThreadSafe() {
    notVerified();
  }
}
