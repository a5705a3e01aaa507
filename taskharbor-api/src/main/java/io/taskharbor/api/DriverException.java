package io.taskharbor.api;

import org.jspecify.annotations.Nullable;

/**
 * The storage behind a driver failed. {@link #isTransient()} tells whether the same call may succeed if tried again
 * later (a dropped connection, a timeout, a serialization failure) or not (a missing table, a permission error).
 */
public class DriverException extends TaskHarborException {
  private static final long serialVersionUID = 1L;
  private final boolean transientFailure;

  public DriverException(String message, @Nullable Throwable cause, boolean transientFailure) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  /** Returns whether trying the same call again later may succeed. */
  public boolean isTransient() {
    return transientFailure;
  }
}
