package io.taskharbor.engine;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by a handler when retrying cannot help (a malformed order, a deleted account): the job moves to the
 * dead-letter queue at once with {@link #getMessage()} as its reason, whatever attempts remain.
 */
public class PermanentFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates a permanent failure with a reason that says why retrying cannot help. */
  public PermanentFailure(String reason) {
    this(reason, null);
  }

  /** Creates a permanent failure with a reason and the error that caused it. */
  public PermanentFailure(String reason, @Nullable Throwable cause) {
    super(requireReason(reason), cause);
  }

  private static String requireReason(String reason) {
    Objects.requireNonNull(reason, "reason must not be null: say why the job cannot succeed");
    if (reason.isBlank()) {
      throw new IllegalArgumentException("reason must not be blank: say why the job cannot succeed");
    }
    return reason;
  }
}
