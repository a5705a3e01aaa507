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

  /**
   * In distributed mode, this node became the leader ({@code leader}, with the new term) or stopped being it (the
   * term it held): it was deposed, its lease lapsed before it could renew it, or it resigned at stop.
   */
  default void leadershipChanged(String nodeId, boolean leader, long term) {}

  /**
   * In distributed mode, the leader ran its maintenance under {@code term}.
   *
   * @param recoveredJobs jobs of dead nodes whose leases it ended, so that they run again at once
   * @param removedNodes dead nodes it removed from the registry
   * @param purgedJobs finished jobs it deleted past their retention
   */
  default void maintained(String nodeId, long term, int recoveredJobs, int removedNodes, long purgedJobs) {}
}
