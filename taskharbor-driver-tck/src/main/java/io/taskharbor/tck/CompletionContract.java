package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.LEASE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static io.taskharbor.tck.JobFixture.wrongToken;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobNotFoundException;
import io.taskharbor.api.JobNotInflightException;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseExpiredException;
import io.taskharbor.api.LeaseMismatchException;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Completion: ack, retry, fail and release, each validated and applied on its own, in batch order. */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class CompletionContract extends TckGroup implements CompletionRules {

  /** The four kinds of completion, each made with fixed arguments so a test can predict its effect. */
  public enum Kind {
    ACK,
    RETRY,
    FAIL,
    RELEASE;

    /** Returns a completion of this kind for the job under {@code token}. */
    public Completion of(JobId id, LeaseToken token) {
      return switch (this) {
        case ACK -> new Completion.Ack(id, token, "{\"kind\":\"ack\"}");
        case RETRY -> new Completion.Retry(id, token, null, "retry error");
        case FAIL -> new Completion.Fail(id, token, "fail reason", "fail error");
        case RELEASE -> new Completion.Release(id, token, null);
      };
    }
  }

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected CompletionContract(DriverTck tck) {
    super(tck);
  }

  private List<Outcome> complete(Completion... completions) {
    return driver().complete(List.of(completions), clock.instant());
  }

  private LeasedJob inflight() {
    return fx.reserve(fx.enqueueOne(Jobs.job(QUEUE)));
  }

  // ---------------------------------------------------------------- ack

  @Override
  @Test
  public void required_cmp01_ackMakesTheJobDone() {
    LeasedJob leased = inflight();
    Instant now = clock.advance(Duration.ofSeconds(5));
    String result = "{\"ok\":true,\"n\":[1,2,3]}";

    fx.accept(new Completion.Ack(leased.id(), leased.token(), result));

    JobRecords.assertJob(fx.get(leased.id()), JobRecords.copy(leased.job()).status(JobStatus.DONE).noLease()
        .result(result).finishedAt(now).updatedAt(now).build());
  }

  @Override
  @Test
  public void required_cmp02_ackWithoutAResultStoresNone() {
    LeasedJob leased = inflight();
    fx.ack(leased);

    assertThat(fx.get(leased.id()).result()).isNull();
    assertThat(fx.get(leased.id()).status()).isEqualTo(JobStatus.DONE);
  }

  @Override
  @Test
  public void required_cmp03_anAckResultRoundTripsAsJson() {
    LeasedJob leased = inflight();
    String result = "{\"text\":\"zoë 漢字 😀 \\u00e9\",\"nested\":{\"list\":[1.5,1e2,null,false]},\"b\":\"x\"}";

    fx.accept(new Completion.Ack(leased.id(), leased.token(), result));

    JsonAssert.assertJsonEquals(fx.get(leased.id()).result(), result, "result");
  }

  // ---------------------------------------------------------------- retry

  @Override
  @Test
  public void required_cmp04_retryMakesTheJobReadyAtItsRunTime() {
    LeasedJob leased = inflight();
    Instant now = clock.advance(Duration.ofSeconds(5));
    Instant runAt = now.plus(Duration.ofMinutes(2));

    fx.accept(new Completion.Retry(leased.id(), leased.token(), runAt, "boom: connection reset"));

    JobRecords.assertJob(fx.get(leased.id()), JobRecords.copy(leased.job()).status(JobStatus.READY).noLease()
        .runAt(runAt).lastError("boom: connection reset").updatedAt(now).build());
  }

  @Override
  @Test
  public void required_cmp05_aRetriedAttemptStaysCounted() {
    LeasedJob leased = inflight();
    fx.retry(leased, null);

    assertThat(fx.reserve(leased.id()).job().attempts()).isEqualTo(2);
  }

  // ---------------------------------------------------------------- fail

  @Override
  @Test
  public void required_cmp06_failMovesTheJobToTheDlq() {
    LeasedJob leased = inflight();
    Instant now = clock.advance(Duration.ofSeconds(5));

    fx.accept(new Completion.Fail(leased.id(), leased.token(), "permanent: bad address", "AddressException"));

    JobRecords.assertJob(fx.get(leased.id()), JobRecords.copy(leased.job()).status(JobStatus.DLQ).noLease()
        .dlq("permanent: bad address", now).lastError("AddressException").finishedAt(now).updatedAt(now).build());
  }

  // ---------------------------------------------------------------- release

  @Override
  @Test
  public void required_cmp07_releaseGivesTheJobBackWithoutCountingTheAttempt() {
    LeasedJob first = inflight();
    fx.accept(new Completion.Retry(first.id(), first.token(), null, "first error"));
    LeasedJob second = fx.reserve(first.id());
    Instant now = clock.advance(Duration.ofSeconds(5));
    Instant runAt = now.plus(Duration.ofMinutes(1));

    fx.accept(new Completion.Release(second.id(), second.token(), runAt));

    JobRecords.assertJob(fx.get(first.id()), JobRecords.copy(second.job()).status(JobStatus.READY).noLease()
        .runAt(runAt).attempts(1).lastError("first error").updatedAt(now).build());
  }

  @Override
  @Test
  public void required_cmp08_releaseOfAFirstAttemptBringsAttemptsToZero() {
    LeasedJob leased = inflight();
    fx.accept(new Completion.Release(leased.id(), leased.token(), null));

    assertThat(fx.get(leased.id()).attempts()).isZero();
    assertThat(fx.get(leased.id()).status()).isEqualTo(JobStatus.READY);
  }

  @Override
  @Test
  public void required_cmp09_aJobReleasedOnItsLastAttemptRunsAgain() {
    JobId id = fx.enqueueOne(Jobs.builder(QUEUE).maxAttempts(1).build());
    LeasedJob first = fx.reserve(id);
    fx.accept(new Completion.Release(id, first.token(), null));

    LeasedJob again = fx.reserve(id);
    assertThat(again.job().attempts()).isEqualTo(1);
    fx.ack(again);
    assertThat(fx.get(id).status()).isEqualTo(JobStatus.DONE);
  }

  // ---------------------------------------------------------------- batches

  @Override
  @Test
  public void required_cmp10_anEmptyBatchReturnsNoOutcomes() {
    assertThat(driver().complete(List.of(), clock.instant())).isEmpty();
  }

  @Override
  @Test
  public void required_cmp11_aMixedBatchAppliesEveryItemInOrder() {
    List<JobId> ids = fx.enqueue(Jobs.job(QUEUE), Jobs.job(QUEUE), Jobs.job(QUEUE), Jobs.job(QUEUE));
    List<LeasedJob> leased = fx.reserve(QUEUE, 4);
    assertThat(leased).extracting(LeasedJob::id).containsExactlyElementsOf(ids);

    List<Outcome> outcomes = complete(Kind.RELEASE.of(ids.get(3), leased.get(3).token()),
        Kind.ACK.of(ids.get(0), leased.get(0).token()), Kind.FAIL.of(ids.get(2), leased.get(2).token()),
        Kind.RETRY.of(ids.get(1), leased.get(1).token()));

    assertThat(outcomes).containsExactly(Outcome.ok(ids.get(3)), Outcome.ok(ids.get(0)), Outcome.ok(ids.get(2)),
        Outcome.ok(ids.get(1)));
    assertThat(fx.get(ids.get(0)).status()).isEqualTo(JobStatus.DONE);
    assertThat(fx.get(ids.get(1)).status()).isEqualTo(JobStatus.READY);
    assertThat(fx.get(ids.get(1)).attempts()).isEqualTo(1);
    assertThat(fx.get(ids.get(2)).status()).isEqualTo(JobStatus.DLQ);
    assertThat(fx.get(ids.get(3)).status()).isEqualTo(JobStatus.READY);
    assertThat(fx.get(ids.get(3)).attempts()).isZero();
  }

  @Override
  @Test
  public void required_cmp12_refusalsInABatchAffectOnlyTheirItem() {
    JobId expiring = fx.enqueueOne(Jobs.job("tck.short"));
    LeasedJob shortLease = driver().reserve("tck.short", 1, clock.instant(), Duration.ofSeconds(5)).get(0);
    List<JobId> ids = fx.enqueue(Jobs.job(QUEUE), Jobs.job(QUEUE), Jobs.job(QUEUE));
    List<LeasedJob> leased = fx.reserve(QUEUE, 3);
    assertThat(leased).extracting(LeasedJob::id).containsExactlyElementsOf(ids);
    JobId ready = fx.enqueueOne(Jobs.job(QUEUE));
    JobId missing = Jobs.nextId();
    Instant now = clock.advance(Duration.ofSeconds(10));
    JobRecord wrongBefore = fx.get(ids.get(1));
    JobRecord expiringBefore = fx.get(expiring);
    JobRecord readyBefore = fx.get(ready);

    List<Outcome> outcomes = complete(Kind.ACK.of(ids.get(0), leased.get(0).token()),
        Kind.ACK.of(ids.get(1), wrongToken()), Kind.ACK.of(missing, wrongToken()),
        Kind.RETRY.of(ready, wrongToken()), Kind.ACK.of(expiring, shortLease.token()),
        Kind.FAIL.of(ids.get(2), leased.get(2).token()));

    assertThat(outcomes).extracting(Outcome::id)
        .containsExactly(ids.get(0), ids.get(1), missing, ready, expiring, ids.get(2));
    assertThat(outcomes.get(0).refusal()).isNull();
    assertThat(outcomes.get(1).refusal()).isExactlyInstanceOf(LeaseMismatchException.class);
    assertThat(outcomes.get(2).refusal()).isExactlyInstanceOf(JobNotFoundException.class);
    assertThat(outcomes.get(3).refusal()).isExactlyInstanceOf(JobNotInflightException.class);
    assertThat(((JobNotInflightException) outcomes.get(3).refusal()).status()).isEqualTo(JobStatus.READY);
    assertThat(outcomes.get(4).refusal()).isExactlyInstanceOf(LeaseExpiredException.class);
    assertThat(((LeaseExpiredException) outcomes.get(4).refusal()).expiredAt())
        .isEqualTo(shortLease.leaseExpiresAt());
    assertThat(((LeaseExpiredException) outcomes.get(4).refusal()).now()).isEqualTo(now);
    assertThat(outcomes.get(5).refusal()).isNull();
    assertThat(outcomes).allSatisfy(o -> {
      if (o.refusal() != null) {
        assertThat(o.refusal().jobId()).isEqualTo(o.id());
      }
    });
    assertThat(fx.get(ids.get(0)).status()).isEqualTo(JobStatus.DONE);
    assertThat(fx.get(ids.get(2)).status()).isEqualTo(JobStatus.DLQ);
    JobRecords.assertJob(fx.get(ids.get(1)), wrongBefore);
    JobRecords.assertJob(fx.get(expiring), expiringBefore);
    JobRecords.assertJob(fx.get(ready), readyBefore);
    assertThat(driver().get(missing)).isEmpty();
  }

  @Override
  @Test
  public void required_cmp13_aRepeatedAckInOneBatchIsANoOp() {
    LeasedJob leased = inflight();
    List<Outcome> outcomes = complete(new Completion.Ack(leased.id(), leased.token(), "{\"first\":1}"),
        new Completion.Ack(leased.id(), leased.token(), "{\"second\":2}"));

    assertThat(outcomes).containsExactly(Outcome.ok(leased.id()), Outcome.ok(leased.id()));
    JsonAssert.assertJsonEquals(fx.get(leased.id()).result(), "{\"first\":1}", "result");
  }

  @Override
  @Test
  public void required_cmp14_anAckThenARetryInOneBatchRefusesTheRetry() {
    LeasedJob leased = inflight();
    List<Outcome> outcomes = complete(Kind.ACK.of(leased.id(), leased.token()),
        Kind.RETRY.of(leased.id(), leased.token()));

    assertThat(outcomes.get(0).refusal()).isNull();
    assertThat(outcomes.get(1).refusal()).isExactlyInstanceOf(JobNotInflightException.class);
    assertThat(((JobNotInflightException) outcomes.get(1).refusal()).status()).isEqualTo(JobStatus.DONE);
    assertThat(fx.get(leased.id()).status()).isEqualTo(JobStatus.DONE);
  }

  @Override
  @Test
  public void required_cmp15_aRetryThenAnAckInOneBatchRefusesTheAck() {
    LeasedJob leased = inflight();
    List<Outcome> outcomes = complete(Kind.RETRY.of(leased.id(), leased.token()),
        Kind.ACK.of(leased.id(), leased.token()));

    assertThat(outcomes.get(0).refusal()).isNull();
    assertThat(outcomes.get(1).refusal()).isExactlyInstanceOf(JobNotInflightException.class);
    assertThat(((JobNotInflightException) outcomes.get(1).refusal()).status()).isEqualTo(JobStatus.READY);
    assertThat(fx.get(leased.id()).status()).isEqualTo(JobStatus.READY);
  }

  @Override
  @Test
  public void required_cmp16_aCompletionOfAnUnknownJobIsNotFound() {
    JobId missing = Jobs.nextId();
    Outcome outcome = fx.complete(Kind.ACK.of(missing, wrongToken()));

    assertThat(outcome.refusal()).isExactlyInstanceOf(JobNotFoundException.class);
    assertThat(outcome.refusal().jobId()).isEqualTo(missing);
    assertThat(driver().get(missing)).isEmpty();
  }

  // ---------------------------------------------------------------- terminal idempotency

  @Override
  @Test
  public void required_cmp17_ackOfADoneJobIsANoOp() {
    LeasedJob leased = inflight();
    fx.accept(new Completion.Ack(leased.id(), leased.token(), "{\"first\":true}"));
    JobRecord done = fx.get(leased.id());
    clock.advance(LEASE.plusHours(1));

    assertThat(fx.complete(new Completion.Ack(leased.id(), wrongToken(), "{\"first\":false}")).refusal()).isNull();
    assertThat(fx.complete(new Completion.Ack(leased.id(), leased.token(), null)).refusal()).isNull();
    JobRecords.assertJob(fx.get(leased.id()), done);
  }

  @Override
  @Test
  public void required_cmp18_failOfADoneJobIsANoOp() {
    LeasedJob leased = inflight();
    fx.ack(leased);
    JobRecord done = fx.get(leased.id());
    clock.advance(Duration.ofSeconds(1));

    assertThat(fx.complete(Kind.FAIL.of(leased.id(), leased.token())).refusal()).isNull();
    assertThat(fx.complete(Kind.FAIL.of(leased.id(), wrongToken())).refusal()).isNull();
    JobRecords.assertJob(fx.get(leased.id()), done);
  }

  @Override
  @Test
  public void required_cmp19_failOfADlqJobIsANoOp() {
    LeasedJob leased = inflight();
    fx.fail(leased, "first reason");
    JobRecord dead = fx.get(leased.id());
    clock.advance(Duration.ofSeconds(1));

    Outcome outcome = fx.complete(new Completion.Fail(leased.id(), wrongToken(), "second reason", "second error"));

    assertThat(outcome.refusal()).isNull();
    JobRecords.assertJob(fx.get(leased.id()), dead);
  }

  static Stream<Arguments> retryAndReleaseOfTerminalJobs() {
    return Stream.of(Kind.RETRY, Kind.RELEASE).flatMap(kind -> Stream.of(
        JobFixture.State.DONE, JobFixture.State.DLQ, JobFixture.State.CANCELED).map(s -> Arguments.of(kind, s)));
  }

  @Override
  @ParameterizedTest(name = "{0} of a {1} job")
  @MethodSource("retryAndReleaseOfTerminalJobs")
  public void required_cmp20_retryOrReleaseOfATerminalJobIsNotInflight(Kind kind, JobFixture.State state) {
    refusedAsNotInflight(kind, state);
  }

  @Override
  @ParameterizedTest(name = "ack of a {0} job")
  @EnumSource(value = JobFixture.State.class, names = {"DLQ", "CANCELED"})
  public void required_cmp21_ackOfADlqOrCanceledJobIsNotInflight(JobFixture.State state) {
    refusedAsNotInflight(Kind.ACK, state);
  }

  @Override
  @Test
  public void required_cmp22_failOfACanceledJobIsNotInflight() {
    refusedAsNotInflight(Kind.FAIL, JobFixture.State.CANCELED);
  }

  private void refusedAsNotInflight(Kind kind, JobFixture.State state) {
    JobId id = fx.jobIn(state, QUEUE);
    JobRecord before = fx.get(id);
    clock.advance(Duration.ofSeconds(1));

    Outcome outcome = fx.complete(kind.of(id, wrongToken()));

    assertThat(outcome.refusal()).isExactlyInstanceOf(JobNotInflightException.class);
    assertThat(((JobNotInflightException) outcome.refusal()).status()).isEqualTo(before.status());
    assertThat(outcome.refusal().jobId()).isEqualTo(id);
    JobRecords.assertJob(fx.get(id), before);
  }

  // ---------------------------------------------------------------- stale workers

  @Override
  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  public void required_cmp23_aStaleCompletionAfterAReclaimIsAMismatch(Kind kind) {
    LeasedJob stale = inflight();
    clock.set(stale.leaseExpiresAt());
    LeasedJob current = fx.reserve(stale.id());
    clock.advance(Duration.ofSeconds(1));

    Outcome outcome = fx.complete(kind.of(stale.id(), stale.token()));

    assertThat(outcome.refusal()).isExactlyInstanceOf(LeaseMismatchException.class);
    JobRecords.assertJob(fx.get(stale.id()), current.job());
  }

  @Override
  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  public void required_cmp24_aLateCompletionBeforeAnyReclaimIsExpired(Kind kind) {
    LeasedJob late = inflight();
    Instant now = late.leaseExpiresAt().plusSeconds(1);
    clock.set(now);

    Outcome outcome = fx.complete(kind.of(late.id(), late.token()));

    assertThat(outcome.refusal()).isExactlyInstanceOf(LeaseExpiredException.class);
    assertThat(((LeaseExpiredException) outcome.refusal()).expiredAt()).isEqualTo(late.leaseExpiresAt());
    assertThat(((LeaseExpiredException) outcome.refusal()).now()).isEqualTo(now);
    JobRecords.assertJob(fx.get(late.id()), late.job());
    assertThat(fx.reserve(QUEUE, 1)).extracting(LeasedJob::id).containsExactly(late.id());
  }

  @Override
  @Test
  public void required_cmp25_aStaleAckAfterTheNewHolderAckedIsANoOp() {
    LeasedJob stale = inflight();
    clock.set(stale.leaseExpiresAt());
    LeasedJob current = fx.reserve(stale.id());
    fx.accept(new Completion.Ack(current.id(), current.token(), "{\"by\":\"current\"}"));
    JobRecord done = fx.get(stale.id());
    clock.advance(Duration.ofSeconds(1));

    assertThat(fx.complete(new Completion.Ack(stale.id(), stale.token(), "{\"by\":\"stale\"}")).refusal()).isNull();
    assertThat(fx.complete(Kind.FAIL.of(stale.id(), stale.token())).refusal()).isNull();
    JobRecords.assertJob(fx.get(stale.id()), done);
  }

  @Override
  @Test
  public void required_cmp26_aStaleRetryAfterTheNewHolderAckedIsNotInflight() {
    LeasedJob stale = inflight();
    clock.set(stale.leaseExpiresAt());
    LeasedJob current = fx.reserve(stale.id());
    fx.ack(current);
    JobRecord done = fx.get(stale.id());

    Outcome outcome = fx.complete(Kind.RETRY.of(stale.id(), stale.token()));

    assertThat(outcome.refusal()).isExactlyInstanceOf(JobNotInflightException.class);
    JobRecords.assertJob(fx.get(stale.id()), done);
  }

  @Override
  @Test
  public void untested_cmp27_aFailedCompletionBatchLeavesNoItemHalfApplied() {
    notVerified();
  }
}
