package io.taskharbor.tck;

import io.taskharbor.api.JobStatus;
import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeaderLease;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Broken on purpose (fencing): it offers {@link Coordination}, and its leader-only calls check that the term is
 * valid, but accept any term up to the current one, as a fence that compares {@code term <= current_term} would. A
 * deposed leader that wakes from a pause can therefore still recover, remove and purge. Renew is right.
 */
final class StaleTermActsDriver extends ForwardingDriver {
  private final Coordination coordination =
      new ForwardingCoordination(delegate.extension(Coordination.class).orElseThrow()) {
        /** A term before the current one is taken for the current one. */
        private long accepted(String name, long term) {
          if (term < 1) {
            return term;
          }
          Optional<LeaderLease> lease = inner.leader(name);
          return lease.filter(l -> term < l.term()).map(LeaderLease::term).orElse(term);
        }

        @Override
        public int recoverOrphans(String name, long term, Instant now, Duration nodeTimeout) {
          return inner.recoverOrphans(name, accepted(name, term), now, nodeTimeout);
        }

        @Override
        public int removeDeadNodes(String name, long term, Instant now, Duration nodeTimeout) {
          return inner.removeDeadNodes(name, accepted(name, term), now, nodeTimeout);
        }

        @Override
        public long purge(String name, long term, Set<JobStatus> statuses, Instant finishedBefore, Instant now) {
          return inner.purge(name, accepted(name, term), statuses, finishedBefore, now);
        }
      };

  @Override
  public <T> Optional<T> extension(Class<T> type) {
    return type == Coordination.class ? Optional.of(type.cast(coordination)) : Optional.empty();
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new StaleTermActsDriver();
    }
  }
}
