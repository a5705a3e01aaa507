package io.taskharbor.api;

import java.util.List;

/** Two or more drivers on the class path accept the same URI; the message names each and the jar it came from. */
public class AmbiguousDriverException extends TaskHarborException {
  private static final long serialVersionUID = 1L;
  private final List<String> candidates;

  public AmbiguousDriverException(String message, List<String> candidates) {
    super(message);
    this.candidates = List.copyOf(candidates);
  }

  /** Returns the competing drivers, each as "name (class from location)". */
  public List<String> candidates() {
    return candidates;
  }
}
