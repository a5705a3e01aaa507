package io.taskharbor.engine;

/**
 * Runs jobs of one type. Returning acknowledges the job; throwing retries it (or dead-letters it when no attempts
 * remain); throw {@link PermanentFailure} to dead-letter it at once and {@link Snooze} to run it again later without
 * spending an attempt. A handler may be called again for a job it already ran (delivery is at least once), so it
 * should be idempotent. Called from the worker's handler threads, concurrently.
 *
 * @param <P> the payload type the handler declares, usually a record
 */
@FunctionalInterface
public interface JobHandler<P> {

  /** Runs one execution of a job. */
  void handle(JobContext<P> job) throws Exception;
}
