package io.taskharbor.spi;

import io.taskharbor.api.QueueOverview;
import io.taskharbor.api.QueueSettings;
import java.time.Instant;
import java.util.List;

/**
 * An optional driver extension ({@link Driver#extension(Class)}): queue settings stored by the driver, the same for
 * every node, and an overview of every queue in one call.
 *
 * <h2>Rules</h2>
 *
 * A driver that offers this extension keeps them in {@link Driver#reserve}, atomically and race-free across clients:
 *
 * <ul>
 *   <li><b>Paused.</b> Reserve on a paused queue leases nothing (its sweep of expired last attempts still runs).
 *       Jobs already running go on.
 *   <li><b>Concurrency limit.</b> With a limit L, reserve leases at most {@code L - v} jobs, where v is the number of
 *       the queue's INFLIGHT jobs whose lease is valid at {@code now} (an expired lease does not count), and never
 *       lets two concurrent reserves together exceed L. A limit of 1 makes a serial queue: one job at a time, in
 *       reserve order.
 *   <li><b>Defaults cost nothing.</b> A queue with the default settings (running, no limit) reserves as fast as on
 *       a driver without this extension.
 * </ul>
 *
 * Settings apply to the queue's name whether or not it holds jobs, and outlive its jobs. Thread-safe.
 */
public interface QueueControls {

  /** Returns the queue's settings, {@link QueueSettings#DEFAULT} when never set. */
  QueueSettings settings(String queue);

  /**
   * Stores the queue's settings; the next reserve on any client honours them.
   *
   * @return the settings as stored
   */
  QueueSettings update(String queue, QueueSettings settings, Instant now);

  /**
   * Returns every queue that holds a job or has settings other than the defaults, ordered by name (by code point),
   * with its settings, its jobs by status at {@code now} and its valid leases: one consistent read.
   */
  List<QueueOverview> queues(Instant now);
}
