package io.taskharbor.tck;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.Limits;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Driver;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Broken on purpose (admin): cancel of an INFLIGHT job succeeds, expired lease or not, as with a cancel that only
 * refuses finished jobs. The job is released first (at an instant where its lease is still valid) and then canceled,
 * so its worker's lease is silently gone.
 */
final class CancelsInflightJobsDriver extends ForwardingDriver {

  @Override
  public synchronized void cancel(JobId id, Instant now) {
    if (id != null && now != null && !now.isBefore(Limits.MIN_INSTANT) && !now.isAfter(Limits.MAX_INSTANT)) {
      Optional<JobRecord> job = delegate.get(id);
      if (job.isPresent() && job.get().status() == JobStatus.INFLIGHT) {
        JobRecord inflight = job.get();
        Instant valid = inflight.hasValidLease(now) ? now : inflight.leaseExpiresAt().minus(Actions.MICRO);
        delegate.complete(List.of(new Completion.Release(id, inflight.leaseToken(), null)), valid);
      }
    }
    delegate.cancel(id, now);
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new CancelsInflightJobsDriver();
    }
  }
}
