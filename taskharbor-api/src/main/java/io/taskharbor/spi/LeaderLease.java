package io.taskharbor.spi;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A leader lease, as {@link Coordination} returns it.
 *
 * @param name what the lease is for (the engine uses the cluster's name)
 * @param holder the node that holds it, or null after a resignation
 * @param term the fencing term: it grows by one at each change of holder, and leader-only calls present it
 * @param expiresAt when the lease stops being valid (exclusive), or null after a resignation
 */
public record LeaderLease(String name, @Nullable String holder, long term, @Nullable Instant expiresAt) {
  public LeaderLease {
    Objects.requireNonNull(name, "name");
    if (term < 0) {
      throw new IllegalArgumentException("term must not be negative but was " + term);
    }
  }

  /** Returns whether {@code nodeId} holds this lease and it is valid at {@code now}. */
  public boolean isHeldBy(String nodeId, Instant now) {
    return nodeId.equals(holder) && isValid(now);
  }

  /** Returns whether some node holds this lease and it is valid at {@code now} (its expiry is after now). */
  public boolean isValid(Instant now) {
    return holder != null && expiresAt != null && expiresAt.isAfter(now);
  }
}
