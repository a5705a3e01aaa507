package io.taskharbor.api;

import java.time.Instant;

/**
 * The caller's lease on the job is no longer valid (it expired at or before now), so another worker may hold the job;
 * the call changed nothing. This wins over a wrong token.
 */
public class LeaseExpiredException extends JobStateException {
  private static final long serialVersionUID = 1L;
  private final Instant expiredAt;
  private final Instant now;

  public LeaseExpiredException(JobId jobId, Instant expiredAt, Instant now) {
    super(jobId, "lease on job " + jobId + " expired at " + expiredAt + " (now " + now
        + "): the job may be reclaimed by another worker; extend leases sooner or lengthen them");
    this.expiredAt = expiredAt;
    this.now = now;
  }

  /** Returns when the lease expired. */
  public Instant expiredAt() {
    return expiredAt;
  }

  /** Returns the instant of the refused call. */
  public Instant now() {
    return now;
  }
}
