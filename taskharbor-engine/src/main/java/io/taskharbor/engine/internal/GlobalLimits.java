package io.taskharbor.engine.internal;

import io.taskharbor.spi.Driver;
import io.taskharbor.spi.QueueControls;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which queues have a global concurrency limit ({@link QueueControls}), read from the driver at most once per
 * {@code refreshNanos} per queue. A worker that stores the outcome of such a queue's job wakes its fetcher: the room
 * the job leaves appears only then, and without the wake-up the next reserve would wait for the poll interval (a
 * serial queue would run one job per poll).
 */
final class GlobalLimits {
  private static final Logger log = LoggerFactory.getLogger("io.taskharbor.engine.Worker");

  private record Known(boolean limited, long readAt) {}

  private final Optional<QueueControls> controls;
  private final LongSupplier nanoTime;
  private final long refreshNanos;
  private final Map<String, Known> known = new ConcurrentHashMap<>();

  GlobalLimits(Driver driver, LongSupplier nanoTime, long refreshNanos) {
    this.controls = driver.extension(QueueControls.class);
    this.nanoTime = nanoTime;
    this.refreshNanos = refreshNanos;
  }

  /** Whether {@code queue} had a global concurrency limit when last read; false on a driver without the extension. */
  boolean limited(String queue) {
    if (controls.isEmpty()) {
      return false;
    }
    long now = nanoTime.getAsLong();
    Known k = known.get(queue);
    if (k != null && now - k.readAt() < refreshNanos) {
      return k.limited();
    }
    boolean limited;
    try {
      limited = controls.get().settings(queue).concurrencyLimit() != null;
    } catch (RuntimeException e) {
      log.debug("cannot read the settings of queue {}: {}", queue, e.toString());
      limited = k != null && k.limited();
    }
    known.put(queue, new Known(limited, now));
    return limited;
  }
}
