package io.taskharbor.engine;

import io.taskharbor.api.JobId;
import java.util.Objects;

/**
 * One failed execution, as an {@link ErrorHandler} hears of it.
 *
 * @param queue the job's queue
 * @param id the job
 * @param type the job's type
 * @param attempt the attempt that failed, 1 for the first
 * @param maxAttempts the most attempts the job may have
 * @param error what failed
 */
public record JobFailure(String queue, JobId id, String type, int attempt, int maxAttempts, Throwable error) {
  public JobFailure {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(error, "error");
  }

  /** Returns whether the job gets another attempt (else it goes to the dead-letter queue). */
  public boolean willRetry() {
    return attempt < maxAttempts && !(error instanceof PermanentFailure);
  }
}
