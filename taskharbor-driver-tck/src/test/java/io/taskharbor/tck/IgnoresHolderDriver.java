package io.taskharbor.tck;

import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeasedJob;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Broken on purpose (leased_by): the five-argument reserve ignores the holder, as the SPI's default does for a driver
 * written against its first version: leased_by stays null, and a bad holder is not refused.
 */
final class IgnoresHolderDriver extends ForwardingDriver {

  @Override
  public List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease, @Nullable String holder) {
    return delegate.reserve(queue, max, now, lease);
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new IgnoresHolderDriver();
    }
  }
}
