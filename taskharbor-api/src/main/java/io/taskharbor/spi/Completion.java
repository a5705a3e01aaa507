package io.taskharbor.spi;

import io.taskharbor.api.JobId;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.internal.Checks;
import io.taskharbor.api.internal.Json;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a worker finishes with a leased job; a batch of these goes to {@link Driver#complete}. Every kind presents the
 * lease token and is validated strictly (see {@link Driver}).
 */
public sealed interface Completion permits Completion.Ack, Completion.Retry, Completion.Fail, Completion.Release {

  /** Returns the job. */
  JobId id();

  /** Returns the lease token the worker holds. */
  LeaseToken token();

  /**
   * Success: the job becomes DONE with the result. Acking a DONE job again succeeds and changes nothing.
   *
   * @param result the handler's result as a JSON document, or null
   */
  record Ack(JobId id, LeaseToken token, @Nullable String result) implements Completion {
    public Ack {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(token, "token");
      if (result != null) {
        Json.validate(result, "result");
      }
    }
  }

  /**
   * A failed attempt to try again: the job becomes READY at {@code runAt} (now when null) with {@code error} as its
   * last error. The attempt stays counted. The engine decides between retry and fail.
   */
  record Retry(JobId id, LeaseToken token, @Nullable Instant runAt, @Nullable String error) implements Completion {
    public Retry {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(token, "token");
      if (runAt != null) {
        runAt = Checks.instant(runAt, "runAt");
      }
      if (error != null) {
        Checks.text(error, "error");
      }
    }
  }

  /**
   * Failure for good: the job goes to the DLQ with {@code reason}, dlq_failed_at = now and {@code error} as its last
   * error. Failing a DONE or DLQ job succeeds and changes nothing.
   */
  record Fail(JobId id, LeaseToken token, String reason, @Nullable String error) implements Completion {
    public Fail {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(token, "token");
      Checks.text(Objects.requireNonNull(reason, "reason"), "reason");
      if (error != null) {
        Checks.text(error, "error");
      }
    }
  }

  /**
   * Give the job back without counting the attempt: it becomes READY at {@code runAt} (now when null) and its attempt
   * count goes down by one. Used for a snooze and for jobs a worker releases at shutdown.
   */
  record Release(JobId id, LeaseToken token, @Nullable Instant runAt) implements Completion {
    public Release {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(token, "token");
      if (runAt != null) {
        runAt = Checks.instant(runAt, "runAt");
      }
    }
  }
}
