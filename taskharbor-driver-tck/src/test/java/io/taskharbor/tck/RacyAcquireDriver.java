package io.taskharbor.tck;

import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeaderLease;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Broken on purpose (leader election): acquire reads the lease, and when it finds it free writes the caller's lease
 * a moment later without a lock, overwriting a lease another candidate wrote meanwhile (last writer wins), as a
 * SELECT followed by an UPDATE would. Alone, every call is right; two candidates racing are both told they lead.
 */
final class RacyAcquireDriver extends ForwardingDriver {
  private final Coordination coordination =
      new ForwardingCoordination(delegate.extension(Coordination.class).orElseThrow()) {
        @Override
        public LeaderLease acquire(String name, String nodeId, Instant now, Duration ttl) {
          Optional<LeaderLease> seen = inner.leader(name);
          if (seen.isPresent() && seen.get().isValid(now) && !nodeId.equals(seen.get().holder())) {
            return seen.get();
          }
          try {
            Thread.sleep(10); // the window between the read and the write
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          LeaderLease got = inner.acquire(name, nodeId, now, ttl);
          if (!nodeId.equals(got.holder()) && got.holder() != null) {
            inner.resign(name, got.holder(), got.term(), now); // the blind write replaces the other's lease
            got = inner.acquire(name, nodeId, now, ttl);
          }
          return got;
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
      return new RacyAcquireDriver();
    }
  }
}
