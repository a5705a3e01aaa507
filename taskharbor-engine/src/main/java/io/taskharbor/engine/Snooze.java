package io.taskharbor.engine;

import io.taskharbor.spi.support.Validation;
import java.time.Duration;

/**
 * Thrown by a handler to run the job again after {@link #delay()}; not a failure: the attempt is not counted and no
 * error is recorded.
 */
public final class Snooze extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Duration delay;

  /**
   * Creates a snooze.
   *
   * @param delay how long to wait before the job may run again; positive
   * @throws IllegalArgumentException if {@code delay} is not positive
   */
  public Snooze(Duration delay) {
    super("snoozed for " + delay, null, false, false);
    this.delay = Validation.positive(delay, "delay");
  }

  /** Returns how long the job waits before it may run again. */
  public Duration delay() {
    return delay;
  }
}
