package io.taskharbor.tck;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A controllable clock for tests: it stands still until told to move, and always reads at microsecond precision.
 * Thread-safe.
 */
public final class TestClock implements InstantSource {

  /** The instant every TCK clock starts at: a fixed, microsecond-aligned point. */
  public static final Instant START = Instant.parse("2030-01-01T00:00:00.000001Z");

  private volatile Instant now;

  public TestClock() {
    this(START);
  }

  public TestClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start").truncatedTo(ChronoUnit.MICROS);
  }

  @Override
  public Instant instant() {
    return now;
  }

  /** Moves the clock forward (or back, for a negative step) and returns the new time. */
  public synchronized Instant advance(Duration step) {
    now = now.plus(step).truncatedTo(ChronoUnit.MICROS);
    return now;
  }

  /** Sets the clock. */
  public synchronized void set(Instant instant) {
    now = instant.truncatedTo(ChronoUnit.MICROS);
  }
}
