package io.taskharbor.spi;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.Limits;
import io.taskharbor.api.internal.Checks;
import io.taskharbor.api.internal.Json;
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
    Checks.queue(queue);
    Checks.type(type);
    Json.validate(payload, "payload");
    if (runAt != null) {
      runAt = Checks.instant(runAt, "runAt");
    }
    if (idempotencyKey != null) {
      Checks.idempotencyKey(idempotencyKey);
    }
    Checks.maxAttempts(maxAttempts);
    if (timeout != null) {
      timeout = Checks.positive(timeout, "timeout");
    }
  }

  /** Returns a job with default options (priority 0, no run time, no key, 25 attempts, no timeout). */
  public static NewJob of(JobId id, String queue, String type, String payload) {
    return builder(id, queue, type, payload).build();
  }

  /**
   * Starts a job with the fields every job has; the options take their defaults (priority 0, no run time, no key,
   * {@value Limits#DEFAULT_MAX_ATTEMPTS} attempts, no timeout). Code that builds jobs this way keeps compiling when a
   * later version adds a field, which the canonical constructor does not promise.
   */
  public static Builder builder(JobId id, String queue, String type, String payload) {
    return new Builder(id, queue, type, payload);
  }

  /**
   * Returns the record of this job as enqueue stores it at {@code now}: READY, no attempts, created and updated at
   * {@code now}, every option as given.
   */
  public JobRecord toRecord(Instant now) {
    return JobRecord.builder(id, queue, type, payload, now).priority(priority).runAt(runAt)
        .idempotencyKey(idempotencyKey).maxAttempts(maxAttempts).timeout(timeout).build();
  }

  /** A mutable builder of {@link NewJob}s; not thread-safe. {@link #build()} applies every check. */
  public static final class Builder {
    private final JobId id;
    private final String queue;
    private final String type;
    private final String payload;
    private int priority;
    private @Nullable Instant runAt;
    private @Nullable String idempotencyKey;
    private int maxAttempts = Limits.DEFAULT_MAX_ATTEMPTS;
    private @Nullable Duration timeout;

    private Builder(JobId id, String queue, String type, String payload) {
      this.id = id;
      this.queue = queue;
      this.type = type;
      this.payload = payload;
    }

    /** Sets the priority: higher first; default 0. */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /** Sets the earliest run time; null (the default) for at once. */
    public Builder runAt(@Nullable Instant runAt) {
      this.runAt = runAt;
      return this;
    }

    /** Sets the per-queue deduplication key; null (the default) for none. */
    public Builder idempotencyKey(@Nullable String idempotencyKey) {
      this.idempotencyKey = idempotencyKey;
      return this;
    }

    /** Sets the most deliveries, at least 1; default {@value Limits#DEFAULT_MAX_ATTEMPTS}. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Sets the per-execution timeout; null (the default) for none. */
    public Builder timeout(@Nullable Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * Builds the job.
     *
     * @throws IllegalArgumentException naming the field that is invalid
     */
    public NewJob build() {
      return new NewJob(id, queue, type, payload, priority, runAt, idempotencyKey, maxAttempts, timeout);
    }
  }
}
