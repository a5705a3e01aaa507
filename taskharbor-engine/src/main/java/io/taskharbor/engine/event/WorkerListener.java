package io.taskharbor.engine.event;

import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStateException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Hears what a worker does with jobs: every method has a no-op default, so a listener implements only what it needs
 * and keeps compiling when later versions add events. Metrics, tracing and dashboards subscribe here; the engine
 * itself depends on none of them.
 *
 * <p>The {@link JobRecord} passed is the job as it was reserved (INFLIGHT, with its attempt number in {@link
 * JobRecord#attempts()}); outcome events ({@link #succeeded}, {@link #retried}, {@link #deadLettered}, {@link
 * #snoozed}, {@link #released}) come once the driver accepted the outcome. For one job the events come in this
 * order: {@link #reserved}; {@link #started} once a handler thread takes it up; {@link #executed} once its outcome is
 * decided (the handler returned, its timeout passed, or shutdown gave it up); then one outcome event, or {@link
 * #completionRefused} instead. A job whose lease is lost has {@link #leaseLost} after {@link #started} (or after
 * {@link #reserved}, if it never started), and nothing else; a job released at shutdown before it started has {@link
 * #released} alone after {@link #reserved}.
 *
 * <p>Methods are called on the worker's own threads (fetch, handler, heartbeat and completer threads), concurrently,
 * so implementations must be thread-safe and quick: a slow listener slows the worker. An exception a listener throws
 * is logged and otherwise ignored; it never changes what happens to a job.
 */
public interface WorkerListener {

  /**
   * One reserve call returned, with the jobs it leased (possibly none).
   *
   * @param claimDuration how long the driver call took
   */
  default void reserved(String queue, List<JobRecord> jobs, Duration claimDuration) {}

  /** A handler thread started running the job. */
  default void started(JobRecord job) {}

  /**
   * The job's execution is over and its outcome decided, not yet stored: the handler returned or threw, or the job's
   * timeout passed, or shutdown gave it up. Not called for a job whose lease was lost.
   *
   * @param duration from {@link #started} until then
   */
  default void executed(JobRecord job, Duration duration) {}

  /**
   * An execution failed: the handler threw, its timeout passed, it failed permanently, or the job cannot run here (no
   * handler for its type, a payload that cannot be decoded). Called before the outcome (a retry or the DLQ) is
   * stored; {@code Worker.Builder.errorHandler} is built on this.
   *
   * @param error what failed
   */
  default void executionFailed(JobRecord job, Throwable error) {}

  /** The job's success was stored: it is DONE. */
  default void succeeded(JobRecord job) {}

  /**
   * A failed attempt was stored for another try.
   *
   * @param attempt the attempt that failed, {@code job.attempts()}
   * @param runAt when the job may run again
   * @param error the error as stored, or null
   */
  default void retried(JobRecord job, int attempt, Instant runAt, @Nullable String error) {}

  /**
   * The job was stored in the dead-letter queue: attempts exhausted, a permanent failure, an unknown type or a
   * payload that cannot be decoded.
   *
   * @param reason the DLQ reason as stored
   */
  default void deadLettered(JobRecord job, String reason) {}

  /**
   * The handler snoozed the job and that was stored: it runs again at {@code until}, its attempt not spent.
   */
  default void snoozed(JobRecord job, Instant until) {}

  /**
   * The worker gave the job back at shutdown, unfinished or (prefetched) unstarted, and that was stored: it is READY
   * again, its attempt not spent.
   */
  default void released(JobRecord job) {}

  /**
   * The worker lost the job's lease (the driver refused a heartbeat, the lease ran out while the job waited for a
   * thread, or the worker could not reach the driver in time to extend it): its handler is cancelled and no outcome
   * will be reported.
   */
  default void leaseLost(JobRecord job) {}

  /** An administrator's cancel of the running job was carried out and stored: it is CANCELED. */
  default void canceled(JobRecord job) {}

  /** The driver refused the job's outcome (another worker holds it now, or the lease expired first). */
  default void completionRefused(JobRecord job, JobStateException refusal) {}

  /**
   * A driver call failed; the worker retries it with backoff.
   *
   * @param operation {@code reserve}, {@code extendLease} or {@code complete}
   */
  default void storageError(String operation, RuntimeException error) {}
}
