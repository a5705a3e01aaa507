package io.taskharbor.engine.internal;

import io.taskharbor.spi.Driver;
import io.taskharbor.spi.QueueControls;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which queues have a global concurrency limit ({@link QueueControls}), read from the driver at most once per
 * {@code refreshNanos} per queue. A worker that stores the outcome of such a queue's job wakes its fetcher: the room
 * the job leaves appears only then, and without the wake-up the next reserve would wait for the poll interval (a
 * serial queue would run one job per poll).
 *
 * <p>{@link #limited} is asked on the completer's path, once per stored outcome, so it never waits for the driver: it
 * answers from what it last read, and a read that is due runs on a thread of its own. A queue not read yet counts as
 * limited (the cost of a wrong guess is one spurious wake-up; the other guess would leave a serial queue's next job
 * waiting for the poll).
 */
final class GlobalLimits implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("io.taskharbor.engine.Worker");

  private record Known(boolean limited, long readAt) {}

  private final Optional<QueueControls> controls;
  private final LongSupplier nanoTime;
  private final long refreshNanos;
  private final Map<String, Known> known = new ConcurrentHashMap<>();
  private final Map<String, Boolean> reading = new ConcurrentHashMap<>();
  private final @Nullable ExecutorService reader;

  GlobalLimits(Driver driver, LongSupplier nanoTime, long refreshNanos, String name) {
    this.controls = driver.extension(QueueControls.class);
    this.nanoTime = nanoTime;
    this.refreshNanos = refreshNanos;
    this.reader = controls.isEmpty() ? null
        : Executors.newSingleThreadExecutor(WorkerRuntime.daemons(name + "-limits-"));
  }

  /** Whether {@code queue} had a global concurrency limit when last read; false on a driver without the extension. */
  boolean limited(String queue) {
    if (reader == null) {
      return false;
    }
    Known k = known.get(queue);
    if (k == null || nanoTime.getAsLong() - k.readAt() >= refreshNanos) {
      refresh(queue);
    }
    return k == null || k.limited();
  }

  private void refresh(String queue) {
    if (reading.putIfAbsent(queue, Boolean.TRUE) != null) {
      return; // a read of this queue is on its way
    }
    try {
      reader.execute(() -> {
        try {
          Known before = known.get(queue);
          boolean limited;
          try {
            limited = controls.orElseThrow().settings(queue).concurrencyLimit() != null;
          } catch (RuntimeException e) {
            log.debug("cannot read the settings of queue {}: {}", queue, e.toString());
            limited = before == null || before.limited();
          }
          known.put(queue, new Known(limited, nanoTime.getAsLong()));
        } finally {
          reading.remove(queue);
        }
      });
    } catch (RejectedExecutionException closed) {
      reading.remove(queue);
    }
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.shutdownNow();
    }
  }
}
