package io.taskharbor.tck;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Limits;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Broken on purpose: it never refuses an expired lease. extendLease and every completion reach the model with a
 * {@code now} just before the job's expiry when the lease has run out, so a stale worker's late ack succeeds (as long
 * as nobody reserved the job again) and an expired lease can be extended.
 */
final class IgnoresLeaseExpiryDriver extends ForwardingDriver {

  @Override
  public Instant extendLease(JobId id, LeaseToken token, Instant now, Duration lease) {
    return delegate.extendLease(id, token, stillValid(id, now), lease);
  }

  @Override
  public List<Outcome> complete(List<Completion> completions, Instant now) {
    if (completions.isEmpty() || completions.stream().anyMatch(Objects::isNull)) {
      return delegate.complete(completions, now);
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (Completion c : completions) {
      outcomes.addAll(delegate.complete(List.of(c), stillValid(c.id(), now)));
    }
    return outcomes;
  }

  /** Returns a {@code now} at which the job's lease is still valid; bad arguments go to the model unchanged. */
  private Instant stillValid(JobId id, Instant now) {
    if (id == null || now == null || now.isBefore(Limits.MIN_INSTANT) || now.isAfter(Limits.MAX_INSTANT)) {
      return now;
    }
    Optional<JobRecord> job = delegate.get(id);
    if (job.isPresent() && job.get().status() == JobStatus.INFLIGHT && job.get().leaseExpiresAt() != null
        && !job.get().leaseExpiresAt().isAfter(now)) {
      return job.get().leaseExpiresAt().minus(Actions.MICRO);
    }
    return now;
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new IgnoresLeaseExpiryDriver();
    }
  }
}
