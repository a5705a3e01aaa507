package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.LEASE;
import static io.taskharbor.tck.JobFixture.OTHER_QUEUE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.Limits;
import io.taskharbor.api.QueueOverview;
import io.taskharbor.api.QueueSettings;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.JobControls;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.QueueControls;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The {@link QueueControls} extension: a queue's paused flag and concurrency limit, kept by reserve for every client,
 * and the overview of every queue. Every test is skipped, by name, for a driver without the extension.
 */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class QueueControlsContract extends TckGroup implements QueueControlsRules {

  private static final Duration MICRO = Duration.ofNanos(1_000);

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected QueueControlsContract(DriverTck tck) {
    super(tck);
  }

  private QueueControls que() {
    Assumptions.assumeTrue(driver().extension(QueueControls.class).isPresent(),
        "driver offers no extension QueueControls: test skipped by design");
    return driver().extension(QueueControls.class).orElseThrow();
  }

  private QueueSettings set(QueueControls q, String queue, QueueSettings settings) {
    QueueSettings stored = q.update(queue, settings, clock.instant());
    assertThat(stored).as("settings stored for %s", queue).isEqualTo(settings);
    return stored;
  }

  private static QueueSettings limit(int n) {
    return new QueueSettings(false, n);
  }

  private List<JobId> enqueueMany(String queue, int n) {
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(fx.enqueueOne(Jobs.job(queue)));
    }
    return ids;
  }

  @Override
  @Test
  public void optional_que01_settingsAreStoredAndReadBack() {
    QueueControls q = que();
    assertThat(q.settings(QUEUE)).isEqualTo(QueueSettings.DEFAULT);
    assertThat(q.settings("tck.never")).isEqualTo(QueueSettings.DEFAULT);

    set(q, "tck.empty", new QueueSettings(true, 7));
    assertThat(q.settings("tck.empty")).isEqualTo(new QueueSettings(true, 7));
    assertThat(q.settings(QUEUE)).as("another queue").isEqualTo(QueueSettings.DEFAULT);
    QueueControls second = secondClient().extension(QueueControls.class).orElseThrow();
    assertThat(second.settings("tck.empty")).as("on a second client").isEqualTo(new QueueSettings(true, 7));

    JobId id = fx.jobIn(JobFixture.State.DONE, QUEUE);
    set(q, QUEUE, limit(2));
    assertThat(driver().purge(java.util.Set.of(JobStatus.DONE), clock.advance(Duration.ofSeconds(1)))).isEqualTo(1);
    assertThat(driver().get(id)).isEmpty();
    assertThat(q.settings(QUEUE)).as("after its jobs were purged").isEqualTo(limit(2));

    set(q, "tck.empty", QueueSettings.DEFAULT);
    assertThat(q.settings("tck.empty")).isEqualTo(QueueSettings.DEFAULT);
    assertThat(second.settings("tck.empty")).isEqualTo(QueueSettings.DEFAULT);
  }

  @Override
  @Test
  public void optional_que02_aPausedQueueLeasesNothing() {
    QueueControls q = que();
    JobId running = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob held = fx.reserve(running);
    JobId first = fx.enqueueOne(Jobs.job(QUEUE));
    clock.advance(MICRO);
    JobId second = fx.enqueueOne(Jobs.job(QUEUE));
    JobId other = fx.enqueueOne(Jobs.job(OTHER_QUEUE));
    JobRecord firstBefore = fx.get(first);

    set(q, QUEUE, QueueSettings.DEFAULT.withPaused(true));
    assertThat(fx.reserve(QUEUE, 10)).as("reserve on a paused queue").isEmpty();
    assertThat(secondClient().reserve(QUEUE, 10, clock.instant(), LEASE)).as("on a second client").isEmpty();
    JobRecords.assertJob(fx.get(first), firstBefore);
    assertThat(fx.reserve(OTHER_QUEUE, 10)).extracting(LeasedJob::id).containsExactly(other);

    assertThat(driver().extendLease(held.id(), held.token(), clock.instant(), LEASE)).isAfter(clock.instant());
    fx.ack(held);
    assertThat(fx.get(running).status()).isEqualTo(JobStatus.DONE);

    set(q, QUEUE, QueueSettings.DEFAULT);
    assertThat(fx.reserve(QUEUE, 10)).extracting(LeasedJob::id).containsExactly(first, second);
  }

  @Override
  @Test
  public void optional_que03_aPausedQueueStillSweepsExpiredLastAttempts() {
    QueueControls q = que();
    LeasedJob last = fx.reserve(fx.enqueueOne(Jobs.builder(QUEUE).maxAttempts(1).build()));
    JobId waiting = fx.enqueueOne(Jobs.job(QUEUE));
    set(q, QUEUE, QueueSettings.DEFAULT.withPaused(true));
    clock.set(last.leaseExpiresAt());

    assertThat(fx.reserve(QUEUE, 10)).isEmpty();

    JobRecord swept = fx.get(last.id());
    assertThat(swept.status()).isEqualTo(JobStatus.DLQ);
    assertThat(swept.dlqReason()).isEqualTo(JobFixture.LAST_ATTEMPT_EXPIRED);
    assertThat(fx.get(waiting).status()).isEqualTo(JobStatus.READY);
  }

  @Override
  @Test
  public void optional_que04_theLimitCapsValidLeases() {
    QueueControls q = que();
    enqueueMany(QUEUE, 6);
    enqueueMany(OTHER_QUEUE, 6);
    set(q, QUEUE, limit(3));

    List<LeasedJob> leased = fx.reserve(QUEUE, 10);
    assertThat(leased).hasSize(3);
    assertThat(fx.reserve(QUEUE, 10)).as("a full queue").isEmpty();
    assertThat(fx.reserve(QUEUE, 1)).as("a full queue, max 1").isEmpty();
    fx.ack(leased.get(0));
    assertThat(fx.reserve(QUEUE, 10)).as("after one ack").hasSize(1);
    assertThat(fx.reserve(OTHER_QUEUE, 10)).as("a queue without a limit").hasSize(6);
    assertThat(driver().stats(QUEUE, clock.instant()).inflight()).isEqualTo(3);
  }

  @Override
  @Test
  public void optional_que05_aLimitOfOneIsASerialQueue() {
    QueueControls q = que();
    set(q, QUEUE, limit(1));
    JobId low = fx.enqueueOne(Jobs.builder(QUEUE).priority(0).build());
    clock.advance(MICRO);
    JobId high = fx.enqueueOne(Jobs.builder(QUEUE).priority(5).build());
    clock.advance(MICRO);
    JobId lowLater = fx.enqueueOne(Jobs.builder(QUEUE).priority(0).build());
    clock.advance(MICRO);
    JobId lowLast = fx.enqueueOne(Jobs.builder(QUEUE).priority(0).build());

    List<JobId> order = new ArrayList<>();
    LeasedJob a = only(fx.reserve(QUEUE, 10));
    order.add(a.id());
    assertThat(fx.reserve(QUEUE, 10)).isEmpty();
    fx.accept(new Completion.Release(a.id(), a.token(), clock.instant().plusSeconds(3600)));
    LeasedJob b = only(fx.reserve(QUEUE, 10));
    order.add(b.id());
    assertThat(fx.reserve(QUEUE, 10)).isEmpty();
    fx.fail(b, "serial");
    LeasedJob c = only(fx.reserve(QUEUE, 10));
    order.add(c.id());
    assertThat(fx.reserve(QUEUE, 10)).isEmpty();
    fx.ack(c);
    LeasedJob d = only(fx.reserve(QUEUE, 10));
    order.add(d.id());
    fx.retry(d, clock.instant().plusSeconds(3600));
    assertThat(fx.reserve(QUEUE, 10)).as("nothing due is left").isEmpty();

    assertThat(order).containsExactly(high, low, lowLater, lowLast);
  }

  private static LeasedJob only(List<LeasedJob> leased) {
    assertThat(leased).as("a serial queue leases one job").hasSize(1);
    return leased.get(0);
  }

  @Override
  @Test
  public void optional_que06_anExpiredLeaseDoesNotCount() {
    QueueControls q = que();
    set(q, QUEUE, limit(2));
    enqueueMany(QUEUE, 2);
    Instant t0 = clock.instant();
    LeasedJob shortLease = only(driver().reserve(QUEUE, 1, t0, Duration.ofSeconds(10)));
    assertThat(driver().reserve(QUEUE, 1, t0, Duration.ofSeconds(60))).hasSize(1);
    Instant expiry = shortLease.leaseExpiresAt();

    assertThat(driver().reserve(QUEUE, 5, expiry.minus(MICRO), LEASE)).as("1µs before the expiry").isEmpty();
    List<LeasedJob> atExpiry = driver().reserve(QUEUE, 5, expiry, LEASE);
    assertThat(atExpiry).as("exactly at the expiry: one room").hasSize(1);
    assertThat(atExpiry.get(0).id()).as("the expired job is reclaimed").isEqualTo(shortLease.id());
    fx.enqueueOne(Jobs.job(QUEUE));
    assertThat(driver().reserve(QUEUE, 5, expiry, LEASE)).as("the reclaimed job counts").isEmpty();
    assertThat(driver().stats(QUEUE, expiry).ready()).isEqualTo(1);
  }

  @Override
  @Test
  public void optional_que07_theLimitHoldsUnderRacingClients() throws InterruptedException {
    QueueControls q = que();
    int limit = 3;
    set(q, QUEUE, limit(limit));
    Driver[] clients = {driver(), secondClient()};
    for (int round = 0; round < 5; round++) {
      enqueueMany(QUEUE, 40);
      Instant now = clock.instant();
      List<Callable<List<LeasedJob>>> racers = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        Driver client = clients[i % 2];
        racers.add(() -> client.reserve(QUEUE, 2, now, LEASE));
      }
      List<LeasedJob> leased = ConcurrencyContract.race(racers).stream().flatMap(List::stream).toList();
      assertThat(leased).as("jobs leased in round %d by racing reservers under a limit of %d", round, limit)
          .hasSize(limit);
      assertThat(q.queues(now)).filteredOn(o -> o.queue().equals(QUEUE)).singleElement()
          .extracting(QueueOverview::validLeases).isEqualTo((long) limit);
      leased.forEach(fx::ack);
    }
  }

  @Override
  @Test
  public void optional_que08_changingTheLimitAppliesAtTheNextReserve() {
    QueueControls q = que();
    enqueueMany(QUEUE, 10);
    List<LeasedJob> held = fx.reserve(QUEUE, 4);
    assertThat(held).hasSize(4);

    set(q, QUEUE, limit(2));
    assertThat(fx.reserve(QUEUE, 10)).as("4 valid leases, limit 2").isEmpty();
    for (LeasedJob job : held) {
      assertThat(fx.get(job.id()).hasValidLease(clock.instant())).as("a lease the lower limit must not end").isTrue();
    }
    fx.ack(held.get(0));
    fx.ack(held.get(1));
    assertThat(fx.reserve(QUEUE, 10)).as("2 valid leases, limit 2").isEmpty();
    fx.ack(held.get(2));
    assertThat(fx.reserve(QUEUE, 10)).as("1 valid lease, limit 2").hasSize(1);

    set(q, QUEUE, limit(4));
    assertThat(fx.reserve(QUEUE, 10)).as("2 valid leases, limit 4").hasSize(2);
    set(q, QUEUE, QueueSettings.DEFAULT);
    assertThat(fx.reserve(QUEUE, 10)).as("no limit: every job left").hasSize(3);
  }

  @Override
  @Test
  public void optional_que09_theOverviewListsEveryQueue() {
    QueueControls q = que();
    assertThat(q.queues(clock.instant())).as("empty storage, no settings").isEmpty();
    Instant t0 = clock.instant();
    fx.enqueue(Jobs.job("tck.b"), Jobs.job("tck.b"), Jobs.builder("tck.b").runAt(t0.plusSeconds(60)).build());
    LeasedJob held = fx.reserveOne("tck.b");
    JobId paused = fx.enqueueOne(Jobs.job("tck._"));
    driver().extension(JobControls.class).ifPresent(c -> c.pause(paused, clock.instant()));
    fx.enqueueOne(Jobs.job("tck.B"));
    set(q, "tck.a", new QueueSettings(true, null));
    set(q, "tck.b", limit(5));
    set(q, "tck.reset", limit(5));
    set(q, "tck.reset", QueueSettings.DEFAULT);

    List<QueueOverview> all = q.queues(t0);

    assertThat(all).extracting(QueueOverview::queue).containsExactly("tck.B", "tck._", "tck.a", "tck.b");
    for (QueueOverview o : all) {
      assertThat(o.settings()).as("settings of %s", o.queue()).isEqualTo(q.settings(o.queue()));
      assertThat(o.stats()).as("stats of %s", o.queue()).isEqualTo(driver().stats(o.queue(), t0));
    }
    QueueOverview b = all.get(3);
    assertThat(b.stats()).isEqualTo(QueueStats.builder("tck.b").ready(1).scheduled(1).inflight(1).build());
    assertThat(b.validLeases()).isEqualTo(1);
    assertThat(all.get(2).stats()).isEqualTo(QueueStats.empty("tck.a"));
    if (driver().extension(JobControls.class).isPresent()) {
      assertThat(all.get(1).stats().paused()).as("a PAUSED job counted as paused").isEqualTo(1);
    }
    assertThat(q.queues(held.leaseExpiresAt())).filteredOn(o -> o.queue().equals("tck.b")).singleElement()
        .extracting(QueueOverview::validLeases).as("valid leases at the expiry").isEqualTo(0L);
  }

  @Override
  @Test
  public void optional_que10_badArgumentsAndClosedDriver() {
    QueueControls q = que();
    assertThat(driver().extension(QueueControls.class)).get().isSameAs(q);
    Instant now = clock.instant();
    set(q, QUEUE, limit(2));
    for (String bad : new String[] {"", " ", "bad queue", "x".repeat(129), "queue/slash"}) {
      assertNamed(catchThrowable(() -> q.update(bad, limit(1), now)), "queue");
      assertNamed(catchThrowable(() -> q.settings(bad)), "queue");
    }
    assertThat(catchThrowable(() -> q.update(null, limit(1), now)))
        .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
    assertThat(catchThrowable(() -> q.update(QUEUE, null, now)))
        .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
    assertNamed(catchThrowable(() -> q.update(QUEUE, limit(1), Limits.MIN_INSTANT.minus(MICRO))), "now");
    assertNamed(catchThrowable(() -> q.queues(Limits.MAX_INSTANT.plus(MICRO))), "now");
    assertThat(q.settings(QUEUE)).as("after the refused calls").isEqualTo(limit(2));
    for (int bad : new int[] {0, -1, Integer.MIN_VALUE, QueueSettings.MAX_LIMIT + 1}) {
      Throwable refused = catchThrowable(() -> new QueueSettings(false, bad));
      assertNamed(refused, "concurrencyLimit");
      assertThat(refused.getMessage()).contains(String.valueOf(bad)).contains(String.valueOf(QueueSettings.MAX_LIMIT));
    }
    assertThat(new QueueSettings(false, QueueSettings.MAX_LIMIT).concurrencyLimit())
        .isEqualTo(QueueSettings.MAX_LIMIT);

    driver().close();
    assertThat(catchThrowable(() -> q.settings(QUEUE))).isInstanceOf(IllegalStateException.class);
    assertThat(catchThrowable(() -> q.update(QUEUE, limit(1), now))).isInstanceOf(IllegalStateException.class);
    assertThat(catchThrowable(() -> q.queues(now))).isInstanceOf(IllegalStateException.class);
  }

  /** Asserts an {@link IllegalArgumentException} whose message names {@code field} as a whole word. */
  static void assertNamed(Throwable refused, String field) {
    assertThat(refused).isInstanceOf(IllegalArgumentException.class);
    assertThat(refused.getMessage()).containsPattern("\\b" + field + "\\b");
  }
}
