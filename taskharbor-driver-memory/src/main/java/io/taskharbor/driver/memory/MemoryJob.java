package io.taskharbor.driver.memory;

import io.taskharbor.api.Detail;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.spi.NewJob;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One stored job: every field of {@link JobRecord}, mutable, guarded by the driver's lock. While it sits in an index
 * its ordering keys (status, available_at, attempts) must not change: the driver removes it, changes it and adds it
 * back.
 */
final class MemoryJob {

  /** Reserve order within one priority level: claimable since, then id. */
  static final Comparator<MemoryJob> BY_AVAILABILITY =
      Comparator.comparing(MemoryJob::availableAt).thenComparing(j -> j.id);

  /** The order of the last-attempt leases: expiry, then id. */
  static final Comparator<MemoryJob> BY_LEASE_EXPIRY =
      Comparator.comparing((MemoryJob j) -> Objects.requireNonNull(j.leaseExpiresAt)).thenComparing(j -> j.id);

  final JobId id;
  final String queue;
  final String type;
  final String payload;
  final int priority;
  @Nullable Instant runAt;
  final @Nullable String idempotencyKey;
  int attempts;
  final int maxAttempts;
  final @Nullable Duration timeout;
  JobStatus status = JobStatus.READY;
  @Nullable LeaseToken leaseToken;
  @Nullable Instant leaseExpiresAt;
  @Nullable String lastError;
  @Nullable String result;
  @Nullable String dlqReason;
  @Nullable Instant dlqFailedAt;
  final Instant createdAt;
  Instant updatedAt;
  @Nullable Instant finishedAt;
  /** The node that reserved the job last (kept after the job leaves INFLIGHT), or null. */
  @Nullable String leasedBy;
  /** When the latest reservation began (kept after the job leaves INFLIGHT), or null before the first. */
  @Nullable Instant startedAt;
  /** When an administrator asked to cancel the job while it ran (the first request), or null. */
  @Nullable Instant cancelRequestedAt;
  /** The details log, oldest first, within the bounds of {@link Detail}. */
  List<Detail> details = List.of();

  MemoryJob(NewJob job, Instant now) {
    this.id = job.id();
    this.queue = job.queue();
    this.type = job.type();
    this.payload = job.payload();
    this.priority = job.priority();
    this.runAt = job.runAt();
    this.idempotencyKey = job.idempotencyKey();
    this.maxAttempts = job.maxAttempts();
    this.timeout = job.timeout();
    this.createdAt = now;
    this.updatedAt = now;
  }

  /** Whether reserve may ever hand this job out (now or later): READY or INFLIGHT. */
  boolean isClaimableState() {
    return status == JobStatus.READY || status == JobStatus.INFLIGHT;
  }

  /** An INFLIGHT job whose lease, once expired, sends it to the DLQ instead of to another worker. */
  boolean isOnLastAttempt() {
    return status == JobStatus.INFLIGHT && attempts >= maxAttempts;
  }

  /** An INFLIGHT job whose cancel was requested: once its lease expires, reserve cancels it instead of handing it out. */
  boolean isCancelPending() {
    return status == JobStatus.INFLIGHT && cancelRequestedAt != null;
  }

  /** Whether the job holds a lease that is valid at {@code now}. */
  boolean hasValidLease(Instant now) {
    return status == JobStatus.INFLIGHT && leaseExpiresAt != null && leaseExpiresAt.isAfter(now);
  }

  /** When the job is (or becomes) claimable: run_at or created_at while READY, the lease expiry while INFLIGHT. */
  Instant availableAt() {
    if (status == JobStatus.INFLIGHT) {
      return Objects.requireNonNull(leaseExpiresAt);
    }
    return runAt != null ? runAt : createdAt;
  }

  void clearLease() {
    leaseToken = null;
    leaseExpiresAt = null;
  }

  JobRecord toRecord() {
    return JobRecord.builder(id, queue, type, payload, createdAt).priority(priority).runAt(runAt)
        .idempotencyKey(idempotencyKey).attempts(attempts).maxAttempts(maxAttempts).timeout(timeout).status(status)
        .leaseToken(leaseToken).leaseExpiresAt(leaseExpiresAt).lastError(lastError).result(result)
        .dlqReason(dlqReason).dlqFailedAt(dlqFailedAt).updatedAt(updatedAt).finishedAt(finishedAt).leasedBy(leasedBy)
        .startedAt(startedAt).cancelRequestedAt(cancelRequestedAt).details(details).build();
  }
}
