package io.taskharbor.driver.memory;

import io.taskharbor.spi.Driver;
import io.taskharbor.spi.DriverConfig;
import io.taskharbor.spi.DriverProvider;
import java.net.URI;

/**
 * Opens {@link MemoryDriver}s for URIs with the scheme {@code memory} ({@code memory:}, {@code memory:tests}). Every
 * {@link #open} returns a new driver over new, empty storage. Stateless and cheap, as {@code ServiceLoader} needs.
 */
public final class MemoryDriverProvider implements DriverProvider {

  /** The URI scheme this provider accepts. */
  public static final String SCHEME = "memory";

  /** Called by {@code ServiceLoader}. */
  public MemoryDriverProvider() {}

  @Override
  public String name() {
    return SCHEME;
  }

  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  @Override
  public boolean accepts(URI uri) {
    return SCHEME.equalsIgnoreCase(uri.getScheme());
  }

  @Override
  public Driver open(DriverConfig config) {
    if (!accepts(config.uri())) {
      throw new IllegalArgumentException("the memory driver accepts URIs like memory: but got " + config.redactedUri());
    }
    return new MemoryDriver();
  }
}
