package io.taskharbor.spi;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What to open: a URI and driver-specific options. {@link #toString()} redacts credentials, so a config may be logged.
 *
 * @param uri the driver URI, such as {@code memory:} or {@code postgres://user@host/db}
 * @param options driver-specific options (keys and values as the driver documents them)
 */
public record DriverConfig(URI uri, Map<String, String> options) {

  public DriverConfig {
    Objects.requireNonNull(uri, "uri");
    options = Map.copyOf(Objects.requireNonNull(options, "options"));
  }

  /** Returns a config with no options. */
  public static DriverConfig of(URI uri) {
    return new DriverConfig(uri, Map.of());
  }

  /** Returns the option, if set. */
  public Optional<String> option(String key) {
    return Optional.ofNullable(options.get(key));
  }

  /** Returns the URI with any password replaced by {@code REDACTED}. */
  public String redactedUri() {
    return redact(uri.toString());
  }

  /** Returns {@code text} with the password of any {@code scheme://user:password@} and {@code password=} redacted. */
  public static String redact(String text) {
    return text.replaceAll("(://[^:/@\\s]*:)[^@/\\s]*@", "$1REDACTED@")
        .replaceAll("(?i)(password=)[^&\\s]*", "$1REDACTED");
  }

  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    options.forEach((k, v) -> shown.put(k, isSensitive(k) ? "REDACTED" : v));
    return "DriverConfig[uri=" + redactedUri() + ", options=" + shown + "]";
  }

  private static boolean isSensitive(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("secret") || k.contains("token");
  }
}
