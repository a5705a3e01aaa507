package io.taskharbor.spi;

import java.net.URI;
import java.net.URISyntaxException;
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

  /**
   * Returns the config, with no options, of a driver URI given as text, as {@link Drivers#open(String)} reads it: a
   * bare scheme such as {@code "memory:"}, which {@link URI} cannot hold, becomes the equivalent {@code "memory:/"};
   * a string that {@link URI} refuses only for characters it cannot hold raw (a space or a {@code [} in a password,
   * say) is taken with those characters percent-encoded ({@link ConnectionString#uriSafe()}), which a driver that
   * decodes percent-escapes reads as the same values.
   *
   * @throws IllegalArgumentException if {@code uri} is not a URI even so; the message shows it {@linkplain #redact
   *     redacted} and holds no cause that could show it whole
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
        throw new IllegalArgumentException("driver URI '" + redact(trimmed) + "' has a " + e.getMessage());
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
    throw new IllegalArgumentException("driver URI '" + redact(trimmed) + "' is not a valid URI (" + reason
        + "): use e.g. memory: or postgres://user:password@host:5432/db, percent-encoding what the parts cannot "
        + "hold (a '@' in the database name or query as %40)");
  }

  /** Returns the URI with any password and other sensitive value replaced by {@code REDACTED}; see {@link #redact}. */
  public String redactedUri() {
    return redact(uri.toString());
  }

  /**
   * Returns {@code text} with its credentials redacted, as {@link ConnectionString#redacted()} decides: the password
   * of the user info and every password, secret or token query value are replaced by {@code REDACTED}, and
   * everything after the scheme is when the user info cannot be found reliably. A {@code jdbc:} URL's query password
   * runs to the end of the string here, as the generic split knows no driver's keys: more is hidden, never less.
   *
   * <p>Text that does not start with a scheme, such as an error message or a connection string with a mistyped
   * scheme, is redacted more: a connection string in it (from a scheme followed by {@code ://} to the end of the
   * text) as above; a string that starts with {@code //} as if it had a scheme; otherwise whatever lies between the
   * first {@code :} and the last {@code @}, where a user info's password would. In any text, whatever follows {@code
   * password=}, {@code secret=} or {@code token=} (in any case) is redacted to the end.
   */
  public static String redact(String text) {
    Objects.requireNonNull(text, "text");
    int sep = text.indexOf("://");
    int start = sep < 0 ? -1 : schemeStart(text, sep);
    if (start >= 0) {
      String before = text.substring(0, start);
      return redactFreeText(redactUserInfo(before) + ConnectionString.parse(text.substring(start)).redacted());
    }
    String trimmed = text.trim();
    if (trimmed.matches("(?s)[A-Za-z][A-Za-z0-9+.-]*:.*")) {
      return redactFreeText(ConnectionString.parse(trimmed).redacted());
    }
    if (trimmed.startsWith("//")) {
      return redactFreeText(ConnectionString.parse("x:" + trimmed).redacted().substring(2));
    }
    return redactFreeText(redactUserInfo(text));
  }

  /**
   * Returns text without a scheme with the text between its first {@code :} and its last {@code @} redacted, as the
   * password of a user info would be; text without a {@code :} before a {@code @} as it is.
   */
  private static String redactUserInfo(String text) {
    int at = text.lastIndexOf('@');
    int colon = text.indexOf(':');
    if (at < 0 || colon < 0 || colon > at) {
      return text;
    }
    return text.substring(0, colon + 1) + ConnectionString.REDACTED + text.substring(at);
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

  /** Redacts everything after the first {@code password=}, {@code secret=} or {@code token=} (any case). */
  private static String redactFreeText(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    int cut = -1;
    for (String key : new String[] {"password=", "secret=", "token="}) {
      int i = lower.indexOf(key);
      if (i >= 0 && (cut < 0 || i + key.length() < cut)) {
        cut = i + key.length();
      }
    }
    return cut < 0 ? text : text.substring(0, cut) + ConnectionString.REDACTED;
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
