package io.taskharbor.tck;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeasedJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Broken on purpose: reserve fills up its result with jobs it handed out before whose lease is still valid, as they
 * are (same token), so two workers hold one job at the same time. Each lease is handed out a second time at most once,
 * so that loops that reserve until the queue is empty still end.
 */
final class LeasesTwiceDriver extends ForwardingDriver {
  private final Set<JobId> handedOut = new LinkedHashSet<>();
  private final Set<LeaseToken> handedTwice = new HashSet<>();

  @Override
  public synchronized List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease,
      @org.jspecify.annotations.Nullable String holder) {
    List<LeasedJob> leased = new ArrayList<>(delegate.reserve(queue, max, now, lease, holder));
    for (JobId id : handedOut) {
      if (leased.size() >= max) {
        break;
      }
      Optional<JobRecord> job = delegate.get(id);
      if (job.isPresent() && job.get().queue().equals(queue) && job.get().hasValidLease(now)
          && leased.stream().noneMatch(l -> l.id().equals(id)) && handedTwice.add(job.get().leaseToken())) {
        leased.add(new LeasedJob(job.get()));
      }
    }
    leased.forEach(l -> handedOut.add(l.id()));
    return leased;
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new LeasesTwiceDriver();
    }
  }
}
