package io.taskharbor.driver.memory;

import io.taskharbor.spi.Driver;
import io.taskharbor.spi.DriverConfig;
import io.taskharbor.spi.DriverProvider;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Opens {@link MemoryDriver}s for URIs with the scheme {@code memory} ({@code memory:}, {@code memory:tests}). Every
 * {@link #open} returns a new driver over new, empty storage. Options ({@link MemoryDriver.Builder}) come from the
 * URI's query, {@code memory:?maxPayloadBytes=2048}, and from {@link DriverConfig#options()}, by the same names, as
 * for the PostgreSQL driver; an unknown option or a bad value is an {@link IllegalArgumentException} naming it.
 * Stateless and cheap, as {@code ServiceLoader} needs.
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
    Map<String, String> options = new LinkedHashMap<>(queryOptions(config));
    config.options().forEach((key, value) -> {
      String inUri = options.get(key);
      if (inUri != null && !inUri.equals(value)) {
        throw new IllegalArgumentException("option " + key + " is set to '" + inUri + "' in the URI and to '" + value
            + "' in the driver configuration: set it in one place");
      }
      options.put(key, value);
    });
    MemoryDriver.Builder builder = MemoryDriver.builder();
    options.forEach(builder::option);
    return builder.build();
  }

  /**
   * Returns the options in the URI's query. A URI such as {@code memory:?k=v} is opaque, and {@link URI#getQuery()}
   * sees no query in it, so the query is read from the scheme-specific part.
   */
  private static Map<String, String> queryOptions(DriverConfig config) {
    String part = config.uri().getRawSchemeSpecificPart();
    int q = part == null ? -1 : part.indexOf('?');
    Map<String, String> options = new LinkedHashMap<>();
    if (q < 0) {
      return options;
    }
    for (String pair : part.substring(q + 1).split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq), config);
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), config);
      if (options.putIfAbsent(key, value) != null) {
        throw new IllegalArgumentException("the URI " + config.redactedUri() + " sets the option " + key
            + " more than once: set it once");
      }
    }
    return options;
  }

  /** Decodes percent-escapes as UTF-8; a {@code +} stays a plus. */
  private static String decode(String raw, DriverConfig config) {
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the URI " + config.redactedUri() + " has a malformed percent-escape in its "
          + "query: write % as %25", e);
    }
  }
}
