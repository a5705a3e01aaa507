package io.taskharbor.engine.internal;

import io.taskharbor.api.CancelRequestedException;
import io.taskharbor.api.JobStateException;
import io.taskharbor.spi.Driver;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timers of a worker: each held job's heartbeat and timeout, and the fence that gives up jobs whose lease is
 * about to run out.
 *
 * <p><b>Why the fence is separate.</b> A heartbeat that cannot reach the driver only logs and tries again at the next
 * interval, and a driver call may hang for a long time when the network is cut. Meanwhile the lease runs out, and a
 * worker that still reaches the database may take the job and run it too. So one sweeper thread of its own, that never
 * calls the driver, looks at the held jobs every half margin (at most every heartbeat interval) and gives up, by the
 * worker's own clock, every job whose lease ends within the {@link RuntimeSettings#leaseSafetyMargin() safety
 * margin}: its handler is cancelled and nothing is reported, so two executions of one job never overlap because of a
 * partition. A sweep over the few held jobs costs less than a timer per job on the hot path.
 */
final class Heartbeats {
  private static final Logger log = LoggerFactory.getLogger("io.taskharbor.engine.Worker");

  private final RuntimeSettings settings;
  private final Driver driver;
  private final Supplier<Instant> now;
  private final Listeners listeners;
  private final Collection<RunningJob> held;
  private final BiConsumer<RunningJob, String> lost;
  private final Consumer<RunningJob> cancelRequested;
  private final NodeLease node;
  private final ScheduledThreadPoolExecutor timers;
  private final ScheduledThreadPoolExecutor fence;

  /**
   * @param held the jobs the worker holds (the fence sweeps them)
   * @param lost called with a job whose outcome the caller already claimed because its lease is lost, and why
   * @param cancelRequested called with a job an administrator asked to cancel (its lease is still valid)
   */
  Heartbeats(RuntimeSettings settings, Driver driver, Supplier<Instant> now, Listeners listeners,
      Collection<RunningJob> held, BiConsumer<RunningJob, String> lost, Consumer<RunningJob> cancelRequested,
      NodeLease node) {
    this.settings = settings;
    this.driver = driver;
    this.now = now;
    this.listeners = listeners;
    this.held = held;
    this.lost = lost;
    this.cancelRequested = cancelRequested;
    this.node = node;
    this.timers = new ScheduledThreadPoolExecutor(2, WorkerRuntime.daemons(settings.name() + "-heartbeat-"));
    this.timers.setRemoveOnCancelPolicy(true);
    this.fence = new ScheduledThreadPoolExecutor(1, WorkerRuntime.daemons(settings.name() + "-fence-"));
  }

  void start() {
    long margin = settings.leaseSafetyMargin().toNanos();
    long every = Math.max(1_000_000, Math.min(settings.heartbeatInterval().toNanos(), margin / 2));
    fence.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.NANOSECONDS);
  }

  /** Starts the heartbeat of a job just reserved. */
  void track(RunningJob job) {
    long every = settings.heartbeatInterval().toNanos();
    job.heartbeat(timers.scheduleWithFixedDelay(() -> beat(job), every, every, TimeUnit.NANOSECONDS));
  }

  /** Runs {@code action} once the job's timeout has passed (unless its timers stop first). */
  void timeout(RunningJob job, Duration timeout, Runnable action) {
    job.timeout(timers.schedule(action, timeout.toNanos(), TimeUnit.NANOSECONDS));
  }

  /**
   * Returns whether {@code job}'s lease, as last confirmed, still holds beyond the safety margin at {@code at}: the
   * job's own lease, and in distributed mode the node's, since once the others count this node dead the leader
   * ends its leases early.
   */
  boolean leaseHolds(RunningJob job, Instant at) {
    return at.isBefore(holdsUntil(job).minus(settings.leaseSafetyMargin()));
  }

  private Instant holdsUntil(RunningJob job) {
    Instant own = job.leaseExpiresAt();
    Instant nodeAlive = node.aliveUntil();
    return nodeAlive.isBefore(own) ? nodeAlive : own;
  }

  private void beat(RunningJob job) {
    if (job.timersStopped() || job.outcomeClaimed() && !held.contains(job)) {
      job.stopTimers();
      return;
    }
    try {
      job.leaseExtendedTo(driver.extendLease(job.id(), job.token(), now.get(), settings.leaseDuration()));
    } catch (CancelRequestedException e) {
      cancelRequested.accept(job);
    } catch (JobStateException e) {
      if (job.claimOutcome()) {
        lost.accept(job, e.getMessage());
      } else {
        job.stopTimers(); // the outcome is being written; the lease no longer matters
      }
    } catch (RuntimeException e) {
      listeners.storageError("extendLease", e);
      log.warn("{}: heartbeat for job {} failed, will retry (the job is given up {} before its lease ends at {}): {}",
          settings.name(), job.id(), settings.leaseSafetyMargin(), job.leaseExpiresAt(), e.toString());
    }
  }

  /** Extends the job's lease now, on a timer thread, instead of at its next heartbeat (a cancel may be waiting). */
  void beatNow(RunningJob job) {
    if (!job.timersStopped()) {
      timers.execute(() -> beat(job));
    }
  }

  /** Gives up every held job whose lease ends within the safety margin: its heartbeats could not extend it in time. */
  private void sweep() {
    try {
      Instant at = now.get();
      for (RunningJob job : held) {
        if (!job.outcomeClaimed() && !leaseHolds(job, at) && job.claimOutcome()) {
          lost.accept(job, "its lease ends at " + holdsUntil(job) + " and could not be extended in time (now "
              + at + ", safety margin " + settings.leaseSafetyMargin() + ")");
        }
      }
    } catch (RuntimeException e) {
      log.error("{}: the lease fence failed; will run again", settings.name(), e);
    }
  }

  /** Stops every timer at once. */
  void stop() {
    fence.shutdownNow();
    timers.shutdownNow();
  }
}
