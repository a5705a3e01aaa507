package io.taskharbor.api;

import org.jspecify.annotations.Nullable;

/**
 * A call about a task definition was refused: the alias is unknown, already taken, deleted, or (to enqueue by it)
 * canceled. Nothing was changed. {@link #reason()} says which.
 */
public class DefinitionException extends TaskHarborException {
  private static final long serialVersionUID = 1L;

  /** Why a call about a definition was refused. */
  public enum Reason {
    /** No definition has the alias. */
    NOT_FOUND,
    /** A definition with the alias exists already (deleted ones keep theirs). */
    DUPLICATE,
    /** The definition is CANCELED. */
    CANCELED,
    /** The definition was deleted. */
    DELETED
  }

  private final String alias;
  private final Reason reason;

  public DefinitionException(String alias, Reason reason, @Nullable String what) {
    super(message(alias, reason, what));
    this.alias = alias;
    this.reason = reason;
  }

  private static String message(String alias, Reason reason, @Nullable String what) {
    String prefix = what == null ? "" : what + ": ";
    return prefix + switch (reason) {
      case NOT_FOUND -> "no task definition has the alias '" + alias + "': create it first";
      case DUPLICATE -> "a task definition with the alias '" + alias + "' exists already (deleted ones keep their "
          + "alias): pick another alias, or update that one";
      case CANCELED -> "the task definition '" + alias + "' is CANCELED: reactivate it before enqueueing by it";
      case DELETED -> "the task definition '" + alias + "' was deleted";
    };
  }

  /** Returns the alias the call named. */
  public String alias() {
    return alias;
  }

  /** Returns why the call was refused. */
  public Reason reason() {
    return reason;
  }
}
