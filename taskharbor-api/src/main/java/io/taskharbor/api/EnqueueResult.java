package io.taskharbor.api;

import java.util.Objects;

/**
 * What an enqueue did.
 *
 * @param id the id of the stored job: the new job's, or the existing job's when the idempotency key was taken
 * @param created true when this call stored a new job, false when an existing job with the same (queue,
 *     idempotency key) was found and nothing was stored
 */
public record EnqueueResult(JobId id, boolean created) {
  public EnqueueResult {
    Objects.requireNonNull(id, "id");
  }
}
