package io.taskharbor.engine;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.spi.LeasedJob;
import java.time.Instant;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A job this worker holds, from reservation until its outcome is applied (or its lease is lost). Whoever first
 * {@link #claimOutcome() claims the outcome} (the handler, the timeout, shutdown or a lost lease) decides it; later
 * claims lose, so a job is finalised at most once.
 */
final class RunningJob {

  /** Why a job was cancelled. */
  enum CancelReason {
    LOST_LEASE,
    TIMEOUT,
    SHUTDOWN
  }

  final JobRecord record;
  final LeaseToken token;
  private volatile Instant leaseExpiresAt;
  private final AtomicReference<@Nullable CancelReason> cancelReason = new AtomicReference<>();
  private final AtomicBoolean outcomeClaimed = new AtomicBoolean();
  private @Nullable Thread thread;
  volatile @Nullable Future<?> heartbeat;
  volatile @Nullable Future<?> timeout;

  RunningJob(LeasedJob leased) {
    this.record = leased.job();
    this.token = leased.token();
    this.leaseExpiresAt = leased.leaseExpiresAt();
  }

  JobId id() {
    return record.id();
  }

  Instant leaseExpiresAt() {
    return leaseExpiresAt;
  }

  void leaseExtendedTo(Instant expiry) {
    this.leaseExpiresAt = expiry;
  }

  /** Returns true for the first caller only: that caller reports the job's outcome (or decides that none is sent). */
  boolean claimOutcome() {
    return outcomeClaimed.compareAndSet(false, true);
  }

  boolean outcomeClaimed() {
    return outcomeClaimed.get();
  }

  @Nullable CancelReason cancelReason() {
    return cancelReason.get();
  }

  boolean isCancelled() {
    return cancelReason.get() != null;
  }

  /** Cancels the handler (the first reason wins) and interrupts its thread if it is still running this job. */
  void cancel(CancelReason reason) {
    if (cancelReason.compareAndSet(null, reason)) {
      synchronized (this) {
        if (thread != null) {
          thread.interrupt();
        }
      }
    }
  }

  synchronized void bind(Thread handlerThread) {
    this.thread = handlerThread;
    if (cancelReason.get() != null) {
      handlerThread.interrupt();
    }
  }

  /** Detaches the handler thread, then clears any interrupt meant for this job so the next job starts clean. */
  void unbind() {
    synchronized (this) {
      this.thread = null;
    }
    Thread.interrupted();
  }

  /** Stops the heartbeat and the timeout: the job is no longer this worker's to keep. */
  void stopTimers() {
    Future<?> h = heartbeat;
    if (h != null) {
      h.cancel(false);
    }
    Future<?> t = timeout;
    if (t != null) {
      t.cancel(false);
    }
  }
}
