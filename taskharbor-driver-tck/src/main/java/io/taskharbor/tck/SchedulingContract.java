package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.LEASE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.LeasedJob;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Scheduling: a READY job is due iff its run time (else its creation) is at or before now, to the microsecond. */
@DisplayName("scheduling: a job is due exactly when run_at <= now")
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class SchedulingContract extends TckGroup implements TckRules.Scheduling {

  private static final Duration MICRO = Duration.ofNanos(1_000);

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected SchedulingContract(DriverTck tck) {
    super(tck);
  }

  private List<LeasedJob> reserveAll() {
    return driver().reserve(QUEUE, 100, clock.instant(), LEASE);
  }

  @Override
  @Test
  @DisplayName("a job scheduled 1µs after now is not reserved; at its run time exactly it is")
  public void required_aJobIsDueExactlyAtItsRunTime() {
    Instant runAt = clock.instant().plus(Duration.ofMinutes(10));
    JobId id = fx.enqueueOne(Jobs.builder(QUEUE).runAt(runAt).build());

    clock.set(runAt.minus(MICRO));
    assertThat(reserveAll()).isEmpty();
    assertThat(fx.get(id).status()).isEqualTo(JobStatus.READY);

    clock.set(runAt);
    assertThat(reserveAll()).extracting(LeasedJob::id).containsExactly(id);
  }

  @Override
  @Test
  @DisplayName("a job enqueued with run time now + 1µs is not reserved at now")
  public void required_aJobScheduledOneMicrosecondAheadIsNotDue() {
    fx.enqueue(Jobs.builder(QUEUE).runAt(clock.instant().plus(MICRO)).build());
    assertThat(reserveAll()).isEmpty();
    clock.advance(MICRO);
    assertThat(reserveAll()).hasSize(1);
  }

  @Override
  @Test
  @DisplayName("a job whose run time is now, or in the past, is due at once")
  public void required_aRunTimeAtOrBeforeNowIsDueAtOnce() {
    JobId atNow = fx.enqueueOne(Jobs.builder(QUEUE).runAt(clock.instant()).build());
    JobId past = fx.enqueueOne(Jobs.builder(QUEUE).runAt(clock.instant().minus(Duration.ofDays(1))).build());

    assertThat(reserveAll()).extracting(LeasedJob::id).containsExactlyInAnyOrder(atNow, past);
  }

  @Override
  @Test
  @DisplayName("a retried job with a future run time is not reserved before it, and is at it")
  public void required_aRetryWithAFutureRunTimeWaitsForIt() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob leased = fx.reserve(id);
    Instant runAt = clock.instant().plus(Duration.ofMinutes(5));
    fx.retry(leased, runAt);

    assertThat(fx.get(id).runAt()).isEqualTo(runAt);
    clock.set(runAt.minus(MICRO));
    assertThat(reserveAll()).isEmpty();
    clock.set(runAt);
    assertThat(reserveAll()).extracting(LeasedJob::id).containsExactly(id);
  }

  @Override
  @Test
  @DisplayName("a retry without a run time is due at once: its run time becomes now")
  public void required_aRetryWithoutARunTimeIsDueAtOnce() {
    JobId id = fx.enqueueOne(Jobs.builder(QUEUE).runAt(clock.instant().minus(Duration.ofHours(1))).build());
    LeasedJob leased = fx.reserve(id);
    Instant now = clock.advance(Duration.ofSeconds(2));
    fx.retry(leased, null);

    assertThat(fx.get(id).runAt()).isEqualTo(now);
    assertThat(reserveAll()).extracting(LeasedJob::id).containsExactly(id);
  }

  @Override
  @Test
  @DisplayName("a release with a future run time is not reserved before it, and is at it")
  public void required_aReleaseWithAFutureRunTimeWaitsForIt() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob leased = fx.reserve(id);
    Instant runAt = clock.instant().plus(Duration.ofMinutes(5));
    fx.accept(new Completion.Release(id, leased.token(), runAt));

    clock.set(runAt.minus(MICRO));
    assertThat(reserveAll()).isEmpty();
    clock.set(runAt);
    assertThat(reserveAll()).extracting(LeasedJob::id).containsExactly(id);
  }

  @Override
  @Test
  @DisplayName("a release without a run time is due at once: its run time becomes now")
  public void required_aReleaseWithoutARunTimeIsDueAtOnce() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob leased = fx.reserve(id);
    Instant now = clock.advance(Duration.ofSeconds(2));
    fx.accept(new Completion.Release(id, leased.token(), null));

    assertThat(fx.get(id).runAt()).isEqualTo(now);
    assertThat(reserveAll()).extracting(LeasedJob::id).containsExactly(id);
  }

  @Override
  @Test
  @DisplayName("a job requeued from the DLQ is due at once: its run time becomes now")
  public void required_aRequeuedJobIsDueAtOnce() {
    JobId id = fx.jobIn(JobFixture.State.DLQ, Jobs.builder(QUEUE).runAt(clock.instant().minusSeconds(10)));
    Instant now = clock.advance(Duration.ofMinutes(1));
    driver().requeue(id, false, now);

    assertThat(fx.get(id).runAt()).isEqualTo(now);
    assertThat(reserveAll()).extracting(LeasedJob::id).containsExactly(id);
  }

  @Override
  @Test
  @DisplayName("stats count a job as scheduled until 1µs before its run time and as ready from its run time on")
  public void required_statsTellReadyFromScheduledAtTheBoundary() {
    Instant runAt = clock.instant().plus(Duration.ofMinutes(1));
    fx.enqueue(Jobs.builder(QUEUE).runAt(runAt).build());

    QueueStats before = driver().stats(QUEUE, runAt.minus(MICRO));
    QueueStats at = driver().stats(QUEUE, runAt);

    assertThat(before).isEqualTo(new QueueStats(QUEUE, 0, 1, 0, 0, 0, 0));
    assertThat(at).isEqualTo(new QueueStats(QUEUE, 1, 0, 0, 0, 0, 0));
  }

  @Override
  @Test
  @DisplayName("a scheduled job of higher priority does not hold back due jobs")
  public void required_aScheduledJobDoesNotBlockDueJobs() {
    JobId scheduled = fx.enqueueOne(Jobs.builder(QUEUE).priority(100).runAt(clock.instant().plusSeconds(60)).build());
    JobId due = fx.enqueueOne(Jobs.job(QUEUE));

    assertThat(reserveAll()).extracting(LeasedJob::id).containsExactly(due);
    assertThat(fx.get(scheduled).status()).isEqualTo(JobStatus.READY);
  }

  @Override
  @Test
  @DisplayName("a scheduled job is never reclaimed early: reserving before its run time leaves it untouched")
  public void required_reservingBeforeTheRunTimeLeavesTheJobUntouched() {
    JobId id = fx.enqueueOne(Jobs.builder(QUEUE).runAt(clock.instant().plusSeconds(60)).build());
    var before = fx.get(id);
    clock.advance(Duration.ofSeconds(59));

    assertThat(reserveAll()).isEmpty();
    JobRecords.assertJob(fx.get(id), before);
  }
}
