package io.taskharbor.spi;

import io.taskharbor.api.JobId;
import io.taskharbor.api.Validation;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A job to store, as the engine hands it to {@link Driver#enqueue}. The constructor validates every field (and
 * truncates {@code runAt} to microseconds), so a driver never sees an invalid one.
 *
 * @param id the id; a second enqueue of a stored id is a {@link io.taskharbor.api.DuplicateJobException}
 * @param queue the queue
 * @param type the job type
 * @param payload the payload, a JSON document ({@link Json#validate})
 * @param priority higher first
 * @param runAt the earliest run time, or null for at once
 * @param idempotencyKey the per-queue deduplication key, or null
 * @param maxAttempts the most deliveries, at least 1
 * @param timeout the per-execution timeout, or null
 */
public record NewJob(
    JobId id,
    String queue,
    String type,
    String payload,
    int priority,
    @Nullable Instant runAt,
    @Nullable String idempotencyKey,
    int maxAttempts,
    @Nullable Duration timeout) {

  public NewJob {
    Objects.requireNonNull(id, "id must not be null");
    Validation.queue(queue);
    Validation.type(type);
    Json.validate(payload, "payload");
    if (runAt != null) {
      runAt = Validation.instant(runAt, "runAt");
    }
    if (idempotencyKey != null) {
      Validation.idempotencyKey(idempotencyKey);
    }
    Validation.maxAttempts(maxAttempts);
    if (timeout != null) {
      timeout = Validation.positive(timeout, "timeout");
    }
  }

  /** Returns a job with default options (priority 0, no run time, no key, 25 attempts, no timeout). */
  public static NewJob of(JobId id, String queue, String type, String payload) {
    return new NewJob(id, queue, type, payload, 0, null, null, io.taskharbor.api.Limits.DEFAULT_MAX_ATTEMPTS, null);
  }
}
