package io.taskharbor.api;

import org.jspecify.annotations.Nullable;

/**
 * A queue's stored settings, the same for every node: whether it is paused, and the most valid leases its jobs may
 * hold at once across all workers (1 makes a serial queue). A queue nobody configured has {@link #DEFAULT}: running,
 * no limit.
 *
 * @param paused true while no job of the queue is reserved (running jobs go on)
 * @param concurrencyLimit the most valid leases at once, 1 to {@value #MAX_LIMIT}, or null for no limit
 */
public record QueueSettings(boolean paused, @Nullable Integer concurrencyLimit) {

  /** The largest concurrency limit. */
  public static final int MAX_LIMIT = 100_000;

  /** A queue nobody configured: running, no limit. */
  public static final QueueSettings DEFAULT = new QueueSettings(false, null);

  public QueueSettings {
    if (concurrencyLimit != null && (concurrencyLimit < 1 || concurrencyLimit > MAX_LIMIT)) {
      throw new IllegalArgumentException("concurrencyLimit must be between 1 and " + MAX_LIMIT + " but was "
          + concurrencyLimit + ": use null for no limit, 1 for a serial queue");
    }
  }

  /** Returns these settings, paused or not. */
  public QueueSettings withPaused(boolean paused) {
    return new QueueSettings(paused, concurrencyLimit);
  }

  /** Returns these settings with another limit (null for none). */
  public QueueSettings withConcurrencyLimit(@Nullable Integer concurrencyLimit) {
    return new QueueSettings(paused, concurrencyLimit);
  }

  /** Returns whether these are the defaults (a driver need not store them). */
  public boolean isDefault() {
    return !paused && concurrencyLimit == null;
  }
}
