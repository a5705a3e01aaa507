package io.taskharbor.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Limits;
import io.taskharbor.engine.internal.OutcomePolicy.Decision;
import io.taskharbor.engine.internal.OutcomePolicy.Kind;
import io.taskharbor.spi.Completion;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The outcome decision as a pure function: every way an execution ends, on a middle and on a last attempt. */
class OutcomePolicyTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final LeaseToken TOKEN = LeaseToken.random();
  /** Retry delays that say which attempt they were asked for: attempt n waits n minutes. */
  private static final OutcomePolicy POLICY = new OutcomePolicy(attempt -> Duration.ofMinutes(attempt));

  private static JobRecord job(int attempt, int maxAttempts) {
    return JobRecord.builder(JobId.newId(), "q", "email.send", "{}", NOW.minusSeconds(60)).status(JobStatus.INFLIGHT)
        .attempts(attempt).maxAttempts(maxAttempts).leaseToken(TOKEN).leaseExpiresAt(NOW.plusSeconds(30)).build();
  }

  /** One row: how the execution ended, the attempt, max attempts; the kind of completion and decision expected. */
  static Stream<Arguments> table() {
    RuntimeException boom = new IllegalStateException("boom");
    return Stream.of(
        Arguments.of("return without result", new Execution.Returned(null), 1, 3, Completion.Ack.class,
            Kind.SUCCEEDED),
        Arguments.of("return with result", new Execution.Returned("{\"ok\":true}"), 3, 3, Completion.Ack.class,
            Kind.SUCCEEDED),
        Arguments.of("error, attempts left", new Execution.Threw(boom), 2, 3, Completion.Retry.class, Kind.RETRIED),
        Arguments.of("error on the last attempt", new Execution.Threw(boom), 3, 3, Completion.Fail.class,
            Kind.DEAD_LETTERED),
        Arguments.of("error past the last attempt (a reclaim)", new Execution.Threw(boom), 4, 3,
            Completion.Fail.class, Kind.DEAD_LETTERED),
        Arguments.of("timeout, attempts left", new Execution.TimedOut(Duration.ofSeconds(5)), 1, 3,
            Completion.Retry.class, Kind.RETRIED),
        Arguments.of("timeout on the last attempt", new Execution.TimedOut(Duration.ofSeconds(5)), 3, 3,
            Completion.Fail.class, Kind.DEAD_LETTERED),
        Arguments.of("snooze", new Execution.Snoozed(Duration.ofMinutes(10)), 3, 3, Completion.Release.class,
            Kind.SNOOZED),
        Arguments.of("permanent failure with attempts left", new Execution.Permanent("account deleted", boom), 1, 3,
            Completion.Fail.class, Kind.DEAD_LETTERED),
        Arguments.of("no handler", new Execution.Unrunnable("no handler for job type 'x'", null), 1, 3,
            Completion.Fail.class, Kind.DEAD_LETTERED),
        Arguments.of("undecodable payload", new Execution.Unrunnable("payload cannot be decoded", boom), 1, 3,
            Completion.Fail.class, Kind.DEAD_LETTERED),
        Arguments.of("given back at shutdown", new Execution.Abandoned(), 3, 3, Completion.Release.class,
            Kind.RELEASED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decides(String name, Execution execution, int attempt, int maxAttempts,
      Class<? extends Completion> completion, Kind kind) {
    JobRecord job = job(attempt, maxAttempts);

    Decision decision = POLICY.decide(job, TOKEN, execution, NOW);

    assertThat(decision.kind()).isEqualTo(kind);
    assertThat(decision.completion()).isInstanceOf(completion);
    assertThat(decision.completion().id()).isEqualTo(job.id());
    assertThat(decision.completion().token()).isEqualTo(TOKEN);
    if (decision.completion() instanceof Completion.Retry retry) {
      assertThat(retry.runAt()).as("attempt %d waits %d minutes", attempt, attempt)
          .isEqualTo(NOW.plus(Duration.ofMinutes(attempt)));
      assertThat(retry.error()).isNotBlank();
    }
    if (decision.completion() instanceof Completion.Fail fail) {
      assertThat(fail.reason()).isNotBlank();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void isAFunctionOfItsInputs(String name, Execution execution, int attempt, int maxAttempts,
      Class<? extends Completion> completion, Kind kind) {
    JobRecord job = job(attempt, maxAttempts);
    Decision once = POLICY.decide(job, TOKEN, execution, NOW);
    Decision again = POLICY.decide(job, TOKEN, execution, NOW);
    assertThat(again.completion()).isEqualTo(once.completion());
    assertThat(again.kind()).isEqualTo(once.kind());
  }

  @org.junit.jupiter.api.Test
  void theTextsSayWhatHappened() {
    JobRecord last = job(3, 3);
    Completion.Fail exhausted = (Completion.Fail) POLICY.decide(last, TOKEN,
        new Execution.Threw(new IllegalStateException("smtp down")), NOW).completion();
    assertThat(exhausted.reason()).isEqualTo("failed on attempt 3 of 3: java.lang.IllegalStateException: smtp down");
    assertThat(exhausted.error()).startsWith("java.lang.IllegalStateException: smtp down");

    Completion.Fail timedOut = (Completion.Fail) POLICY.decide(last, TOKEN,
        new Execution.TimedOut(Duration.ofSeconds(5)), NOW).completion();
    assertThat(timedOut.reason()).contains("timed out after PT5S");

    Completion.Fail permanent = (Completion.Fail) POLICY.decide(job(1, 3), TOKEN,
        new Execution.Permanent("account deleted", new RuntimeException("x")), NOW).completion();
    assertThat(permanent.reason()).isEqualTo("account deleted");

    Completion.Ack ack = (Completion.Ack) POLICY.decide(last, TOKEN, new Execution.Returned("[1]"), NOW).completion();
    assertThat(ack.result()).isEqualTo("[1]");

    Completion.Release snooze = (Completion.Release) POLICY.decide(last, TOKEN,
        new Execution.Snoozed(Duration.ofMinutes(10)), NOW).completion();
    assertThat(snooze.runAt()).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
    Completion.Release release = (Completion.Release) POLICY.decide(last, TOKEN, new Execution.Abandoned(), NOW)
        .completion();
    assertThat(release.runAt()).as("released at shutdown: claimable at once").isNull();
  }

  @org.junit.jupiter.api.Test
  void aDelayBeyondTheLatestInstantIsCapped() {
    OutcomePolicy forever = new OutcomePolicy(attempt -> Duration.ofDays(365L * 20_000));
    Completion.Retry retry = (Completion.Retry) forever.decide(job(1, 3), TOKEN,
        new Execution.Threw(new RuntimeException("x")), NOW).completion();
    assertThat(retry.runAt()).isEqualTo(Limits.MAX_INSTANT);
  }
}
