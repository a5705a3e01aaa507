package io.taskharbor.api;

import java.util.Objects;

/**
 * Counts of one queue's jobs by status at an instant.
 *
 * @param queue the queue
 * @param ready READY jobs that are due (run_at at or before the instant)
 * @param scheduled READY jobs whose run_at is after the instant
 * @param inflight INFLIGHT jobs, whether or not their lease is still valid
 * @param done DONE jobs not yet purged
 * @param dlq jobs in the dead-letter queue
 * @param canceled CANCELED jobs not yet purged
 */
public record QueueStats(String queue, long ready, long scheduled, long inflight, long done, long dlq, long canceled) {
  public QueueStats {
    Objects.requireNonNull(queue, "queue");
  }

  /** Returns the number of jobs of the queue in any status. */
  public long total() {
    return ready + scheduled + inflight + done + dlq + canceled;
  }
}
