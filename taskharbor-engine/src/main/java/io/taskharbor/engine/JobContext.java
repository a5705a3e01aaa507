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
   * Returns true once the handler should stop: the lease was lost, the job's timeout passed, or the worker is
   * shutting down. The handler's thread is also interrupted. Its outcome is then decided by the worker.
   */
  boolean isCancelled();

  /** Stores {@code result} (encoded as JSON) with the job when this execution succeeds; null clears it. */
  void setResult(@Nullable Object result);

  /** Returns a logger; the job's id, type, queue and attempt are in the MDC. */
  Logger logger();
}
