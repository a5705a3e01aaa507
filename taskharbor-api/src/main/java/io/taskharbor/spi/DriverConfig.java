package io.taskharbor.spi;

import java.net.URI;
import java.net.URISyntaxException;
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

  /**
   * Returns the config, with no options, of a driver URI given as text, as {@link Drivers#open(String)} reads it: a
   * bare scheme such as {@code "memory:"}, which {@link URI} cannot hold, becomes the equivalent {@code "memory:/"};
   * a string that {@link URI} refuses only for characters it cannot hold raw (a space or a {@code [} in a password,
   * say) is taken with those characters percent-encoded ({@link ConnectionString#uriSafe()}), which a driver that
   * decodes percent-escapes reads as the same values.
   *
   * @throws IllegalArgumentException if {@code uri} is not a URI even so; the message shows it {@linkplain
   *     ConnectionString#redact redacted} and holds no cause that could show it whole
   */
  public static DriverConfig of(String uri) {
    Objects.requireNonNull(uri, "uri");
    String trimmed = uri.trim();
    if (trimmed.matches("[A-Za-z][A-Za-z0-9+.-]*:")) {
      return of(URI.create(trimmed + "/"));
    }
    String reason;
    try {
      return of(new URI(trimmed));
    } catch (URISyntaxException e) {
      // e's message holds the whole string: keep only the reason, and never e itself as a cause.
      reason = e.getReason();
    }
    ConnectionString split = null;
    try {
      split = ConnectionString.parse(trimmed);
    } catch (IllegalArgumentException e) {
      // not even a scheme: reported below
    }
    if (split != null) {
      try {
        split.rawUser().ifPresent(user -> ConnectionString.decode(user, "user"));
        split.rawPassword().ifPresent(password -> ConnectionString.decode(password, "password"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("driver URI '" + ConnectionString.redact(trimmed) + "' has a "
            + e.getMessage());
      }
      String safe = split.uriSafe().orElse(null);
      if (safe != null) {
        try {
          return of(new URI(safe));
        } catch (URISyntaxException e) {
          reason = e.getReason();
        }
      } else {
        reason = "it " + split.ambiguity().orElse("cannot be split");
      }
    }
    throw new IllegalArgumentException("driver URI '" + ConnectionString.redact(trimmed) + "' is not a valid URI ("
        + reason
        + "): use e.g. memory: or postgres://user:password@host:5432/db, percent-encoding what the parts cannot "
        + "hold (a '@' in the database name or query as %40)");
  }

  /**
   * Returns the URI with any password and other sensitive value replaced by {@code REDACTED}, as {@link
   * ConnectionString#redact} shows a connection string.
   */
  public String redactedUri() {
    return ConnectionString.redact(uri.toString());
  }

  /**
   * Returns {@code text}, a connection string or any other text such as an error message, with its credentials
   * redacted. A connection string is redacted as {@link ConnectionString#redact} decides: the password of the user
   * info and every password, secret or token query value are replaced by {@code REDACTED}, and everything after the
   * scheme is when the user info cannot be found reliably. A {@code jdbc:} URL's query password runs to the end of
   * the string here, as the generic split knows no driver's keys: more is hidden, never less.
   *
   * <p>In other text, a connection string (from a scheme followed by {@code ://} to the end of the text) is redacted
   * as above, and so is text that is a connection string as a whole: it starts with a scheme directly followed by
   * something other than white space (so {@code "FATAL: ..."} is a message), or with {@code //}, or is a single word.
   * In any text, whatever follows {@code password=}, {@code secret=} or {@code token=} (in any case) is redacted to
   * the end.
   */
  public static String redact(String text) {
    Objects.requireNonNull(text, "text");
    int sep = text.indexOf("://");
    int start = sep < 0 ? -1 : schemeStart(text, sep);
    if (start >= 0) {
      return ConnectionString.redactAssignments(text.substring(0, start))
          + ConnectionString.redact(text.substring(start));
    }
    String trimmed = text.trim();
    boolean connectionString = trimmed.matches("(?s)[A-Za-z][A-Za-z0-9+.-]*:(\\S.*)?") || trimmed.startsWith("//")
        || !trimmed.isEmpty() && trimmed.chars().noneMatch(Character::isWhitespace);
    return connectionString ? ConnectionString.redact(trimmed) : ConnectionString.redactAssignments(text);
  }

  /** Returns where the scheme before {@code "://"} at {@code sep} starts (with a {@code jdbc:} prefix), or -1. */
  private static int schemeStart(String text, int sep) {
    int start = sep;
    while (start > 0 && isSchemeChar(text.charAt(start - 1))) {
      start--;
    }
    while (start < sep && !isLetter(text.charAt(start))) {
      start++;
    }
    if (start == sep) {
      return -1;
    }
    if (start >= 5 && text.regionMatches(true, start - 5, "jdbc:", 0, 5)) {
      start -= 5;
    }
    return start;
  }

  private static boolean isSchemeChar(char c) {
    return isLetter(c) || c >= '0' && c <= '9' || c == '+' || c == '.' || c == '-';
  }

  private static boolean isLetter(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
  }

  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    options.forEach((k, v) -> shown.put(k, isSensitive(k) ? "REDACTED" : v));
    return "DriverConfig[uri=" + redactedUri() + ", options=" + shown + "]";
  }

  private static boolean isSensitive(String key) {
    return ConnectionString.isSensitiveKey(key);
  }
}
