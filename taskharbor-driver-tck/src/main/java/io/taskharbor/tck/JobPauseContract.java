package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.LEASE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.api.InvalidJobStatusException;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobNotFoundException;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.Limits;
import io.taskharbor.spi.JobControls;
import io.taskharbor.spi.LeasedJob;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Pause and resume of one job ({@link JobControls#pause}, {@link JobControls#resume}). Every test is skipped, by name,
 * for a driver without the extension.
 */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class JobPauseContract extends TckGroup implements JobPauseRules {

  private static final Duration MICRO = Duration.ofNanos(1_000);

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected JobPauseContract(DriverTck tck) {
    super(tck);
  }

  /** The driver's {@link JobControls}, or the test is skipped by name. */
  static JobControls jobControls(io.taskharbor.spi.Driver driver) {
    Assumptions.assumeTrue(driver.extension(JobControls.class).isPresent(),
        "driver offers no extension JobControls: test skipped by design");
    return driver.extension(JobControls.class).orElseThrow();
  }

  private JobControls jc() {
    return jobControls(driver());
  }

  @Override
  @Test
  public void optional_pau01_aPausedJobIsNeverReserved() {
    JobControls jc = jc();
    JobId due = fx.enqueueOne(Jobs.job(QUEUE));
    JobId scheduled = fx.enqueueOne(Jobs.builder(QUEUE).runAt(clock.instant().plusSeconds(60)).build());
    JobRecord dueBefore = fx.get(due);
    JobRecord scheduledBefore = fx.get(scheduled);
    Instant at = clock.advance(Duration.ofSeconds(1));

    jc.pause(due, at);
    jc.pause(scheduled, at);

    JobRecords.assertJob(fx.get(due), JobRecords.copy(dueBefore).status(JobStatus.PAUSED).updatedAt(at).build());
    JobRecords.assertJob(fx.get(scheduled),
        JobRecords.copy(scheduledBefore).status(JobStatus.PAUSED).updatedAt(at).build());
    assertThat(fx.reserve(QUEUE, 10)).isEmpty();
    assertThat(secondClient().reserve(QUEUE, 10, at.plusSeconds(3600), LEASE)).as("an hour later, second client")
        .isEmpty();
    assertThat(driver().stats(QUEUE, at).paused()).isEqualTo(2);
    assertThat(driver().stats(QUEUE, at).ready() + driver().stats(QUEUE, at).scheduled()).isZero();
    assertThat(driver().list(JobQuery.builder().queue(QUEUE).status(JobStatus.PAUSED).build()).items())
        .extracting(JobRecord::id).containsExactlyInAnyOrder(due, scheduled);
  }

  @Override
  @Test
  public void optional_pau02_resumeKeepsThePlaceInReserveOrder() {
    JobControls jc = jc();
    JobId first = fx.enqueueOne(Jobs.job(QUEUE));
    JobId scheduled = fx.enqueueOne(Jobs.builder(QUEUE).runAt(clock.instant().plusSeconds(60)).build());
    jc.pause(first, clock.instant());
    jc.pause(scheduled, clock.instant());
    clock.advance(MICRO);
    JobId later = fx.enqueueOne(Jobs.job(QUEUE));
    JobRecord pausedBefore = fx.get(first);
    Instant at = clock.advance(Duration.ofSeconds(1));

    jc.resume(first, at);
    jc.resume(scheduled, at);

    JobRecords.assertJob(fx.get(first), JobRecords.copy(pausedBefore).status(JobStatus.READY).updatedAt(at).build());
    assertThat(fx.get(first).runAt()).as("run_at after resume").isEqualTo(pausedBefore.runAt());
    List<LeasedJob> leased = fx.reserve(QUEUE, 10);
    assertThat(leased).extracting(LeasedJob::id).as("resumed job first, the scheduled one not yet")
        .containsExactly(first, later);
    leased.forEach(fx::ack);
    assertThat(fx.get(scheduled).status()).isEqualTo(JobStatus.READY);
    assertThat(driver().reserve(QUEUE, 10, fx.get(scheduled).runAt(), LEASE)).extracting(LeasedJob::id)
        .containsExactly(scheduled);
  }

  @Override
  @Test
  public void optional_pau03_repeatedPauseAndResumeChangeNothing() {
    JobControls jc = jc();
    JobId ready = fx.enqueueOne(Jobs.job(QUEUE));
    JobId paused = fx.enqueueOne(Jobs.job(QUEUE));
    jc.pause(paused, clock.instant());
    JobRecord readyBefore = fx.get(ready);
    JobRecord pausedBefore = fx.get(paused);
    Instant later = clock.advance(Duration.ofSeconds(5));

    jc.resume(ready, later);
    jc.pause(paused, later);

    JobRecords.assertJob(fx.get(ready), readyBefore);
    JobRecords.assertJob(fx.get(paused), pausedBefore);
  }

  @Override
  @Test
  public void optional_pau04_otherStatusesAreRefused() {
    JobControls jc = jc();
    List<JobFixture.State> others = List.of(JobFixture.State.INFLIGHT, JobFixture.State.DONE, JobFixture.State.DLQ,
        JobFixture.State.CANCELED);
    for (JobFixture.State state : others) {
      JobId id = fx.jobIn(state, "tck.pau04." + state.name().toLowerCase(java.util.Locale.ROOT));
      JobRecord before = fx.get(id);
      assertRefused(jc::pause, id, before, "pause");
      assertRefused(jc::resume, id, before, "resume");
    }
    JobId missing = Jobs.nextId();
    assertThat(catchThrowable(() -> jc.pause(missing, clock.instant()))).isExactlyInstanceOf(JobNotFoundException.class);
    assertThat(catchThrowable(() -> jc.resume(missing, clock.instant())))
        .isExactlyInstanceOf(JobNotFoundException.class);
    assertThat(driver().get(missing)).isEmpty();
  }

  private void assertRefused(BiConsumer<JobId, Instant> call, JobId id, JobRecord before, String what) {
    Throwable refused = catchThrowable(() -> call.accept(id, clock.instant().plusSeconds(1)));
    assertThat(refused).as("%s of a %s job", what, before.status()).isExactlyInstanceOf(
        InvalidJobStatusException.class);
    InvalidJobStatusException e = (InvalidJobStatusException) refused;
    assertThat(e.jobId()).isEqualTo(id);
    assertThat(e.status()).isEqualTo(before.status());
    JobRecords.assertJob(fx.get(id), before);
  }

  @Override
  @Test
  public void optional_pau05_aPausedJobCanBeCanceledAndDeleted() {
    JobControls jc = jc();
    JobId canceled = fx.enqueueOne(Jobs.job(QUEUE));
    JobId requested = fx.enqueueOne(Jobs.job(QUEUE));
    JobId deleted = fx.enqueueOne(Jobs.job(QUEUE));
    JobId kept = fx.enqueueOne(Jobs.job(QUEUE));
    for (JobId id : List.of(canceled, requested, deleted, kept)) {
      jc.pause(id, clock.instant());
    }
    Instant at = clock.advance(Duration.ofSeconds(1));

    driver().cancel(canceled, at);
    jc.requestCancel(requested, at);
    driver().delete(deleted);

    for (JobId id : List.of(canceled, requested)) {
      JobRecord r = fx.get(id);
      assertThat(r.status()).isEqualTo(JobStatus.CANCELED);
      assertThat(r.finishedAt()).isEqualTo(at);
      assertThat(r.updatedAt()).isEqualTo(at);
    }
    assertThat(driver().get(deleted)).isEmpty();
    assertThat(driver().purge(Set.of(JobStatus.DONE, JobStatus.DLQ), Limits.MAX_INSTANT)).isZero();
    assertThat(fx.get(kept).status()).isEqualTo(JobStatus.PAUSED);
  }

  @Override
  @Test
  public void optional_pau06_badArgumentsAndClosedDriver() {
    JobControls jc = jc();
    assertThat(driver().extension(JobControls.class)).get().isSameAs(jc);
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    JobRecord before = fx.get(id);
    Instant bad = Limits.MIN_INSTANT.minus(MICRO);
    for (BiConsumer<JobId, Instant> call : List.<BiConsumer<JobId, Instant>>of(jc::pause, jc::resume,
        jc::requestCancel)) {
      QueueControlsContract.assertNamed(catchThrowable(() -> call.accept(id, bad)), "now");
      assertThat(catchThrowable(() -> call.accept(id, null)))
          .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
      assertThat(catchThrowable(() -> call.accept(null, clock.instant())))
          .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
      QueueControlsContract.assertNamed(catchThrowable(() -> call.accept(Jobs.nextId(), bad)), "now");
    }
    JobRecords.assertJob(fx.get(id), before);

    driver().close();
    for (BiConsumer<JobId, Instant> call : List.<BiConsumer<JobId, Instant>>of(jc::pause, jc::resume,
        jc::requestCancel)) {
      assertThat(catchThrowable(() -> call.accept(id, clock.instant()))).isInstanceOf(IllegalStateException.class);
    }
  }
}
