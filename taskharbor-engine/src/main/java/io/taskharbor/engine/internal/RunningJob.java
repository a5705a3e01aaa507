package io.taskharbor.engine.internal;

import io.taskharbor.api.Detail;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.spi.LeasedJob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A job this worker holds, from reservation until its outcome is applied (or its lease is lost). Whoever first
 * {@link #claimOutcome() claims the outcome} (the handler, the timeout, shutdown or a lost lease) decides it; later
 * claims lose, so a job is finalised at most once.
 */
public final class RunningJob {

  /** Why a job was cancelled. */
  public enum CancelReason {
    /** The lease was lost: refused by the driver, or about to run out while the driver could not be reached. */
    LOST_LEASE,
    /** The job's timeout passed. */
    TIMEOUT,
    /** The worker stopped and the shutdown timeout passed. */
    SHUTDOWN,
    /** An administrator asked to cancel the job. */
    CANCELED
  }

  private final JobRecord record;
  private final LeaseToken token;
  private volatile Instant leaseExpiresAt;
  private final AtomicReference<@Nullable CancelReason> cancelReason = new AtomicReference<>();
  private final AtomicBoolean outcomeClaimed = new AtomicBoolean();
  private @Nullable Thread thread;
  private volatile boolean timersStopped;
  /** {@link System#nanoTime()} when a handler thread took the job up; 0 until then. */
  private volatile long startedNanos;
  private final List<Detail> details = new ArrayList<>();
  private volatile @Nullable Future<?> heartbeat;
  private volatile @Nullable Future<?> timeout;

  RunningJob(LeasedJob leased) {
    this.record = leased.job();
    this.token = leased.token();
    this.leaseExpiresAt = leased.leaseExpiresAt();
  }

  /** Returns the job as it was reserved. */
  public JobRecord record() {
    return record;
  }

  /** Returns the job's id. */
  public JobId id() {
    return record.id();
  }

  LeaseToken token() {
    return token;
  }

  /** Returns until when this worker holds the job, as the driver last confirmed it. */
  public Instant leaseExpiresAt() {
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

  /** Returns why the handler was cancelled, or null while it is not. */
  public @Nullable CancelReason cancelReason() {
    return cancelReason.get();
  }

  /** Returns whether the handler should stop (lease lost, timed out, shutting down). Any thread may call it. */
  public boolean isCancelled() {
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

  void markStarted() {
    long t = System.nanoTime();
    startedNanos = t == 0 ? 1 : t;
  }

  /** Returns how long the job has run since a handler thread took it up, or null if it never started. */
  java.time.@Nullable Duration runningFor() {
    long t = startedNanos;
    return t == 0 ? null : java.time.Duration.ofNanos(System.nanoTime() - t);
  }

  /**
   * Appends a line to this attempt's details log: cut to {@link Detail#MAX_LINE_LENGTH} characters, the oldest lines
   * dropped beyond {@link Detail#MAX_LINES} (the driver applies the byte bound and the marker when it stores them).
   */
  public void log(Detail line) {
    synchronized (details) {
      details.add(line);
      if (details.size() > Detail.MAX_LINES) {
        details.remove(0);
      }
    }
  }

  /** Returns this attempt's details log so far. */
  List<Detail> details() {
    synchronized (details) {
      return List.copyOf(details);
    }
  }

  /** Keeps the job's next heartbeat, unless its timers were stopped meanwhile (then cancels it at once). */
  void heartbeat(Future<?> next) {
    heartbeat = next;
    if (timersStopped) {
      next.cancel(false);
    }
  }

  void timeout(Future<?> timer) {
    timeout = timer;
    if (timersStopped) {
      timer.cancel(false);
    }
  }

  boolean timersStopped() {
    return timersStopped;
  }

  /** Stops the heartbeat and the timeout for good: the job is no longer this worker's to keep. */
  void stopTimers() {
    timersStopped = true;
    Future<?> h = heartbeat;
    if (h != null) {
      h.cancel(false);
    }
    Future<?> t = timeout;
    if (t != null) {
      t.cancel(false);
    }
  }

  @Override
  public String toString() {
    return "RunningJob[" + record.type() + " " + record.id() + " attempt " + record.attempts() + "]";
  }
}
