package io.taskharbor.api;

import org.jspecify.annotations.Nullable;

/**
 * A leader-only call presented a term that is not the current, valid one: another node leads now, or the caller's
 * lease lapsed. Nothing was changed. A node that gets this must stop acting as leader.
 */
public class StaleTermException extends TaskHarborException {
  private static final long serialVersionUID = 1L;
  private final String name;
  private final long term;
  private final long currentTerm;
  private final @Nullable String currentHolder;

  public StaleTermException(String name, long term, long currentTerm, @Nullable String currentHolder) {
    super("term " + term + " of leadership '" + name + "' is not the current valid term (current term " + currentTerm
        + (currentHolder == null ? ", no holder" : ", held by " + currentHolder) + "): stop acting as leader");
    this.name = name;
    this.term = term;
    this.currentTerm = currentTerm;
    this.currentHolder = currentHolder;
  }

  /** Returns what the leadership is for. */
  public String name() {
    return name;
  }

  /** Returns the term the refused call presented. */
  public long term() {
    return term;
  }

  /** Returns the current term (0 if none was ever granted). */
  public long currentTerm() {
    return currentTerm;
  }

  /** Returns the current holder, or null if none. */
  public @Nullable String currentHolder() {
    return currentHolder;
  }
}
