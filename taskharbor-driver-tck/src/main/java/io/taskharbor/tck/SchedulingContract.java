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
import org.junit.jupiter.api.Test;

/** Scheduling: a READY job is due iff its run time (else its creation) is at or before now, to the microsecond. */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class SchedulingContract extends TckGroup implements SchedulingRules {

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
  public void required_sch01_aJobIsDueExactlyAtItsRunTime() {
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
  public void required_sch02_aJobScheduledOneMicrosecondAheadIsNotDue() {
    fx.enqueue(Jobs.builder(QUEUE).runAt(clock.instant().plus(MICRO)).build());
    assertThat(reserveAll()).isEmpty();
    clock.advance(MICRO);
    assertThat(reserveAll()).hasSize(1);
  }

  @Override
  @Test
  public void required_sch03_aRunTimeAtOrBeforeNowIsDueAtOnce() {
    JobId atNow = fx.enqueueOne(Jobs.builder(QUEUE).runAt(clock.instant()).build());
    JobId past = fx.enqueueOne(Jobs.builder(QUEUE).runAt(clock.instant().minus(Duration.ofDays(1))).build());

    assertThat(reserveAll()).extracting(LeasedJob::id).containsExactlyInAnyOrder(atNow, past);
  }

  @Override
  @Test
  public void required_sch04_aRetryWithAFutureRunTimeWaitsForIt() {
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
  public void required_sch05_aRetryWithoutARunTimeIsDueAtOnce() {
    JobId id = fx.enqueueOne(Jobs.builder(QUEUE).runAt(clock.instant().minus(Duration.ofHours(1))).build());
    LeasedJob leased = fx.reserve(id);
    Instant now = clock.advance(Duration.ofSeconds(2));
    fx.retry(leased, null);

    assertThat(fx.get(id).runAt()).isEqualTo(now);
    assertThat(reserveAll()).extracting(LeasedJob::id).containsExactly(id);
  }

  @Override
  @Test
  public void required_sch06_aReleaseWithAFutureRunTimeWaitsForIt() {
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
  public void required_sch07_aReleaseWithoutARunTimeIsDueAtOnce() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob leased = fx.reserve(id);
    Instant now = clock.advance(Duration.ofSeconds(2));
    fx.accept(new Completion.Release(id, leased.token(), null));

    assertThat(fx.get(id).runAt()).isEqualTo(now);
    assertThat(reserveAll()).extracting(LeasedJob::id).containsExactly(id);
  }

  @Override
  @Test
  public void required_sch08_aRequeuedJobIsDueAtOnce() {
    JobId id = fx.jobIn(JobFixture.State.DLQ, Jobs.builder(QUEUE).runAt(clock.instant().minusSeconds(10)));
    Instant now = clock.advance(Duration.ofMinutes(1));
    driver().requeue(id, false, now);

    assertThat(fx.get(id).runAt()).isEqualTo(now);
    assertThat(reserveAll()).extracting(LeasedJob::id).containsExactly(id);
  }

  @Override
  @Test
  public void required_sch09_statsTellReadyFromScheduledAtTheBoundary() {
    Instant runAt = clock.instant().plus(Duration.ofMinutes(1));
    fx.enqueue(Jobs.builder(QUEUE).runAt(runAt).build());

    QueueStats before = driver().stats(QUEUE, runAt.minus(MICRO));
    QueueStats at = driver().stats(QUEUE, runAt);

    assertThat(before).isEqualTo(new QueueStats(QUEUE, 0, 1, 0, 0, 0, 0));
    assertThat(at).isEqualTo(new QueueStats(QUEUE, 1, 0, 0, 0, 0, 0));
  }

  @Override
  @Test
  public void required_sch10_aScheduledJobDoesNotBlockDueJobs() {
    JobId scheduled = fx.enqueueOne(Jobs.builder(QUEUE).priority(100).runAt(clock.instant().plusSeconds(60)).build());
    JobId due = fx.enqueueOne(Jobs.job(QUEUE));

    assertThat(reserveAll()).extracting(LeasedJob::id).containsExactly(due);
    assertThat(fx.get(scheduled).status()).isEqualTo(JobStatus.READY);
  }

  @Override
  @Test
  public void required_sch11_reservingBeforeTheRunTimeLeavesTheJobUntouched() {
    JobId id = fx.enqueueOne(Jobs.builder(QUEUE).runAt(clock.instant().plusSeconds(60)).build());
    var before = fx.get(id);
    clock.advance(Duration.ofSeconds(59));

    assertThat(reserveAll()).isEmpty();
    JobRecords.assertJob(fx.get(id), before);
  }

  @Override
  @Test
  public void untested_sch12_aDriverNeverReadsAClock() {
    notVerified();
  }
}
