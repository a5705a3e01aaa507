package io.taskharbor.engine;

import io.taskharbor.spi.support.Validation;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** How long a failed job waits before its next attempt. Implementations must be thread-safe. */
@FunctionalInterface
public interface Backoff {

  /**
   * Returns the delay after the given failed attempt.
   *
   * @param attempt the number of the attempt that failed, 1 for the first
   */
  Duration delay(int attempt);

  /**
   * Exponential backoff with equal jitter: after attempt {@code n} the delay is {@code d/2 + random(0, d/2)} where
   * {@code d = min(max, base * 2^(n-1))}. Jitter spreads the retries of jobs that failed together; the half that is
   * not random keeps the growth.
   *
   * @param base the delay after the first attempt (before jitter); positive
   * @param max the cap; at least {@code base}
   * @throws IllegalArgumentException if {@code base} is not positive or {@code max} is below it
   */
  static Backoff exponential(Duration base, Duration max) {
    Duration b = Validation.positive(base, "base");
    Duration m = Validation.positive(max, "max");
    if (m.compareTo(b) < 0) {
      throw new IllegalArgumentException("max (" + max + ") must be at least base (" + base + ")");
    }
    long baseNanos = b.toNanos();
    long maxNanos = m.toNanos();
    return attempt -> {
      if (attempt < 1) {
        throw new IllegalArgumentException("attempt must be at least 1 but was " + attempt);
      }
      int shift = Math.min(attempt - 1, 62);
      long d = baseNanos > (maxNanos >> shift) ? maxNanos : Math.min(maxNanos, baseNanos << shift);
      long half = d / 2;
      long jitter = half == 0 ? 0 : ThreadLocalRandom.current().nextLong(half + 1);
      return Duration.ofNanos(d - half + jitter);
    };
  }

  /** The default: exponential from 1 second, capped at 1 hour, with equal jitter. */
  static Backoff defaultBackoff() {
    return exponential(Duration.ofSeconds(1), Duration.ofHours(1));
  }
}
