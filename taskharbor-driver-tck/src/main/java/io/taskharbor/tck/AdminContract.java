package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.LEASE;
import static io.taskharbor.tck.JobFixture.OTHER_QUEUE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.InvalidJobStatusException;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobNotFoundException;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Admin: requeue from the DLQ, cancel, delete and purge, each allowed only in the statuses the SPI names. */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class AdminContract extends TckGroup implements AdminRules {

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected AdminContract(DriverTck tck) {
    super(tck);
  }

  /** Runs {@code call}, expecting an InvalidJobStatusException (exactly) with the job's status, and no change. */
  private void refusedForStatus(JobId id, Executable call) {
    JobRecord before = fx.get(id);
    Throwable thrown = catchThrowable(call::execute);

    assertThat(thrown).isExactlyInstanceOf(InvalidJobStatusException.class);
    InvalidJobStatusException e = (InvalidJobStatusException) thrown;
    assertThat(e.jobId()).isEqualTo(id);
    assertThat(e.status()).isEqualTo(before.status());
    JobRecords.assertJob(fx.get(id), before);
  }

  private void notFound(JobId id, Executable call) {
    Throwable thrown = catchThrowable(call::execute);

    assertThat(thrown).isExactlyInstanceOf(JobNotFoundException.class);
    assertThat(((JobNotFoundException) thrown).jobId()).isEqualTo(id);
    assertThat(driver().get(id)).isEmpty();
  }

  // ---------------------------------------------------------------- requeue

  @Override
  @Test
  public void required_adm01_requeueWithResetMovesADlqJobBackToReady() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    fx.fail(fx.reserve(id), "bad");
    JobRecord dead = fx.get(id);
    Instant now = clock.advance(Duration.ofMinutes(5));

    driver().requeue(id, true, now);

    JobRecords.assertJob(fx.get(id), JobRecords.copy(dead).status(JobStatus.READY).runAt(now).attempts(0)
        .dlq(null, null).finishedAt(null).updatedAt(now).build());
    assertThat(fx.reserve(id).job().attempts()).isEqualTo(1);
  }

  @Override
  @Test
  public void required_adm02_requeueWithoutResetKeepsAttempts() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob first = fx.reserve(id);
    fx.retry(first, null);
    fx.fail(fx.reserve(id), "bad");
    JobRecord dead = fx.get(id);
    Instant now = clock.advance(Duration.ofMinutes(5));

    driver().requeue(id, false, now);

    JobRecords.assertJob(fx.get(id), JobRecords.copy(dead).status(JobStatus.READY).runAt(now).attempts(2)
        .dlq(null, null).finishedAt(null).updatedAt(now).build());
    assertThat(fx.reserve(id).job().attempts()).isEqualTo(3);
  }

  @Override
  @Test
  public void required_adm03_aJobSweptToTheDlqCanBeRequeued() {
    JobId id = fx.enqueueOne(Jobs.builder(QUEUE).maxAttempts(1).build());
    LeasedJob leased = fx.reserve(id);
    clock.set(leased.leaseExpiresAt());
    assertThat(fx.reserve(QUEUE, 1)).isEmpty();
    assertThat(fx.get(id).status()).isEqualTo(JobStatus.DLQ);

    driver().requeue(id, true, clock.instant());

    fx.ack(fx.reserve(id));
    assertThat(fx.get(id).status()).isEqualTo(JobStatus.DONE);
  }

  @Override
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = JobFixture.State.class, names = {"READY", "SCHEDULED", "INFLIGHT", "DONE", "CANCELED"})
  public void required_adm04_requeueOfAJobNotInTheDlqIsRefused(JobFixture.State state) {
    JobId id = fx.jobIn(state, QUEUE);
    refusedForStatus(id, () -> driver().requeue(id, true, clock.instant()));
  }

  @Override
  @Test
  public void required_adm05_requeueOfAnUnknownJobIsNotFound() {
    JobId missing = Jobs.nextId();
    notFound(missing, () -> driver().requeue(missing, true, clock.instant()));
  }

  // ---------------------------------------------------------------- cancel

  @Override
  @Test
  public void required_adm06_cancelMakesAReadyJobCanceled() {
    JobId id = fx.enqueueOne(Jobs.builder(QUEUE).idempotencyKey("k").build());
    JobRecord ready = fx.get(id);
    Instant now = clock.advance(Duration.ofSeconds(3));

    driver().cancel(id, now);

    JobRecords.assertJob(fx.get(id), JobRecords.copy(ready).status(JobStatus.CANCELED).finishedAt(now)
        .updatedAt(now).build());
  }

  @Override
  @Test
  public void required_adm07_cancelMakesAScheduledJobCanceled() {
    JobId id = fx.jobIn(JobFixture.State.SCHEDULED, QUEUE);
    JobRecord scheduled = fx.get(id);
    Instant now = clock.advance(Duration.ofSeconds(3));

    driver().cancel(id, now);

    JobRecords.assertJob(fx.get(id), JobRecords.copy(scheduled).status(JobStatus.CANCELED).finishedAt(now)
        .updatedAt(now).build());
  }

  @Override
  @Test
  public void required_adm08_aCanceledJobIsNeverReserved() {
    JobId id = fx.enqueueOne(Jobs.builder(QUEUE).runAt(clock.instant().plusSeconds(10)).build());
    driver().cancel(id, clock.instant());
    clock.advance(Duration.ofMinutes(1));

    assertThat(fx.reserve(QUEUE, 10)).isEmpty();
    assertThat(fx.get(id).status()).isEqualTo(JobStatus.CANCELED);
  }

  @Override
  @Test
  public void required_adm09_cancelOfACanceledJobIsANoOp() {
    JobId id = fx.jobIn(JobFixture.State.CANCELED, QUEUE);
    JobRecord canceled = fx.get(id);
    clock.advance(Duration.ofMinutes(1));

    driver().cancel(id, clock.instant());

    JobRecords.assertJob(fx.get(id), canceled);
  }

  @Override
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = JobFixture.State.class, names = {"INFLIGHT", "DONE", "DLQ"})
  public void required_adm10_cancelOfAJobNotReadyIsRefused(JobFixture.State state) {
    JobId id = fx.jobIn(state, QUEUE);
    refusedForStatus(id, () -> driver().cancel(id, clock.instant()));
  }

  @Override
  @Test
  public void required_adm11_cancelOfAnExpiredInflightJobIsRefused() {
    JobId id = fx.jobIn(JobFixture.State.INFLIGHT, QUEUE);
    clock.advance(LEASE.plusSeconds(1));
    refusedForStatus(id, () -> driver().cancel(id, clock.instant()));
  }

  @Override
  @Test
  public void required_adm12_cancelOfAnUnknownJobIsNotFound() {
    JobId missing = Jobs.nextId();
    notFound(missing, () -> driver().cancel(missing, clock.instant()));
  }

  // ---------------------------------------------------------------- delete

  @Override
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = JobFixture.State.class, names = {"READY", "SCHEDULED", "DONE", "DLQ", "CANCELED"})
  public void required_adm13_deleteRemovesAJobThatIsNotInflight(JobFixture.State state) {
    JobId id = fx.jobIn(state, QUEUE);
    JobId kept = fx.enqueueOne(Jobs.job(OTHER_QUEUE));

    driver().delete(id);

    assertThat(driver().get(id)).isEmpty();
    assertThat(fx.all()).extracting(JobRecord::id).containsExactly(kept);
    assertThat(driver().stats(QUEUE, clock.instant())).isEqualTo(new QueueStats(QUEUE, 0, 0, 0, 0, 0, 0));
    clock.advance(Duration.ofHours(2));
    assertThat(fx.reserve(QUEUE, 10)).isEmpty();
  }

  @Override
  @Test
  public void required_adm14_deleteOfAnInflightJobIsRefused() {
    JobId id = fx.jobIn(JobFixture.State.INFLIGHT, QUEUE);
    refusedForStatus(id, () -> driver().delete(id));
    clock.advance(LEASE);
    refusedForStatus(id, () -> driver().delete(id));
  }

  @Override
  @Test
  public void required_adm15_deleteOfAnUnknownJobIsNotFound() {
    JobId missing = Jobs.nextId();
    notFound(missing, () -> driver().delete(missing));
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    driver().delete(id);
    notFound(id, () -> driver().delete(id));
  }

  @Override
  @Test
  public void required_adm16_aDeletedIdMayBeEnqueuedAgain() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    driver().delete(id);
    clock.advance(Duration.ofSeconds(1));
    NewJob again = Jobs.builder(OTHER_QUEUE).id(id).payload("{\"again\":true}").build();

    assertThat(driver().enqueue(List.of(again), clock.instant())).containsExactly(new EnqueueResult(id, true));
    assertThat(fx.get(id).queue()).isEqualTo(OTHER_QUEUE);
    assertThat(fx.get(id).createdAt()).isEqualTo(clock.instant());
  }

  // ---------------------------------------------------------------- purge

  @Override
  @Test
  public void required_adm17_purgeDeletesOnlyTheNamedStatuses() {
    JobId done = fx.jobIn(JobFixture.State.DONE, QUEUE);
    JobId dlq = fx.jobIn(JobFixture.State.DLQ, QUEUE);
    JobId canceled = fx.jobIn(JobFixture.State.CANCELED, QUEUE);
    JobId ready = fx.jobIn(JobFixture.State.READY, OTHER_QUEUE);
    JobId scheduled = fx.jobIn(JobFixture.State.SCHEDULED, OTHER_QUEUE);
    JobId inflight = fx.jobIn(JobFixture.State.INFLIGHT, "tck.inflight");
    clock.advance(Duration.ofSeconds(1));

    assertThat(driver().purge(EnumSet.of(JobStatus.DONE, JobStatus.CANCELED), clock.instant())).isEqualTo(2);

    assertThat(fx.all()).extracting(JobRecord::id).containsExactlyInAnyOrder(dlq, ready, scheduled, inflight);
    assertThat(driver().get(done)).isEmpty();
    assertThat(driver().get(canceled)).isEmpty();
  }

  @Override
  @Test
  public void required_adm18_purgeBoundaryIsStrict() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    Instant finished = clock.advance(Duration.ofHours(1));
    fx.ack(fx.reserve(id));
    assertThat(fx.get(id).finishedAt()).isEqualTo(finished);

    assertThat(driver().purge(Set.of(JobStatus.DONE), finished)).isZero();
    assertThat(driver().get(id)).isPresent();
    assertThat(driver().purge(Set.of(JobStatus.DONE), finished.plusNanos(1_000))).isEqualTo(1);
    assertThat(driver().get(id)).isEmpty();
  }

  @Override
  @Test
  public void required_adm19_purgeReturnsHowManyJobsItDeleted() {
    for (String queue : List.of(QUEUE, OTHER_QUEUE)) {
      fx.jobIn(JobFixture.State.DONE, queue);
      fx.jobIn(JobFixture.State.DONE, queue);
      fx.jobIn(JobFixture.State.DLQ, queue);
    }
    Set<JobStatus> terminal = EnumSet.of(JobStatus.DONE, JobStatus.DLQ, JobStatus.CANCELED);
    clock.advance(Duration.ofSeconds(1));

    assertThat(driver().purge(terminal, clock.instant())).isEqualTo(6);
    assertThat(driver().purge(terminal, clock.instant())).isZero();
    assertThat(fx.all()).isEmpty();
  }

  @Override
  @Test
  public void required_adm20_purgeNeverDeletesUnfinishedJobs() {
    fx.jobIn(JobFixture.State.READY, QUEUE);
    fx.jobIn(JobFixture.State.SCHEDULED, QUEUE);
    fx.jobIn(JobFixture.State.INFLIGHT, OTHER_QUEUE);
    clock.advance(Duration.ofDays(365));

    assertThat(driver().purge(EnumSet.of(JobStatus.DONE, JobStatus.DLQ, JobStatus.CANCELED), clock.instant()))
        .isZero();
    assertThat(fx.all()).hasSize(3);
  }

  @Override
  @Test
  public void required_adm21_purgeGoesByFinishedAt() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    Instant created = clock.instant();
    clock.advance(Duration.ofDays(1));
    fx.ack(fx.reserve(id));

    assertThat(driver().purge(Set.of(JobStatus.DONE), created.plusSeconds(1))).isZero();
    assertThat(driver().get(id)).isPresent();
  }

  @Override
  @ParameterizedTest(name = "reset attempts: {0}")
  @ValueSource(booleans = {true, false})
  public void required_adm22_aRequeuedJobIsNotPurged(boolean resetAttempts) {
    JobId id = fx.jobIn(JobFixture.State.DLQ, QUEUE);
    clock.advance(Duration.ofSeconds(1));
    driver().requeue(id, resetAttempts, clock.instant());
    clock.advance(Duration.ofSeconds(1));

    assertThat(driver().purge(EnumSet.of(JobStatus.DONE, JobStatus.DLQ, JobStatus.CANCELED), clock.instant()))
        .isZero();
    assertThat(fx.get(id).status()).isEqualTo(JobStatus.READY);
    assertThat(driver().list(JobQuery.builder().status(JobStatus.DLQ).build()).items()).isEmpty();
  }
}
