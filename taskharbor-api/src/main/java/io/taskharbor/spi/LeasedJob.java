package io.taskharbor.spi;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import java.time.Instant;
import java.util.Objects;

/**
 * A job that {@link Driver#reserve} just leased: its record as stored after the reservation (INFLIGHT, with the new
 * token and expiry and the incremented attempt count).
 *
 * @param job the stored record
 */
public record LeasedJob(JobRecord job) {

  public LeasedJob {
    Objects.requireNonNull(job, "job");
    if (job.status() != JobStatus.INFLIGHT || job.leaseToken() == null || job.leaseExpiresAt() == null) {
      throw new IllegalArgumentException("a leased job must be INFLIGHT with a lease token and expiry: " + job.id());
    }
  }

  /** Returns the job id. */
  public JobId id() {
    return job.id();
  }

  /** Returns the lease token to present on extendLease and completion. */
  public LeaseToken token() {
    return Objects.requireNonNull(job.leaseToken());
  }

  /** Returns when the lease expires unless extended. */
  public Instant leaseExpiresAt() {
    return Objects.requireNonNull(job.leaseExpiresAt());
  }
}
