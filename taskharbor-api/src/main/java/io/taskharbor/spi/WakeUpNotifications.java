package io.taskharbor.spi;

import io.taskharbor.api.JobId;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An optional driver extension ({@link Driver#extension(Class)}): the driver tells subscribers when jobs may have
 * become available in a queue (enqueued, retried, released or requeued), so that idle workers wake without waiting
 * for their poll interval. Notifications are hints: polling stays the safety net. Implementations are thread-safe.
 */
public interface WakeUpNotifications {

  /**
   * Registers a listener that is told, with a queue name, when jobs may have become available in that queue. The
   * listener must return quickly; it may be called from any thread, spuriously, or not at all.
   *
   * @return a handle whose {@code close()} unregisters the listener
   * @throws IllegalStateException if the driver is closed
   */
  Driver.Subscription subscribe(Consumer<String> listener);

  /**
   * Registers a listener that is told the id of a running job whose cancel was just requested
   * ({@link JobControls#requestCancel}), so that the worker holding it stops it at once instead of at its next
   * heartbeat. A hint like the others: the heartbeat stays the safety net. The default, for drivers written before
   * this method, tells nothing.
   *
   * @return a handle whose {@code close()} unregisters the listener
   * @throws IllegalStateException if the driver is closed
   */
  default Driver.Subscription subscribeCancels(Consumer<JobId> listener) {
    Objects.requireNonNull(listener, "listener must not be null");
    return () -> { };
  }
}
