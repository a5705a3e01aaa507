package io.taskharbor.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The gauges of one name whose values come from a snapshot (the aggregate read), one gauge per combination of tag
 * values. A scrape reads a cell's last value and nothing else. A combination seen once stays, at 0, when a later
 * snapshot lacks it, so that its graph falls to zero instead of ending; {@link #clear()} removes them all. Not
 * thread-safe: the owner guards every call with one lock (the cells themselves are read by scrapes without it).
 */
final class GaugeFamily {

  /** One gauge's value, written under the owner's lock and read by scrapes. */
  static final class Cell {
    volatile double value;
  }

  private final String name;
  private final String description;
  private final @Nullable String baseUnit;
  private final List<String> tagKeys;
  private final Function<Gauge.Builder<Cell>, Meter> register;
  private final Map<List<String>, Cell> cells = new HashMap<>();
  private final Map<List<String>, Meter> meters = new HashMap<>();
  private final java.util.function.Consumer<Meter> remove;

  /**
   * @param register registers a built gauge with the owner's registry and returns it (the owner tracks it)
   * @param remove removes a gauge from the owner's registry
   */
  GaugeFamily(String name, String description, @Nullable String baseUnit, List<String> tagKeys,
      Function<Gauge.Builder<Cell>, Meter> register, java.util.function.Consumer<Meter> remove) {
    this.name = name;
    this.description = description;
    this.baseUnit = baseUnit;
    this.tagKeys = List.copyOf(tagKeys);
    this.register = register;
    this.remove = remove;
  }

  /** Sets every gauge to its value in {@code values} (keyed by tag values, in the order of the tag keys), else 0. */
  void update(Map<List<String>, Double> values) {
    for (Map.Entry<List<String>, Cell> known : cells.entrySet()) {
      if (!values.containsKey(known.getKey())) {
        known.getValue().value = 0;
      }
    }
    for (Map.Entry<List<String>, Double> entry : values.entrySet()) {
      Cell cell = cells.get(entry.getKey());
      if (cell == null) {
        cell = new Cell();
        cell.value = entry.getValue();
        Meter meter = register.apply(Gauge.builder(name, cell, c -> c.value).description(description)
            .baseUnit(baseUnit).tags(tags(entry.getKey())).strongReference(true));
        cells.put(entry.getKey(), cell);
        meters.put(entry.getKey(), meter);
      } else {
        cell.value = entry.getValue();
      }
    }
  }

  /** Removes every gauge of this family from the registry. */
  void clear() {
    for (Meter meter : meters.values()) {
      remove.accept(meter);
    }
    meters.clear();
    cells.clear();
  }

  /** Returns whether any gauge of this family is registered. */
  boolean isEmpty() {
    return meters.isEmpty();
  }

  private Tags tags(List<String> values) {
    Tags tags = Tags.empty();
    for (int i = 0; i < tagKeys.size(); i++) {
      tags = tags.and(tagKeys.get(i), values.get(i));
    }
    return tags;
  }
}
