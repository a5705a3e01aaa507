package io.taskharbor.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The database's clock, read locally: an {@link InstantSource} that adds to a local clock its estimated offset to the
 * database's own clock. In distributed mode every instant the engine passes to the driver comes from here, so leases,
 * due times and leader terms written by different hosts compare on one timeline, and the skew between hosts is
 * bounded by a round trip to the database, not by how well their clocks are kept.
 *
 * <p>How the offset is estimated: {@link #sync()} reads the server's time several times, and from the fastest round
 * trip (local instants {@code t0} before and {@code t1} after) takes {@code offset = server - (t0 + t1) / 2}; the true
 * offset is within {@code (t1 - t0) / 2} of it, which {@link #estimatedError()} reports. The instants it returns never
 * go backwards, even when a new estimate moves the offset back. Thread-safe.
 */
public final class DatabaseClock implements InstantSource {
  /** Round trips per estimate. */
  static final int SAMPLES = 7;

  private final InstantSource local;
  private final Supplier<Instant> serverTime;
  private volatile long offsetNanos;
  private volatile long errorNanos = Long.MAX_VALUE;
  /** The last instant handed out, in microseconds since the epoch, so that time never runs backwards. */
  private final AtomicLong lastMicros = new AtomicLong(Long.MIN_VALUE);

  /**
   * Makes a clock over {@code local}, calibrated by {@code serverTime} (such as the driver's {@code
   * Coordination.serverTime()}), and measures the offset once.
   *
   * @throws io.taskharbor.api.DriverException if the server's time cannot be read
   */
  public DatabaseClock(InstantSource local, Supplier<Instant> serverTime) {
    this.local = Objects.requireNonNull(local, "local must not be null");
    this.serverTime = Objects.requireNonNull(serverTime, "serverTime must not be null");
    sync();
  }

  /**
   * Measures the offset again, from the fastest of {@value #SAMPLES} round trips; keeps the new estimate if it is at
   * least as precise as the old one or the old one is older than this call (it always is: estimates are not aged, so
   * the newest one wins).
   */
  public void sync() {
    long bestRoundTrip = Long.MAX_VALUE;
    long bestOffset = 0;
    for (int i = 0; i < SAMPLES; i++) {
      Instant t0 = local.instant();
      Instant server = serverTime.get();
      Instant t1 = local.instant();
      long roundTrip = Duration.between(t0, t1).toNanos();
      if (roundTrip < 0) {
        continue; // the local clock stepped back meanwhile: this sample says nothing
      }
      if (roundTrip < bestRoundTrip) {
        bestRoundTrip = roundTrip;
        Instant midpoint = t0.plusNanos(roundTrip / 2);
        bestOffset = Duration.between(midpoint, server).toNanos();
      }
    }
    if (bestRoundTrip == Long.MAX_VALUE) {
      throw new IllegalStateException("the local clock ran backwards during every sample; cannot estimate the offset");
    }
    offsetNanos = bestOffset;
    errorNanos = bestRoundTrip / 2;
  }

  /** Returns the estimated offset of the database's clock from the local one (positive: the database is ahead). */
  public Duration offset() {
    return Duration.ofNanos(offsetNanos);
  }

  /** Returns how far the true offset may be from {@link #offset()}: half the fastest round trip of the last sync. */
  public Duration estimatedError() {
    return Duration.ofNanos(errorNanos);
  }

  @Override
  public Instant instant() {
    Instant now = local.instant().plusNanos(offsetNanos).truncatedTo(ChronoUnit.MICROS);
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, now);
    long last = lastMicros.accumulateAndGet(micros, Math::max);
    return last == micros ? now : Instant.EPOCH.plus(last, ChronoUnit.MICROS);
  }

  @Override
  public String toString() {
    return "DatabaseClock[offset " + offset() + " ± " + estimatedError() + "]";
  }
}
