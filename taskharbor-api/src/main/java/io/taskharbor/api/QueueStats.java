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
 * @param paused PAUSED jobs
 */
public record QueueStats(
    String queue, long ready, long scheduled, long inflight, long done, long dlq, long canceled, long paused) {
  public QueueStats {
    Objects.requireNonNull(queue, "queue");
  }

  /** The counts as the first SPI version had them, with no paused jobs; build stats with {@link #builder} instead. */
  public QueueStats(String queue, long ready, long scheduled, long inflight, long done, long dlq, long canceled) {
    this(queue, ready, scheduled, inflight, done, dlq, canceled, 0);
  }

  /** Returns the counts of a queue with no jobs. */
  public static QueueStats empty(String queue) {
    return new QueueStats(queue, 0, 0, 0, 0, 0, 0, 0);
  }

  /**
   * Starts counts of {@code queue}, all zero. Drivers build stats this way: a count added in a later version defaults
   * to zero here, so code that builds stats keeps compiling, which the canonical constructor does not promise.
   */
  public static Builder builder(String queue) {
    return new Builder(queue);
  }

  /** A mutable builder of {@link QueueStats}; not thread-safe. */
  public static final class Builder {
    private final String queue;
    private long ready;
    private long scheduled;
    private long inflight;
    private long done;
    private long dlq;
    private long canceled;
    private long paused;

    private Builder(String queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
    }

    /** Sets the READY jobs that are due. */
    public Builder ready(long ready) {
      this.ready = ready;
      return this;
    }

    /** Sets the READY jobs whose run_at is later. */
    public Builder scheduled(long scheduled) {
      this.scheduled = scheduled;
      return this;
    }

    /** Sets the INFLIGHT jobs. */
    public Builder inflight(long inflight) {
      this.inflight = inflight;
      return this;
    }

    /** Sets the DONE jobs. */
    public Builder done(long done) {
      this.done = done;
      return this;
    }

    /** Sets the DLQ jobs. */
    public Builder dlq(long dlq) {
      this.dlq = dlq;
      return this;
    }

    /** Sets the CANCELED jobs. */
    public Builder canceled(long canceled) {
      this.canceled = canceled;
      return this;
    }

    /** Sets the PAUSED jobs. */
    public Builder paused(long paused) {
      this.paused = paused;
      return this;
    }

    /** Builds the counts. */
    public QueueStats build() {
      return new QueueStats(queue, ready, scheduled, inflight, done, dlq, canceled, paused);
    }
  }

  /** Returns the number of jobs of the queue in any status. */
  public long total() {
    return ready + scheduled + inflight + done + dlq + canceled + paused;
  }
}
