package io.taskharbor.engine;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * One execution of a job, as its handler sees it. Valid only during the handler call; not thread-safe except {@link
 * #isCancelled()}, which any thread may read.
 *
 * @param <P> the payload type
 */
public interface JobContext<P> {

  /** Returns the job's id. */
  JobId id();

  /** Returns the job's type. */
  String type();

  /** Returns the job's queue. */
  String queue();

  /** Returns this execution's number: 1 for the first, counting crash recoveries. */
  int attempt();

  /** Returns the most executions the job may have. */
  int maxAttempts();

  /** Returns the payload, decoded into the type the handler declared. */
  P payload();

  /** Returns the job as stored when it was reserved. */
  JobRecord record();

  /** Returns until when this worker holds the job; heartbeats move it forward. */
  Instant leaseExpiresAt();

  /**
   * Returns true once the handler should stop: the lease was lost, the job's timeout passed, an administrator canceled
   * the job, or the worker is shutting down. The handler's thread is also interrupted. Its outcome is then decided by the worker.
   */
  boolean isCancelled();

  /** Stores {@code result} (encoded as JSON) with the job when this execution succeeds; null clears it. */
  void setResult(@Nullable Object result);

  /**
   * Appends a timestamped line to the job's details log, kept with the job when this attempt's outcome is stored and
   * shown with it ({@code JobRecord.details()}), across attempts. Bounded: a line is cut at {@value
   * io.taskharbor.api.Detail#MAX_LINE_LENGTH} characters, and a job keeps its newest {@value
   * io.taskharbor.api.Detail#MAX_LINES} lines within {@value io.taskharbor.api.Detail#MAX_BYTES} bytes, the oldest
   * dropped with a marker line. Lines of an attempt whose outcome is not stored (a lost lease) are lost with it.
   *
   * @throws IllegalArgumentException if the line holds a NUL character or an unpaired surrogate
   */
  void log(String line);

  /** Returns a logger; the job's id, type, queue and attempt are in the MDC. */
  Logger logger();
}
