package io.taskharbor.spi;

import io.taskharbor.api.Detail;
import io.taskharbor.api.JobId;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.internal.Checks;
import io.taskharbor.api.internal.Json;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a worker finishes with a leased job; a batch of these goes to {@link Driver#complete}. Every kind presents the
 * lease token and is validated strictly (see {@link Driver}). Every kind carries the lines the handler wrote to the
 * job's details log during this attempt ({@link #details()}, often none): a driver appends them to the job's stored
 * details when it applies the completion, within the bounds of {@link Detail} ({@code
 * io.taskharbor.spi.support.DriverRules#appendDetails} does it), and a refused completion stores none of them.
 */
public sealed interface Completion
    permits Completion.Ack, Completion.Retry, Completion.Fail, Completion.Release, Completion.Cancel {

  /** Returns the job. */
  JobId id();

  /** Returns the lease token the worker holds. */
  LeaseToken token();

  /** Returns the details log lines of this attempt, oldest first; empty for none. */
  List<Detail> details();

  /**
   * Success: the job becomes DONE with the result. Acking a DONE job again succeeds and changes nothing.
   *
   * @param result the handler's result as a JSON document, or null
   */
  record Ack(JobId id, LeaseToken token, @Nullable String result, List<Detail> details) implements Completion {
    public Ack {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(token, "token");
      if (result != null) {
        Json.validate(result, "result");
      }
      details = List.copyOf(Objects.requireNonNull(details, "details"));
    }

    /** An ack with no details. */
    public Ack(JobId id, LeaseToken token, @Nullable String result) {
      this(id, token, result, List.of());
    }
  }

  /**
   * A failed attempt to try again: the job becomes READY at {@code runAt} (now when null) with {@code error} as its
   * last error. The attempt stays counted. The engine decides between retry and fail.
   */
  record Retry(JobId id, LeaseToken token, @Nullable Instant runAt, @Nullable String error, List<Detail> details)
      implements Completion {
    public Retry {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(token, "token");
      if (runAt != null) {
        runAt = Checks.instant(runAt, "runAt");
      }
      if (error != null) {
        Checks.text(error, "error");
      }
      details = List.copyOf(Objects.requireNonNull(details, "details"));
    }

    /** A retry with no details. */
    public Retry(JobId id, LeaseToken token, @Nullable Instant runAt, @Nullable String error) {
      this(id, token, runAt, error, List.of());
    }
  }

  /**
   * Failure for good: the job goes to the DLQ with {@code reason}, dlq_failed_at = now and {@code error} as its last
   * error. Failing a DONE or DLQ job succeeds and changes nothing.
   */
  record Fail(JobId id, LeaseToken token, String reason, @Nullable String error, List<Detail> details)
      implements Completion {
    public Fail {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(token, "token");
      Checks.text(Objects.requireNonNull(reason, "reason"), "reason");
      if (error != null) {
        Checks.text(error, "error");
      }
      details = List.copyOf(Objects.requireNonNull(details, "details"));
    }

    /** A failure with no details. */
    public Fail(JobId id, LeaseToken token, String reason, @Nullable String error) {
      this(id, token, reason, error, List.of());
    }
  }

  /**
   * Give the job back without counting the attempt: it becomes READY at {@code runAt} (now when null) and its attempt
   * count goes down by one. Used for a snooze and for jobs a worker releases at shutdown.
   */
  record Release(JobId id, LeaseToken token, @Nullable Instant runAt, List<Detail> details) implements Completion {
    public Release {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(token, "token");
      if (runAt != null) {
        runAt = Checks.instant(runAt, "runAt");
      }
      details = List.copyOf(Objects.requireNonNull(details, "details"));
    }

    /** A release with no details. */
    public Release(JobId id, LeaseToken token, @Nullable Instant runAt) {
      this(id, token, runAt, List.of());
    }
  }

  /**
   * The worker stopped the job because an administrator asked to cancel it ({@link JobControls#requestCancel}): the
   * job becomes CANCELED, finished at now, its attempt counted. Only drivers that offer {@link JobControls} receive it.
   */
  record Cancel(JobId id, LeaseToken token, List<Detail> details) implements Completion {
    public Cancel {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(token, "token");
      details = List.copyOf(Objects.requireNonNull(details, "details"));
    }

    /** A cancel with no details. */
    public Cancel(JobId id, LeaseToken token) {
      this(id, token, List.of());
    }
  }
}
