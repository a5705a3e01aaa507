package io.taskharbor.api;

/**
 * The driver that accepts a URI was built for another version of the driver SPI than the {@code taskharbor-api} on
 * the class path. The message names the driver, its jar and both versions.
 */
public class IncompatibleDriverException extends TaskHarborException {
  private static final long serialVersionUID = 1L;
  private final String driver;
  private final int builtFor;
  private final int required;

  public IncompatibleDriverException(String message, String driver, int builtFor, int required) {
    super(message);
    this.driver = driver;
    this.builtFor = builtFor;
    this.required = required;
  }

  /** Returns the driver, as "name (class from location)". */
  public String driver() {
    return driver;
  }

  /** Returns the SPI version the driver was built for. */
  public int builtFor() {
    return builtFor;
  }

  /** Returns the SPI version of the {@code taskharbor-api} on the class path. */
  public int required() {
    return required;
  }
}
