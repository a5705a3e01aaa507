package io.taskharbor.tck;

import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LiveJobs;
import io.taskharbor.spi.Statistics;
import java.time.Instant;
import java.util.Optional;

/**
 * Broken on purpose (statistics): it offers {@link Statistics}, but its due test is strict ({@code available_at <
 * now}), so a job due exactly at now is counted as scheduled and missing from oldestDue. Everything else is right.
 */
final class DueAtNowIsScheduledDriver extends ForwardingDriver {
  private final Statistics inner = delegate.extension(Statistics.class).orElseThrow();
  private final Statistics statistics = now -> {
    LiveJobs counted = inner.liveJobs(now.minusNanos(1_000));
    return new LiveJobs(now, counted.groups(), counted.oldestDue());
  };

  @Override
  public <T> Optional<T> extension(Class<T> type) {
    return type == Statistics.class ? Optional.of(type.cast(statistics)) : Optional.empty();
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new DueAtNowIsScheduledDriver();
    }
  }
}
