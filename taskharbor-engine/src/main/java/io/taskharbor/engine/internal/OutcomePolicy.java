package io.taskharbor.engine.internal;

import io.taskharbor.api.Detail;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Limits;
import io.taskharbor.spi.Completion;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * What to store after an execution: the one decision of the worker that needs no threads, as a pure function of the
 * job, how its execution ended, the instant and the retry delays. Ack on return; retry with backoff while attempts
 * remain, else the DLQ, on an error or a timeout; the DLQ at once on a permanent failure or an unrunnable job; a
 * release that does not spend the attempt on a snooze or at shutdown.
 */
public final class OutcomePolicy {

  /** What kind of outcome a {@link Decision} stores. */
  public enum Kind {
    /** Success: the job becomes DONE. */
    SUCCEEDED,
    /** A failed attempt: the job runs again later. */
    RETRIED,
    /** The job moves to the dead-letter queue. */
    DEAD_LETTERED,
    /** The handler snoozed: the job runs again later, its attempt not spent. */
    SNOOZED,
    /** The worker gave the job back at shutdown, its attempt not spent. */
    RELEASED,
    /** An administrator asked to cancel the job while it ran: it becomes CANCELED. */
    CANCELED
  }

  /**
   * The decision.
   *
   * @param completion what to send to the driver
   * @param kind what it means
   * @param cause the error behind a retry or a DLQ entry, for the log, or null
   */
  public record Decision(Completion completion, Kind kind, @Nullable Throwable cause) {
    public Decision {
      Objects.requireNonNull(completion, "completion");
      Objects.requireNonNull(kind, "kind");
    }
  }

  private final IntFunction<Duration> retryDelay;

  /**
   * Makes a policy.
   *
   * @param retryDelay the delay after a failed attempt, by the attempt's number (1 for the first)
   */
  public OutcomePolicy(IntFunction<Duration> retryDelay) {
    this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay");
  }

  /** Decides what to store for {@code job}, leased under {@code token}, whose execution ended as {@code execution}. */
  public Decision decide(JobRecord job, LeaseToken token, Execution execution, Instant now) {
    return decide(job, token, execution, now, List.of());
  }

  /**
   * Decides what to store, carrying {@code details}, the lines the handler wrote to the job's details log during this
   * attempt.
   */
  public Decision decide(JobRecord job, LeaseToken token, Execution execution, Instant now, List<Detail> details) {
    if (execution instanceof Execution.Returned returned) {
      return new Decision(new Completion.Ack(job.id(), token, returned.result(), details), Kind.SUCCEEDED, null);
    }
    if (execution instanceof Execution.Threw threw) {
      return retryOrFail(job, token, threw.error(), now, details);
    }
    if (execution instanceof Execution.TimedOut timedOut) {
      // The worker's timer, not the handler, raised it: its stack would say nothing about the job.
      TimeoutException timeout = new TimeoutException("job " + job.id() + " of type " + job.type()
          + " timed out after " + timedOut.timeout());
      timeout.setStackTrace(new StackTraceElement[0]);
      return retryOrFail(job, token, timeout, now, details);
    }
    if (execution instanceof Execution.Snoozed snoozed) {
      return new Decision(new Completion.Release(job.id(), token, later(now, snoozed.delay()), details),
          Kind.SNOOZED, null);
    }
    if (execution instanceof Execution.Permanent permanent) {
      return new Decision(new Completion.Fail(job.id(), token, ErrorText.clean(permanent.reason()),
          ErrorText.describe(permanent.error()), details), Kind.DEAD_LETTERED, permanent.error());
    }
    if (execution instanceof Execution.Unrunnable unrunnable) {
      Throwable error = unrunnable.error();
      return new Decision(new Completion.Fail(job.id(), token, ErrorText.clean(unrunnable.reason()),
          error == null ? null : ErrorText.describe(error), details), Kind.DEAD_LETTERED, error);
    }
    if (execution instanceof Execution.Canceled) {
      return new Decision(new Completion.Cancel(job.id(), token, details), Kind.CANCELED, null);
    }
    return new Decision(new Completion.Release(job.id(), token, null, details), Kind.RELEASED, null);
  }

  private Decision retryOrFail(JobRecord job, LeaseToken token, Throwable error, Instant now, List<Detail> details) {
    int attempt = job.attempts();
    if (attempt < job.maxAttempts()) {
      Duration delay = retryDelay.apply(Math.max(1, attempt));
      return new Decision(new Completion.Retry(job.id(), token, later(now, delay), ErrorText.describe(error),
          details), Kind.RETRIED, error);
    }
    return new Decision(new Completion.Fail(job.id(), token,
        ErrorText.clean("failed on attempt " + attempt + " of " + job.maxAttempts() + ": " + ErrorText.summary(error)),
        ErrorText.describe(error), details), Kind.DEAD_LETTERED, error);
  }

  /** {@code now + delay}, capped at the latest instant every driver stores. */
  static Instant later(Instant now, Duration delay) {
    Instant limit = Limits.MAX_INSTANT;
    return delay.compareTo(Duration.between(now, limit)) >= 0 ? limit : now.plus(delay);
  }
}
