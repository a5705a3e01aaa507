package io.taskharbor.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A stored job as a driver returns it. Instants carry microsecond precision.
 *
 * <p>Payload and result are JSON documents; a driver may normalise their whitespace and object key order (PostgreSQL's
 * {@code jsonb} does), so compare them as JSON values, not as strings.
 *
 * @param id the id
 * @param queue the queue
 * @param type the job type, which selects the handler
 * @param payload the payload, a JSON document
 * @param priority higher runs first; default 0
 * @param runAt when the job may run first; null means as soon as it is enqueued
 * @param idempotencyKey the key that deduplicates enqueues within the queue, or null
 * @param attempts how many times the job was handed to a worker (reserve, reclaims included)
 * @param maxAttempts the most deliveries the job may get
 * @param timeout how long one execution may take before it is canceled and counted as failed, or null for none
 * @param status the status
 * @param leaseToken the current lease's token; non-null exactly when the job is INFLIGHT
 * @param leaseExpiresAt when the current lease stops being valid; non-null exactly when the job is INFLIGHT
 * @param lastError the most recent failure's description, or null
 * @param result the handler's result (JSON) once DONE, or null
 * @param dlqReason why the job went to the dead-letter queue; non-null when DLQ
 * @param dlqFailedAt when the job went to the dead-letter queue; non-null when DLQ
 * @param createdAt when the job was enqueued
 * @param updatedAt when the job last changed
 * @param finishedAt when the job reached DONE, DLQ or CANCELED, or null
 */
public record JobRecord(
    JobId id,
    String queue,
    String type,
    String payload,
    int priority,
    @Nullable Instant runAt,
    @Nullable String idempotencyKey,
    int attempts,
    int maxAttempts,
    @Nullable Duration timeout,
    JobStatus status,
    @Nullable LeaseToken leaseToken,
    @Nullable Instant leaseExpiresAt,
    @Nullable String lastError,
    @Nullable String result,
    @Nullable String dlqReason,
    @Nullable Instant dlqFailedAt,
    Instant createdAt,
    Instant updatedAt,
    @Nullable Instant finishedAt) {

  public JobRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** Returns whether the job is READY and due at {@code now} (run_at null or at or before now). */
  public boolean isDue(Instant now) {
    return status == JobStatus.READY && (runAt == null || !runAt.isAfter(now));
  }

  /** Returns whether the job is INFLIGHT with a lease still valid at {@code now} (expiry strictly after now). */
  public boolean hasValidLease(Instant now) {
    return status == JobStatus.INFLIGHT && leaseExpiresAt != null && leaseExpiresAt.isAfter(now);
  }
}
