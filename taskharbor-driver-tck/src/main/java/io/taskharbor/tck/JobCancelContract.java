package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.LEASE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.api.CancelRequestedException;
import io.taskharbor.api.Detail;
import io.taskharbor.api.InvalidJobStatusException;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobNotFoundException;
import io.taskharbor.api.JobNotInflightException;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseExpiredException;
import io.taskharbor.api.LeaseMismatchException;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.JobControls;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cancel of a running job ({@link JobControls#requestCancel}, {@link Completion.Cancel}, and what extendLease,
 * complete and reserve do with a request). Every test is skipped, by name, for a driver without the extension.
 */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class JobCancelContract extends TckGroup implements JobCancelRules {

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected JobCancelContract(DriverTck tck) {
    super(tck);
  }

  private JobControls jc() {
    return JobPauseContract.jobControls(driver());
  }

  /** A job leased now, whose cancel was then requested 1 s later (the clock stays there). */
  private LeasedJob requested(JobControls jc, Jobs.Builder job) {
    LeasedJob held = fx.reserve(fx.enqueueOne(job.build()));
    jc.requestCancel(held.id(), clock.advance(Duration.ofSeconds(1)));
    return held;
  }

  private void assertCanceled(JobId id, Instant at, int attempts) {
    JobRecord r = fx.get(id);
    assertThat(r.status()).as("status of %s", id).isEqualTo(JobStatus.CANCELED);
    assertThat(r.finishedAt()).as("finishedAt").isEqualTo(at);
    assertThat(r.updatedAt()).as("updatedAt").isEqualTo(at);
    assertThat(r.leaseToken()).as("leaseToken").isNull();
    assertThat(r.leaseExpiresAt()).as("leaseExpiresAt").isNull();
    assertThat(r.attempts()).as("attempts").isEqualTo(attempts);
  }

  @Override
  @Test
  public void optional_can01_theRequestIsRecorded() {
    JobControls jc = jc();
    LeasedJob held = fx.reserve(fx.enqueueOne(Jobs.job(QUEUE)));
    JobRecord before = fx.get(held.id());
    Instant at = clock.advance(Duration.ofSeconds(1));

    jc.requestCancel(held.id(), at);

    JobRecord marked = fx.get(held.id());
    assertThat(marked.cancelRequestedAt()).isEqualTo(at);
    assertThat(marked.status()).isEqualTo(JobStatus.INFLIGHT);
    assertThat(marked.leaseToken()).isEqualTo(before.leaseToken());
    assertThat(marked.leaseExpiresAt()).isEqualTo(before.leaseExpiresAt());
    assertThat(marked.attempts()).isEqualTo(before.attempts());
    assertThat(marked.hasValidLease(at)).isTrue();

    jc.requestCancel(held.id(), clock.advance(Duration.ofSeconds(1)));
    JobRecords.assertJob(fx.get(held.id()), marked);
  }

  @Override
  @Test
  public void optional_can02_theHolderHearsOfItAtExtendLease() {
    JobControls jc = jc();
    LeasedJob held = requested(jc, Jobs.builder(QUEUE));
    JobRecord before = fx.get(held.id());
    Instant now = clock.instant();

    Throwable heard = catchThrowable(() -> driver().extendLease(held.id(), held.token(), now, LEASE));
    assertThat(heard).isExactlyInstanceOf(CancelRequestedException.class);
    assertThat(((CancelRequestedException) heard).jobId()).isEqualTo(held.id());
    assertThat(catchThrowable(() -> secondClient().extendLease(held.id(), held.token(), now, LEASE)))
        .as("on a second client").isExactlyInstanceOf(CancelRequestedException.class);
    JobRecords.assertJob(fx.get(held.id()), before);

    assertThat(catchThrowable(() -> driver().extendLease(held.id(), JobFixture.wrongToken(), now, LEASE)))
        .isExactlyInstanceOf(LeaseMismatchException.class);
    Instant expiry = held.leaseExpiresAt();
    assertThat(catchThrowable(() -> driver().extendLease(held.id(), held.token(), expiry, LEASE)))
        .isExactlyInstanceOf(LeaseExpiredException.class);
    JobRecords.assertJob(fx.get(held.id()), before);
  }

  @Override
  @Test
  public void optional_can03_aCancelCompletionEndsTheJobCanceled() {
    JobControls jc = jc();
    LeasedJob held = requested(jc, Jobs.builder(QUEUE));
    Instant at = clock.advance(Duration.ofSeconds(1));

    fx.accept(new Completion.Cancel(held.id(), held.token()));

    assertCanceled(held.id(), at, 1);
    JobRecord canceled = fx.get(held.id());
    clock.advance(Duration.ofSeconds(1));
    for (Completion late : List.of(new Completion.Ack(held.id(), held.token(), "{\"late\":true}"),
        new Completion.Retry(held.id(), held.token(), null, "late"),
        new Completion.Fail(held.id(), held.token(), "late", "late"))) {
      Outcome outcome = fx.complete(late);
      assertThat(outcome.refusal()).as("late %s", late.getClass().getSimpleName())
          .isExactlyInstanceOf(JobNotInflightException.class);
      JobRecords.assertJob(fx.get(held.id()), canceled);
    }
    fx.accept(new Completion.Cancel(held.id(), held.token()));
    JobRecords.assertJob(fx.get(held.id()), canceled);
  }

  @Override
  @Test
  public void optional_can04_theCancelWinsOverRunningAgain() {
    JobControls jc = jc();
    LeasedJob retried = requested(jc, Jobs.builder(QUEUE));
    LeasedJob released = requested(jc, Jobs.builder(QUEUE));
    LeasedJob acked = requested(jc, Jobs.builder(QUEUE));
    LeasedJob failed = requested(jc, Jobs.builder(QUEUE));
    Instant at = clock.advance(Duration.ofSeconds(1));

    fx.accept(new Completion.Retry(retried.id(), retried.token(), at.plusSeconds(60), "boom"));
    fx.accept(new Completion.Release(released.id(), released.token(), null));
    fx.accept(new Completion.Ack(acked.id(), acked.token(), "{\"ok\":1}"));
    fx.fail(failed, "gave up");

    assertCanceled(retried.id(), at, 1);
    assertCanceled(released.id(), at, 1);
    assertThat(fx.get(acked.id()).status()).isEqualTo(JobStatus.DONE);
    assertThat(JsonAssert.jsonEquals(fx.get(acked.id()).result(), "{\"ok\":1}")).isTrue();
    assertThat(fx.get(failed.id()).status()).isEqualTo(JobStatus.DLQ);
    assertThat(fx.get(failed.id()).dlqReason()).isEqualTo("gave up");
    assertThat(driver().reserve(QUEUE, 10, at.plusSeconds(3600), LEASE)).as("nothing runs again").isEmpty();
  }

  @Override
  @Test
  public void optional_can05_reserveCancelsAnAbandonedRequest() {
    JobControls jc = jc();
    LeasedJob held = requested(jc, Jobs.builder(QUEUE));
    LeasedJob last = requested(jc, Jobs.builder(QUEUE).maxAttempts(1));
    Instant expiry = last.leaseExpiresAt();
    assertThat(driver().reserve(QUEUE, 10, held.leaseExpiresAt().minusNanos(1_000), LEASE)).isEmpty();
    assertThat(fx.get(held.id()).status()).as("1µs before its expiry").isEqualTo(JobStatus.INFLIGHT);

    assertThat(driver().reserve(QUEUE, 10, expiry, LEASE)).as("reserve at the expiry").isEmpty();

    assertCanceled(held.id(), expiry, 1);
    assertCanceled(last.id(), expiry, 1);
    assertThat(fx.get(last.id()).dlqReason()).isNull();
    Outcome late = driver().complete(List.of(new Completion.Ack(held.id(), held.token(), null)), expiry).get(0);
    assertThat(late.refusal()).isExactlyInstanceOf(JobNotInflightException.class);
    assertThat(fx.get(held.id()).status()).isEqualTo(JobStatus.CANCELED);
  }

  @Override
  @Test
  public void optional_can06_requestCancelOfOtherStatuses() {
    JobControls jc = jc();
    JobId ready = fx.enqueueOne(Jobs.job(QUEUE));
    JobId scheduled = fx.enqueueOne(Jobs.builder(QUEUE).runAt(clock.instant().plusSeconds(60)).build());
    JobId paused = fx.enqueueOne(Jobs.job(QUEUE));
    jc.pause(paused, clock.instant());
    Instant at = clock.advance(Duration.ofSeconds(1));
    for (JobId id : List.of(ready, scheduled, paused)) {
      jc.requestCancel(id, at);
      assertCanceled(id, at, 0);
    }
    JobRecord canceled = fx.get(ready);
    jc.requestCancel(ready, clock.advance(Duration.ofSeconds(1)));
    JobRecords.assertJob(fx.get(ready), canceled);

    for (JobFixture.State state : List.of(JobFixture.State.DONE, JobFixture.State.DLQ)) {
      JobId id = fx.jobIn(state, "tck.can06." + state.name().toLowerCase(java.util.Locale.ROOT));
      JobRecord before = fx.get(id);
      Throwable refused = catchThrowable(() -> jc.requestCancel(id, clock.instant()));
      assertThat(refused).as("requestCancel of a %s job", state).isExactlyInstanceOf(InvalidJobStatusException.class);
      assertThat(((InvalidJobStatusException) refused).status()).isEqualTo(before.status());
      JobRecords.assertJob(fx.get(id), before);
    }
    assertThat(catchThrowable(() -> jc.requestCancel(Jobs.nextId(), clock.instant())))
        .isExactlyInstanceOf(JobNotFoundException.class);

    JobId plain = fx.enqueueOne(Jobs.job("tck.can06.plain"));
    driver().cancel(plain, clock.instant());
    assertThat(fx.get(plain).status()).isEqualTo(JobStatus.CANCELED);
    JobId running = fx.jobIn(JobFixture.State.INFLIGHT, "tck.can06.running");
    assertThat(catchThrowable(() -> driver().cancel(running, clock.instant())))
        .isExactlyInstanceOf(InvalidJobStatusException.class);
    assertThat(fx.get(running).status()).isEqualTo(JobStatus.INFLIGHT);
  }

  @Override
  @Test
  public void optional_can07_requeueClearsTheRequest() {
    JobControls jc = jc();
    LeasedJob held = requested(jc, Jobs.builder(QUEUE));
    fx.fail(held, "ended before it heard");
    driver().requeue(held.id(), true, clock.advance(Duration.ofSeconds(1)));

    assertThat(fx.get(held.id()).cancelRequestedAt()).isNull();
    LeasedJob again = fx.reserve(held.id());
    Instant extended = driver().extendLease(again.id(), again.token(), clock.advance(Duration.ofSeconds(1)), LEASE);
    assertThat(extended).isEqualTo(clock.instant().plus(LEASE));
  }

  @Override
  @Test
  public void optional_can08_aCancelCompletionIsValidatedAndKeepsItsDetails() {
    JobControls jc = jc();
    LeasedJob held = requested(jc, Jobs.builder(QUEUE));
    JobRecord before = fx.get(held.id());
    List<Detail> lines = List.of(new Detail(clock.instant(), "stopping"), new Detail(clock.instant(), "stopped"));

    Outcome wrong = fx.complete(new Completion.Cancel(held.id(), JobFixture.wrongToken(), lines));
    assertThat(wrong.refusal()).isExactlyInstanceOf(LeaseMismatchException.class);
    Outcome expired = driver().complete(List.of(new Completion.Cancel(held.id(), held.token(), lines)),
        held.leaseExpiresAt()).get(0);
    assertThat(expired.refusal()).isExactlyInstanceOf(LeaseExpiredException.class);
    JobRecords.assertJob(fx.get(held.id()), before);

    fx.accept(new Completion.Cancel(held.id(), held.token(), lines));
    assertThat(fx.get(held.id()).status()).isEqualTo(JobStatus.CANCELED);
    assertThat(fx.get(held.id()).details()).isEqualTo(lines);
  }
}
