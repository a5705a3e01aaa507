package io.taskharbor.micrometer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.NamingConvention;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the seed's name {@code workers_total} for the gauge of alive nodes on registries whose naming convention
 * would strip the {@code _total} (Micrometer's Prometheus convention since 1.13 reserves it for counters, and turns
 * the gauge {@code workers.total} into {@code workers}). It wraps such a registry's convention so that this one
 * meter name, as a gauge, keeps its suffix; every other name goes to the wrapped convention unchanged.
 */
final class WorkersTotalName implements NamingConvention {
  private final NamingConvention delegate;

  private WorkersTotalName(NamingConvention delegate) {
    this.delegate = delegate;
  }

  /** Wraps the convention of {@code registry} (of each registry a composite holds) where it would strip the name. */
  static void keep(MeterRegistry registry) {
    if (registry instanceof CompositeMeterRegistry composite) {
      for (MeterRegistry child : composite.getRegistries()) {
        keep(child);
      }
      return;
    }
    NamingConvention convention = registry.config().namingConvention();
    if (convention instanceof WorkersTotalName) {
      return;
    }
    String kept = convention.name(TaskHarborMetrics.WORKERS_TOTAL, Meter.Type.GAUGE, null);
    String stripped = convention.name(TaskHarborMetrics.WORKERS_TOTAL_STEM, Meter.Type.GAUGE, null);
    if (kept.equals(stripped)) {
      registry.config().namingConvention(new WorkersTotalName(convention));
    }
  }

  @Override
  public String name(String name, Meter.Type type, @Nullable String baseUnit) {
    if (type == Meter.Type.GAUGE && name.equals(TaskHarborMetrics.WORKERS_TOTAL)) {
      return delegate.name(TaskHarborMetrics.WORKERS_TOTAL_STEM, type, baseUnit) + "_total";
    }
    return delegate.name(name, type, baseUnit);
  }

  @Override
  public String tagKey(String key) {
    return delegate.tagKey(key);
  }

  @Override
  public String tagValue(String value) {
    return delegate.tagValue(value);
  }
}
