package io.taskharbor.spi;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobStateException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of one {@link Completion}: accepted, or refused with the exception that a single call would have thrown.
 *
 * @param id the job
 * @param refusal null when the completion took effect (or was a terminal no-op), else why it was refused
 */
public record Outcome(JobId id, @Nullable JobStateException refusal) {

  public Outcome {
    Objects.requireNonNull(id, "id");
  }

  /** Returns an accepted outcome. */
  public static Outcome ok(JobId id) {
    return new Outcome(id, null);
  }

  /** Returns a refused outcome. */
  public static Outcome refused(JobStateException refusal) {
    return new Outcome(refusal.jobId(), refusal);
  }

  /** Returns whether the completion took effect or was an idempotent no-op. */
  public boolean isOk() {
    return refusal == null;
  }
}
