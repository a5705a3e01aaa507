package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.LAST_ATTEMPT_EXPIRED;
import static io.taskharbor.tck.JobFixture.LEASE;
import static io.taskharbor.tck.JobFixture.OTHER_QUEUE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseMismatchException;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reserve: leases up to max claimable jobs of one queue, reclaims expired leases, sweeps last attempts to the DLQ. */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class ReserveContract extends TckGroup implements ReserveRules {

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected ReserveContract(DriverTck tck) {
    super(tck);
  }

  /** Sets the clock to {@code instant} and returns it. */
  private Instant at(Instant instant) {
    clock.set(instant);
    return instant;
  }

  private List<LeasedJob> reserve(String queue, int max) {
    return driver().reserve(queue, max, clock.instant(), LEASE);
  }

  @Override
  @Test
  public void required_rsv01_reserveReturnsAtMostMax() {
    for (int i = 0; i < 5; i++) {
      fx.enqueue(Jobs.job(QUEUE));
    }
    assertThat(reserve(QUEUE, 3)).hasSize(3);
    assertThat(reserve(QUEUE, 3)).hasSize(2);
    assertThat(reserve(QUEUE, 3)).isEmpty();
  }

  @Override
  @Test
  public void required_rsv02_reserveWithALargeMaxReturnsEveryClaimableJobOnce() {
    List<JobId> ids = fx.enqueue(Jobs.job(QUEUE), Jobs.job(QUEUE), Jobs.job(QUEUE));
    assertThat(reserve(QUEUE, 1000)).extracting(LeasedJob::id).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Override
  @Test
  public void required_rsv03_reserveOnAnEmptyQueueReturnsAnEmptyList() {
    assertThat(reserve("never-used", 10)).isEmpty();
    fx.enqueue(Jobs.job(OTHER_QUEUE));
    assertThat(reserve(QUEUE, 10)).isEmpty();
  }

  @Override
  @Test
  public void required_rsv04_reserveNeverReturnsAnotherQueuesJobs() {
    JobId mine = fx.enqueueOne(Jobs.job(QUEUE));
    JobId other = fx.enqueueOne(Jobs.builder(OTHER_QUEUE).priority(100).build());
    JobRecord otherBefore = fx.get(other);

    assertThat(reserve(QUEUE, 10)).extracting(LeasedJob::id).containsExactly(mine);
    JobRecords.assertJob(fx.get(other), otherBefore);
  }

  @Override
  @Test
  public void required_rsv05_reserveLeasesTheJob() {
    JobId id = fx.enqueueOne(Jobs.builder(QUEUE).idempotencyKey("k").priority(2).maxAttempts(4).build());
    JobRecord before = fx.get(id);
    Instant now = clock.advance(Duration.ofSeconds(3));

    List<LeasedJob> leased = reserve(QUEUE, 1);

    assertThat(leased).hasSize(1);
    LeaseToken token = leased.get(0).token();
    JobRecord expected = JobRecords.copy(before).status(JobStatus.INFLIGHT).lease(token, now.plus(LEASE))
        .attempts(1).updatedAt(now).reservedBy(null, now).build();
    JobRecords.assertJob(leased.get(0).job(), expected);
    JobRecords.assertJob(fx.get(id), expected);
  }

  @Override
  @Test
  public void required_rsv06_everyReservedJobGetsItsOwnToken() {
    for (int i = 0; i < 10; i++) {
      fx.enqueue(Jobs.job(QUEUE));
    }
    List<LeasedJob> leased = reserve(QUEUE, 10);

    assertThat(leased).hasSize(10);
    assertThat(leased).extracting(LeasedJob::token).doesNotHaveDuplicates();
  }

  @Override
  @Test
  public void required_rsv07_reserveLeavesJobsBeyondMaxUnchanged() {
    List<JobId> ids = fx.enqueue(Jobs.job(QUEUE), Jobs.job(QUEUE), Jobs.job(QUEUE));
    JobRecord lastBefore = fx.get(ids.get(2));
    clock.advance(Duration.ofSeconds(1));

    assertThat(reserve(QUEUE, 2)).extracting(LeasedJob::id).containsExactly(ids.get(0), ids.get(1));
    JobRecords.assertJob(fx.get(ids.get(2)), lastBefore);
  }

  @Override
  @Test
  public void required_rsv08_aLeasedJobIsNotReservableWhileItsLeaseIsValid() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob leased = fx.reserve(id);

    assertThat(reserve(QUEUE, 10)).isEmpty();
    clock.set(leased.leaseExpiresAt().minusNanos(1_000));
    assertThat(reserve(QUEUE, 10)).isEmpty();
    JobRecords.assertJob(fx.get(id), leased.job());
  }

  @Override
  @Test
  public void required_rsv09_anExpiredLeaseIsReclaimedAtExactlyItsExpiry() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob first = fx.reserve(id);
    Instant expiry = clock.advance(LEASE);
    assertThat(expiry).isEqualTo(first.leaseExpiresAt());

    List<LeasedJob> again = reserve(QUEUE, 10);

    assertThat(again).extracting(LeasedJob::id).containsExactly(id);
    LeasedJob second = again.get(0);
    assertThat(second.token()).isNotEqualTo(first.token());
    JobRecords.assertJob(fx.get(id), JobRecords.copy(first.job()).lease(second.token(), expiry.plus(LEASE))
        .attempts(2).updatedAt(expiry).reservedBy(null, expiry).build());
  }

  @Override
  @Test
  public void required_rsv10_aReclaimFencesTheFormerHolder() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob first = fx.reserve(id);
    clock.set(first.leaseExpiresAt());
    LeasedJob second = fx.reserveOne(QUEUE);

    Outcome late = fx.complete(new Completion.Ack(id, first.token(), null));

    assertThat(late.refusal()).isExactlyInstanceOf(LeaseMismatchException.class);
    JobRecords.assertJob(fx.get(id), second.job());
  }

  @Override
  @Test
  public void required_rsv11_reserveSkipsJobsThatAreNotClaimable() {
    fx.jobIn(JobFixture.State.DONE, QUEUE);
    fx.jobIn(JobFixture.State.DLQ, QUEUE);
    fx.jobIn(JobFixture.State.CANCELED, QUEUE);
    fx.jobIn(JobFixture.State.SCHEDULED, QUEUE);

    assertThat(reserve(QUEUE, 10)).isEmpty();
  }

  @Override
  @Test
  public void required_rsv12_anExpiredLastAttemptGoesToTheDlq() {
    JobId id = fx.enqueueOne(Jobs.builder(QUEUE).maxAttempts(1).build());
    LeasedJob leased = fx.reserve(id);
    Instant expiry = at(leased.leaseExpiresAt());

    assertThat(reserve(QUEUE, 10)).isEmpty();

    JobRecord after = fx.get(id);
    JobRecords.assertJob(after, JobRecords.copy(leased.job()).status(JobStatus.DLQ).noLease()
        .dlq(LAST_ATTEMPT_EXPIRED, expiry).finishedAt(expiry).updatedAt(expiry).lastError(after.lastError())
        .build());
  }

  @Override
  @Test
  public void required_rsv13_reclaimsCountTowardsMaxAttempts() {
    JobId id = fx.enqueueOne(Jobs.builder(QUEUE).maxAttempts(2).build());
    LeasedJob first = fx.reserve(id);
    clock.set(first.leaseExpiresAt());
    LeasedJob second = fx.reserve(id);
    assertThat(second.job().attempts()).isEqualTo(2);
    Instant expiry = at(second.leaseExpiresAt());

    assertThat(reserve(QUEUE, 10)).isEmpty();

    JobRecord after = fx.get(id);
    assertThat(after.status()).isEqualTo(JobStatus.DLQ);
    assertThat(after.dlqReason()).isEqualTo(LAST_ATTEMPT_EXPIRED);
    assertThat(after.dlqFailedAt()).isEqualTo(expiry);
    assertThat(after.attempts()).isEqualTo(2);
  }

  @Override
  @Test
  public void required_rsv14_theDlqSweepCoversTheWholeQueue() {
    List<JobId> exhausted = fx.enqueue(Jobs.builder(QUEUE).maxAttempts(1).build(),
        Jobs.builder(QUEUE).maxAttempts(1).build(), Jobs.builder(QUEUE).maxAttempts(1).build());
    assertThat(reserve(QUEUE, 3)).hasSize(3);
    clock.advance(Duration.ofSeconds(1));
    JobId ready = fx.enqueueOne(Jobs.job(QUEUE));
    JobId readyToo = fx.enqueueOne(Jobs.job(QUEUE));
    Instant expiry = clock.advance(LEASE.minusSeconds(1));

    assertThat(reserve(QUEUE, 1)).extracting(LeasedJob::id).containsExactly(ready);

    for (JobId id : exhausted) {
      assertThat(fx.get(id).status()).as("status of exhausted job %s", id).isEqualTo(JobStatus.DLQ);
      assertThat(fx.get(id).dlqFailedAt()).isEqualTo(expiry);
    }
    assertThat(fx.get(readyToo).status()).isEqualTo(JobStatus.READY);
  }

  @Override
  @Test
  public void required_rsv15_aLastAttemptWithAValidLeaseIsNotSwept() {
    JobId id = fx.enqueueOne(Jobs.builder(QUEUE).maxAttempts(1).build());
    LeasedJob leased = fx.reserve(id);
    clock.set(leased.leaseExpiresAt().minusNanos(1_000));

    assertThat(reserve(QUEUE, 10)).isEmpty();
    JobRecords.assertJob(fx.get(id), leased.job());
  }

  @Override
  @Test
  public void required_rsv16_theDlqSweepLeavesOtherQueuesAlone() {
    JobId other = fx.enqueueOne(Jobs.builder(OTHER_QUEUE).maxAttempts(1).build());
    LeasedJob leased = fx.reserve(other);
    clock.set(leased.leaseExpiresAt());

    assertThat(reserve(QUEUE, 10)).isEmpty();
    JobRecords.assertJob(fx.get(other), leased.job());

    assertThat(reserve(OTHER_QUEUE, 10)).isEmpty();
    assertThat(fx.get(other).status()).isEqualTo(JobStatus.DLQ);
  }

  @Override
  @Test
  public void required_rsv17_theLeaseIsTruncatedToMicroseconds() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    Instant now = clock.instant();

    List<LeasedJob> leased = driver().reserve(QUEUE, 1, now.plusNanos(999), LEASE.plusNanos(999));

    assertThat(leased).extracting(LeasedJob::leaseExpiresAt).containsExactly(now.plus(LEASE));
    assertThat(fx.get(id).leaseExpiresAt()).isEqualTo(now.plus(LEASE));
    assertThat(fx.get(id).updatedAt()).isEqualTo(now);
  }

  @Override
  @Test
  public void required_rsv18_everyReservationDrawsAFreshToken() {
    JobId id = fx.enqueueOne(Jobs.builder(QUEUE).maxAttempts(100).build());
    Set<LeaseToken> seen = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      LeasedJob leased = fx.reserve(id);
      assertThat(seen.add(leased.token())).as("token of reservation %d is new", i + 1).isTrue();
      clock.set(leased.leaseExpiresAt());
    }
    assertThat(fx.get(id).attempts()).isEqualTo(10);
  }

  @Override
  @Test
  public void required_rsv19_reserveChangesOnlyTheJobsItReturns() {
    NewJob high = Jobs.builder(QUEUE).priority(1).build();
    NewJob scheduled = Jobs.builder(QUEUE).runAt(clock.instant().plusSeconds(60)).build();
    fx.enqueue(high, scheduled);
    JobRecord scheduledBefore = fx.get(scheduled.id());

    assertThat(reserve(QUEUE, 5)).extracting(LeasedJob::id).containsExactly(high.id());
    JobRecords.assertJob(fx.get(scheduled.id()), scheduledBefore);
  }

  @Override
  @Test
  public void untested_rsv20_reserveNeverBlocks() {
    notVerified();
  }

  @Override
  @Test
  public void required_rsv21_reserveRecordsTheHolderAndTheStart() {
    List<JobId> ids = fx.enqueue(Jobs.job(QUEUE), Jobs.job(QUEUE));
    JobRecord secondBefore = fx.get(ids.get(1));
    Instant now = clock.advance(Duration.ofSeconds(2));

    List<LeasedJob> leased = driver().reserve(QUEUE, 2, now, LEASE, "node-a");

    assertThat(leased).extracting(LeasedJob::id).containsExactlyElementsOf(ids);
    for (LeasedJob l : leased) {
      JobRecord expected = JobRecords.copy(l.job()).reservedBy("node-a", now).build();
      JobRecords.assertJob(l.job(), expected);
      JobRecords.assertJob(fx.get(l.id()), expected);
    }
    JobRecords.assertJob(leased.get(1).job(), JobRecords.copy(secondBefore).status(JobStatus.INFLIGHT)
        .lease(leased.get(1).token(), now.plus(LEASE)).attempts(1).updatedAt(now).reservedBy("node-a", now).build());

    Instant expiry = at(leased.get(0).leaseExpiresAt());
    List<LeasedJob> reclaimed = driver().reserve(QUEUE, 1, expiry, LEASE, "node-b");
    assertThat(reclaimed).extracting(LeasedJob::id).containsExactly(ids.get(0));
    assertThat(reclaimed.get(0).job().leasedBy()).isEqualTo("node-b");
    assertThat(reclaimed.get(0).job().startedAt()).isEqualTo(expiry);
    JobRecords.assertJob(fx.get(ids.get(0)), reclaimed.get(0).job());
  }

  @Override
  @Test
  public void required_rsv22_reserveWithoutAHolderRecordsNone() {
    JobId four = fx.enqueueOne(Jobs.job(QUEUE));
    JobId five = fx.enqueueOne(Jobs.job(OTHER_QUEUE));
    LeasedJob first = driver().reserve(QUEUE, 1, clock.instant(), LEASE, "node-a").get(0);
    LeasedJob other = driver().reserve(OTHER_QUEUE, 1, clock.instant(), LEASE, "node-a").get(0);
    assertThat(first.job().leasedBy()).isEqualTo("node-a");

    Instant expiry = at(first.leaseExpiresAt());
    LeasedJob byFour = driver().reserve(QUEUE, 1, expiry, LEASE).get(0);
    LeasedJob byNull = driver().reserve(OTHER_QUEUE, 1, expiry, LEASE, null).get(0);

    assertThat(byFour.id()).isEqualTo(four);
    assertThat(byNull.id()).isEqualTo(five);
    for (LeasedJob l : List.of(byFour, byNull)) {
      assertThat(l.job().leasedBy()).as("leased_by of %s", l.id()).isNull();
      assertThat(l.job().startedAt()).as("started_at of %s", l.id()).isEqualTo(expiry);
      JobRecords.assertJob(fx.get(l.id()), l.job());
    }
    assertThat(other.token()).isNotEqualTo(byNull.token());
  }

  @Override
  @Test
  public void required_rsv23_theLatestReservationStaysOnTheJob() {
    Instant start = clock.instant();
    JobId acked = fx.enqueueOne(Jobs.builder(QUEUE).build());
    JobId retried = fx.enqueueOne(Jobs.builder(QUEUE).build());
    JobId failed = fx.enqueueOne(Jobs.builder(QUEUE).build());
    JobId released = fx.enqueueOne(Jobs.builder(QUEUE).build());
    JobId swept = fx.enqueueOne(Jobs.builder(QUEUE).maxAttempts(1).build());
    List<LeasedJob> leased = driver().reserve(QUEUE, 5, start, LEASE, "node-a");
    assertThat(leased).hasSize(5);
    java.util.Map<JobId, LeaseToken> tokens = new java.util.HashMap<>();
    leased.forEach(l -> tokens.put(l.id(), l.token()));

    Instant later = clock.advance(Duration.ofSeconds(5));
    assertThat(driver().complete(List.of(
        new Completion.Ack(acked, tokens.get(acked), null),
        new Completion.Retry(retried, tokens.get(retried), later.plusSeconds(600), "again"),
        new Completion.Fail(failed, tokens.get(failed), "bad", "boom"),
        new Completion.Release(released, tokens.get(released), later.plusSeconds(600))), later))
        .allSatisfy(o -> assertThat(o.refusal()).isNull());
    at(start.plus(LEASE));
    assertThat(reserve(QUEUE, 10)).isEmpty();
    assertThat(fx.get(swept).status()).isEqualTo(JobStatus.DLQ);

    for (JobId id : List.of(acked, retried, failed, released, swept)) {
      JobRecord after = fx.get(id);
      assertThat(after.leasedBy()).as("leased_by of %s after it left INFLIGHT (%s)", id, after.status())
          .isEqualTo("node-a");
      assertThat(after.startedAt()).as("started_at of %s after it left INFLIGHT (%s)", id, after.status())
          .isEqualTo(start);
    }

    Instant admin = clock.advance(Duration.ofSeconds(1));
    driver().requeue(failed, true, admin);
    driver().cancel(retried, admin);
    for (JobId id : List.of(failed, retried)) {
      assertThat(fx.get(id).leasedBy()).as("leased_by of %s after requeue or cancel", id).isEqualTo("node-a");
      assertThat(fx.get(id).startedAt()).as("started_at of %s after requeue or cancel", id).isEqualTo(start);
    }

    LeasedJob again = driver().reserve(QUEUE, 1, admin, LEASE, "node-b").get(0);
    assertThat(again.id()).isEqualTo(failed);
    assertThat(fx.get(failed).leasedBy()).isEqualTo("node-b");
    assertThat(fx.get(failed).startedAt()).isEqualTo(admin);
  }

  @Override
  @Test
  public void required_rsv24_aBadHolderIsRefused() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    JobRecord before = fx.get(id);
    for (String holder : List.of("", "   ", "n".repeat(256), "node\u0000a")) {
      Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
          () -> driver().reserve(QUEUE, 1, clock.instant(), LEASE, holder));
      assertThat(thrown).as("reserve with holder '%s'", holder.replace("\u0000", "\\0"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(thrown.getMessage()).as("the message names the parameter").containsPattern("\\bholder\\b");
    }
    JobRecords.assertJob(fx.get(id), before);
    assertThat(driver().reserve(QUEUE, 1, clock.instant(), LEASE, "n".repeat(255))).hasSize(1);
  }
}
