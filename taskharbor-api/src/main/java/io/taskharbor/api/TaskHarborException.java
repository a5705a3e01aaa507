package io.taskharbor.api;

import org.jspecify.annotations.Nullable;

/** The root of TaskHarbor's unchecked exceptions. Messages carry the values involved and never a credential. */
public class TaskHarborException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TaskHarborException(String message) {
    super(message);
  }

  public TaskHarborException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
