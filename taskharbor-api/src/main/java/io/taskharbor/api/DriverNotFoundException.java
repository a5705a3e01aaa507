package io.taskharbor.api;

import java.util.List;

/** No driver on the class path accepts the given URI (or none is there at all). */
public class DriverNotFoundException extends TaskHarborException {
  private static final long serialVersionUID = 1L;
  private final List<String> available;

  public DriverNotFoundException(String message, List<String> available) {
    super(message);
    this.available = List.copyOf(available);
  }

  /** Returns the names of the drivers that were found. */
  public List<String> available() {
    return available;
  }
}
