package io.taskharbor.api;

/**
 * Where a job is in its life.
 *
 * <pre>
 *  enqueue ─► READY ─reserve─► INFLIGHT ─ack─► DONE
 *               ▲                 │ └─fail / last attempt─► DLQ ─requeue─► READY
 *               └────retry────────┘
 *  READY ─cancel─► CANCELED        READY ─pause─► PAUSED ─resume─► READY
 * </pre>
 *
 * A READY job whose run_at lies in the future is "scheduled"; it is still READY.
 */
public enum JobStatus {
  /** Waiting to be reserved, now or at its run_at. */
  READY,
  /** Leased by a worker until its lease expires. */
  INFLIGHT,
  /**
   * Held back by an administrator: never reserved until resumed, when it becomes READY again, due at its run_at.
   * Only drivers that offer {@code io.taskharbor.spi.JobControls} store it.
   */
  PAUSED,
  /** Finished successfully. Terminal. */
  DONE,
  /** Failed for good (dead-letter queue). Terminal until an administrator requeues it. */
  DLQ,
  /** Canceled before it ran. Terminal. */
  CANCELED;

  /** Returns whether no worker will ever run a job in this status again without an administrator's action. */
  public boolean isTerminal() {
    return this == DONE || this == DLQ || this == CANCELED;
  }
}
