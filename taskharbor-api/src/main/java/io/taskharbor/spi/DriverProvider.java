package io.taskharbor.spi;

import java.net.URI;

/**
 * The entry point of a driver jar, listed in {@code META-INF/services/io.taskharbor.spi.DriverProvider}. Providers are
 * cheap and stateless: {@link Drivers} instantiates every one on the class path to ask {@link #accepts}.
 * Implementations need a public no-argument constructor.
 */
public interface DriverProvider {

  /** Returns a short name, such as {@code "memory"} or {@code "postgres"}. */
  String name();

  /** Returns whether this provider can open a driver for {@code uri}; must not throw or connect. */
  boolean accepts(URI uri);

  /**
   * Opens a driver.
   *
   * @throws IllegalArgumentException if the configuration is invalid; the message names the bad part (never a
   *     password)
   * @throws io.taskharbor.api.DriverException if the storage cannot be reached
   */
  Driver open(DriverConfig config);
}
