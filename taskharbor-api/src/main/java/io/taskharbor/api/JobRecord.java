package io.taskharbor.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * @param leasedBy the node that holds the lease, or held it on the job's latest attempt (the worker id), or null when
 *     no attempt has been made or the reserving worker did not say
 * @param startedAt when the latest attempt began (its reservation), or null when none was made
 * @param cancelRequestedAt when an administrator asked to cancel the job while it ran, or null; the holding worker
 *     then stops it and stores it CANCELED
 * @param details the job's details log, oldest first: the lines its handlers wrote, across attempts (bounded by
 *     {@link Detail#MAX_LINES} and {@link Detail#MAX_BYTES})
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
    @Nullable Instant finishedAt,
    @Nullable String leasedBy,
    @Nullable Instant startedAt,
    @Nullable Instant cancelRequestedAt,
    List<Detail> details) {

  public JobRecord {
    details = List.copyOf(Objects.requireNonNull(details, "details"));
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /**
   * The record as the first SPI version built it, without {@code leasedBy} and {@code startedAt} (both null). Kept so
   * that code written against that version compiles; build records with {@link #builder} instead.
   */
  public JobRecord(JobId id, String queue, String type, String payload, int priority, @Nullable Instant runAt,
      @Nullable String idempotencyKey, int attempts, int maxAttempts, @Nullable Duration timeout, JobStatus status,
      @Nullable LeaseToken leaseToken, @Nullable Instant leaseExpiresAt, @Nullable String lastError,
      @Nullable String result, @Nullable String dlqReason, @Nullable Instant dlqFailedAt, Instant createdAt,
      Instant updatedAt, @Nullable Instant finishedAt) {
    this(id, queue, type, payload, priority, runAt, idempotencyKey, attempts, maxAttempts, timeout, status, leaseToken,
        leaseExpiresAt, lastError, result, dlqReason, dlqFailedAt, createdAt, updatedAt, finishedAt, null, null, null,
        List.of());
  }

  /** Returns whether the job is READY and due at {@code now} (run_at null or at or before now). */
  public boolean isDue(Instant now) {
    return status == JobStatus.READY && (runAt == null || !runAt.isAfter(now));
  }

  /** Returns whether the job is INFLIGHT with a lease still valid at {@code now} (expiry strictly after now). */
  public boolean hasValidLease(Instant now) {
    return status == JobStatus.INFLIGHT && leaseExpiresAt != null && leaseExpiresAt.isAfter(now);
  }

  /**
   * Starts a record with the fields every job has; the others take their defaults (READY, priority 0, no attempts,
   * {@value Limits#DEFAULT_MAX_ATTEMPTS} max attempts, updated at creation, nothing else set). Drivers build records
   * this way (or with {@link #toBuilder()}): a field added to the record in a later version gets a default here, so
   * code that builds records keeps compiling, which the canonical constructor does not promise.
   */
  public static Builder builder(JobId id, String queue, String type, String payload, Instant createdAt) {
    return new Builder(id, queue, type, payload, createdAt);
  }

  /** Returns a builder that starts from every field of this record. */
  public Builder toBuilder() {
    Builder b = new Builder(id, queue, type, payload, createdAt);
    b.priority = priority;
    b.runAt = runAt;
    b.idempotencyKey = idempotencyKey;
    b.attempts = attempts;
    b.maxAttempts = maxAttempts;
    b.timeout = timeout;
    b.status = status;
    b.leaseToken = leaseToken;
    b.leaseExpiresAt = leaseExpiresAt;
    b.lastError = lastError;
    b.result = result;
    b.dlqReason = dlqReason;
    b.dlqFailedAt = dlqFailedAt;
    b.updatedAt = updatedAt;
    b.finishedAt = finishedAt;
    b.leasedBy = leasedBy;
    b.startedAt = startedAt;
    b.cancelRequestedAt = cancelRequestedAt;
    b.details = details;
    return b;
  }

  /** A mutable builder of {@link JobRecord}s; not thread-safe. {@link #build()} applies the record's checks. */
  public static final class Builder {
    private JobId id;
    private String queue;
    private String type;
    private String payload;
    private int priority;
    private @Nullable Instant runAt;
    private @Nullable String idempotencyKey;
    private int attempts;
    private int maxAttempts = Limits.DEFAULT_MAX_ATTEMPTS;
    private @Nullable Duration timeout;
    private JobStatus status = JobStatus.READY;
    private @Nullable LeaseToken leaseToken;
    private @Nullable Instant leaseExpiresAt;
    private @Nullable String lastError;
    private @Nullable String result;
    private @Nullable String dlqReason;
    private @Nullable Instant dlqFailedAt;
    private Instant createdAt;
    private Instant updatedAt;
    private @Nullable Instant finishedAt;
    private @Nullable String leasedBy;
    private @Nullable Instant startedAt;
    private @Nullable Instant cancelRequestedAt;
    private List<Detail> details = List.of();

    private Builder(JobId id, String queue, String type, String payload, Instant createdAt) {
      this.id = Objects.requireNonNull(id, "id");
      this.queue = Objects.requireNonNull(queue, "queue");
      this.type = Objects.requireNonNull(type, "type");
      this.payload = Objects.requireNonNull(payload, "payload");
      this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
      this.updatedAt = createdAt;
    }

    /** Sets payload: the payload, a JSON document. */
    public Builder payload(String payload) {
      this.payload = Objects.requireNonNull(payload, "payload");
      return this;
    }

    /** Sets priority: higher runs first; default 0. */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /** Sets runAt: when the job may run first; null for as soon as it is enqueued. */
    public Builder runAt(@Nullable Instant runAt) {
      this.runAt = runAt;
      return this;
    }

    /** Sets idempotencyKey: the per-queue deduplication key, or null. */
    public Builder idempotencyKey(@Nullable String idempotencyKey) {
      this.idempotencyKey = idempotencyKey;
      return this;
    }

    /** Sets attempts: how many times the job was handed to a worker; default 0. */
    public Builder attempts(int attempts) {
      this.attempts = attempts;
      return this;
    }

    /** Sets maxAttempts: the most deliveries; default {@value Limits#DEFAULT_MAX_ATTEMPTS}. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Sets timeout: the per-execution timeout, or null. */
    public Builder timeout(@Nullable Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** Sets status: the status; default READY. */
    public Builder status(JobStatus status) {
      this.status = Objects.requireNonNull(status, "status");
      return this;
    }

    /** Sets leaseToken: the current lease token, or null. */
    public Builder leaseToken(@Nullable LeaseToken leaseToken) {
      this.leaseToken = leaseToken;
      return this;
    }

    /** Sets leaseExpiresAt: the current lease expiry, or null. */
    public Builder leaseExpiresAt(@Nullable Instant leaseExpiresAt) {
      this.leaseExpiresAt = leaseExpiresAt;
      return this;
    }

    /** Sets lastError: the latest failure, or null. */
    public Builder lastError(@Nullable String lastError) {
      this.lastError = lastError;
      return this;
    }

    /** Sets result: the result (JSON), or null. */
    public Builder result(@Nullable String result) {
      this.result = result;
      return this;
    }

    /** Sets dlqReason: why the job is in the DLQ, or null. */
    public Builder dlqReason(@Nullable String dlqReason) {
      this.dlqReason = dlqReason;
      return this;
    }

    /** Sets dlqFailedAt: when it went to the DLQ, or null. */
    public Builder dlqFailedAt(@Nullable Instant dlqFailedAt) {
      this.dlqFailedAt = dlqFailedAt;
      return this;
    }

    /** Sets updatedAt: when it last changed; default its creation. */
    public Builder updatedAt(Instant updatedAt) {
      this.updatedAt = Objects.requireNonNull(updatedAt, "updatedAt");
      return this;
    }

    /** Sets finishedAt: when it finished, or null. */
    public Builder finishedAt(@Nullable Instant finishedAt) {
      this.finishedAt = finishedAt;
      return this;
    }

    /** Sets leasedBy: the node that holds (or last held) the lease, or null. */
    public Builder leasedBy(@Nullable String leasedBy) {
      this.leasedBy = leasedBy;
      return this;
    }

    /** Sets startedAt: when the latest attempt began, or null. */
    public Builder startedAt(@Nullable Instant startedAt) {
      this.startedAt = startedAt;
      return this;
    }

    /** Sets cancelRequestedAt: when cancelling the running job was asked for, or null. */
    public Builder cancelRequestedAt(@Nullable Instant cancelRequestedAt) {
      this.cancelRequestedAt = cancelRequestedAt;
      return this;
    }

    /** Sets the details log, oldest first; default none. */
    public Builder details(List<Detail> details) {
      this.details = Objects.requireNonNull(details, "details");
      return this;
    }

    /** Builds the record. */
    public JobRecord build() {
      return new JobRecord(id, queue, type, payload, priority, runAt, idempotencyKey, attempts, maxAttempts, timeout,
          status, leaseToken, leaseExpiresAt, lastError, result, dlqReason, dlqFailedAt, createdAt, updatedAt,
          finishedAt, leasedBy, startedAt, cancelRequestedAt, details);
    }
  }
}
