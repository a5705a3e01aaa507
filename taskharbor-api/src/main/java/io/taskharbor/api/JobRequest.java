package io.taskharbor.api;

import io.taskharbor.api.internal.Checks;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an application asks to run: a type, a payload object (turned into JSON by the engine's codec) and options.
 * Build one with {@link #builder(String, Object)}; {@link Builder#build()} validates every field and names the one
 * that is wrong.
 *
 * @param id the job id to use, or null to let the engine draw one
 * @param type the job type (selects the handler); non-blank, at most {@value Limits#MAX_TYPE_LENGTH} characters
 * @param payload the payload object, usually a record; encoded to JSON by the engine
 * @param queue the queue name (see {@link Limits#QUEUE_NAME}); default {@value Limits#DEFAULT_QUEUE}
 * @param runAt the earliest time to run, or null for now
 * @param priority higher runs first; default 0
 * @param idempotencyKey a key unique within the queue that deduplicates enqueues, or null
 * @param maxAttempts the most deliveries, or null for the job type's default (else {@value
 *     Limits#DEFAULT_MAX_ATTEMPTS})
 * @param timeout the longest one execution may take, or null for the job type's default (else none)
 */
public record JobRequest(
    @Nullable JobId id,
    String type,
    Object payload,
    String queue,
    @Nullable Instant runAt,
    int priority,
    @Nullable String idempotencyKey,
    @Nullable Integer maxAttempts,
    @Nullable Duration timeout) {

  /** Validates all fields; see {@link Builder#build()}. */
  public JobRequest {
    Checks.type(type);
    Objects.requireNonNull(payload, "payload must not be null: pass an empty record or Map.of() for no data");
    Checks.queue(queue);
    if (runAt != null) {
      runAt = Checks.instant(runAt, "runAt");
    }
    if (idempotencyKey != null) {
      Checks.idempotencyKey(idempotencyKey);
    }
    if (maxAttempts != null) {
      Checks.maxAttempts(maxAttempts);
    }
    if (timeout != null) {
      Checks.positive(timeout, "timeout");
    }
  }

  /**
   * Starts a request.
   *
   * @param type the job type; selects the handler
   * @param payload the payload object, usually a record that the handler declares
   */
  public static Builder builder(String type, Object payload) {
    return new Builder(type, payload);
  }

  /** A mutable builder; not thread-safe. */
  public static final class Builder {
    private @Nullable JobId id;
    private final String type;
    private final Object payload;
    private String queue = Limits.DEFAULT_QUEUE;
    private @Nullable Instant runAt;
    private int priority;
    private @Nullable String idempotencyKey;
    private @Nullable Integer maxAttempts;
    private @Nullable Duration timeout;

    private Builder(String type, Object payload) {
      this.type = type;
      this.payload = payload;
    }

    /** Uses this id instead of a new one; enqueueing an id that exists is a {@link DuplicateJobException}. */
    public Builder id(JobId id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    /** Sets the queue; default {@value Limits#DEFAULT_QUEUE}. */
    public Builder queue(String queue) {
      this.queue = queue;
      return this;
    }

    /** Schedules the job: it is not reserved before {@code runAt}. */
    public Builder runAt(Instant runAt) {
      this.runAt = Objects.requireNonNull(runAt, "runAt");
      return this;
    }

    /** Sets the priority: higher runs first; default 0. */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /** Deduplicates: a second enqueue with the same key in the same queue stores nothing. */
    public Builder idempotencyKey(String idempotencyKey) {
      this.idempotencyKey = Objects.requireNonNull(idempotencyKey, "idempotencyKey");
      return this;
    }

    /** Sets the most deliveries (at least 1). */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Sets the longest one execution may take (positive). */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Builds the request.
     *
     * @throws IllegalArgumentException naming the field when the type or queue is blank or malformed, the run time
     *     is outside {@link Limits#MIN_INSTANT}..{@link Limits#MAX_INSTANT}, the key is blank or too long, max
     *     attempts is below 1 or the timeout is not positive
     */
    public JobRequest build() {
      return new JobRequest(id, type, payload, queue, runAt, priority, idempotencyKey, maxAttempts, timeout);
    }
  }
}
