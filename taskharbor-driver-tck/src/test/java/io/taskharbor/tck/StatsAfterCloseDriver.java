package io.taskharbor.tck;

import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.Driver;
import java.time.Instant;

/**
 * Broken on purpose (closed driver): stats still answer after close (all zero), as with a driver whose stats read a
 * cache that close does not guard.
 */
final class StatsAfterCloseDriver extends ForwardingDriver {
  private volatile boolean closed;

  @Override
  public QueueStats stats(String queue, Instant now) {
    return closed && queue != null ? QueueStats.empty(queue) : super.stats(queue, now);
  }

  @Override
  public void close() {
    closed = true;
    super.close();
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new StatsAfterCloseDriver();
    }
  }
}
