package io.taskharbor.tck;

import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeasedJob;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Broken on purpose (arguments): reserve with a max below 1 answers an empty list instead of an {@link
 * IllegalArgumentException}, as with a driver that passes max to a LIMIT clause unchecked.
 */
final class AcceptsMaxZeroDriver extends ForwardingDriver {

  @Override
  public List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease,
      @org.jspecify.annotations.Nullable String holder) {
    return max < 1 ? List.of() : super.reserve(queue, max, now, lease, holder);
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new AcceptsMaxZeroDriver();
    }
  }
}
