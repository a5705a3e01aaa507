package io.taskharbor.spi;

import java.net.URI;

/**
 * The entry point of a driver jar, listed in {@code META-INF/services/io.taskharbor.spi.DriverProvider}. Providers are
 * cheap and stateless: {@link Drivers} instantiates every one on the class path to ask {@link #accepts}.
 * Implementations need a public no-argument constructor.
 */
public interface DriverProvider {

  /**
   * The version of the driver SPI that this {@code taskharbor-api} defines. It grows when a change would make a
   * driver built for the previous version misbehave; additions with defaults (a new {@link Driver#extension
   * extension}, a new builder field) do not change it.
   */
  int SPI_VERSION = 2;

  /**
   * Returns the SPI version this driver was built for. Implement it as {@code return DriverProvider.SPI_VERSION;}:
   * the compiler copies the constant into the provider, so the value records the SPI the driver was compiled
   * against. {@link Drivers} refuses a driver built for another version with an {@link
   * io.taskharbor.api.IncompatibleDriverException}. The default, 1, is the version before versioning.
   */
  default int spiVersion() {
    return 1;
  }

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
