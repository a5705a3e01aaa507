package io.taskharbor.engine.event;

import io.taskharbor.api.EnqueueResult;

/**
 * Hears what a client does: its enqueues, and everything every worker it makes does (the {@link WorkerListener}
 * events). Register it with {@code TaskHarbor.builder().listener(...)}; every method has a no-op default. The same
 * rules as for {@link WorkerListener} apply: thread-safe, quick, and an exception is logged and ignored.
 */
public interface TaskHarborListener extends WorkerListener {

  /**
   * An enqueue stored a job, or found the job that holds its idempotency key ({@code result.created() == false}).
   * Called once per job of a batch, after the driver call returned.
   */
  default void enqueued(String queue, String type, EnqueueResult result) {}
}
