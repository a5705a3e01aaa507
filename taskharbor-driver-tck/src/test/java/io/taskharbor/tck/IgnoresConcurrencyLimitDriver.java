package io.taskharbor.tck;

import io.taskharbor.api.QueueOverview;
import io.taskharbor.api.QueueSettings;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.JobControls;
import io.taskharbor.spi.QueueControls;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Broken on purpose (queue controls): it offers {@link QueueControls} and stores and shows every setting, but its
 * reserve ignores the concurrency limit, as a driver whose reserve never reads it. Pausing still works, and its job
 * controls are right.
 */
final class IgnoresConcurrencyLimitDriver extends ForwardingDriver {
  private final QueueControls inner = delegate.extension(QueueControls.class).orElseThrow();
  private final Map<String, QueueSettings> shown = new ConcurrentHashMap<>();
  private final QueueControls controls = new QueueControls() {
    @Override
    public QueueSettings settings(String queue) {
      QueueSettings stored = inner.settings(queue);
      return queue == null ? stored : shown.getOrDefault(queue, stored);
    }

    @Override
    public QueueSettings update(String queue, QueueSettings settings, Instant now) {
      inner.update(queue, settings == null ? null : settings.withConcurrencyLimit(null), now);
      shown.put(queue, settings);
      return settings;
    }

    @Override
    public List<QueueOverview> queues(Instant now) {
      return inner.queues(now).stream()
          .map(o -> new QueueOverview(o.queue(), settings(o.queue()), o.stats(), o.validLeases())).toList();
    }
  };

  /** Offers the model's {@link JobControls} too, so that the control sequences of PRP-04 run against it. */
  @Override
  public <T> Optional<T> extension(Class<T> type) {
    return type == JobControls.class ? delegate.extension(type) : offering(type, QueueControls.class, controls);
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new IgnoresConcurrencyLimitDriver();
    }
  }
}
