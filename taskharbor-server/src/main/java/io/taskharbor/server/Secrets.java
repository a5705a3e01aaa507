package io.taskharbor.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keeps secrets out of what the service prints: logs, messages and endpoints. */
final class Secrets {

  static final String MASK = "****";

  /** Query parameters whose name holds "password" (pgjdbc's {@code password}, {@code sslpassword}, ...). */
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&][^=&]*password[^=&]*=)[^&#]*");

  private static final Pattern PASSWORD_VALUE = Pattern.compile("(?i)[?&][^=&]*password[^=&]*=([^&#]*)");

  private Secrets() {}

  /**
   * Returns the DSN with every password replaced by {@value #MASK}: the user info's ({@code user:password@host},
   * up to the last {@code @} before the query, so that an unescaped {@code @} in a password hides it whole) and
   * every query parameter whose name holds "password".
   */
  static String redactDsn(String dsn) {
    String out = dsn;
    int scheme = out.indexOf("://");
    if (scheme >= 0) {
      int query = out.indexOf('?', scheme);
      int end = query < 0 ? out.length() : query;
      int at = out.lastIndexOf('@', end - 1);
      if (at > scheme) {
        int colon = out.indexOf(':', scheme + 3);
        if (colon >= 0 && colon < at) {
          out = out.substring(0, colon + 1) + MASK + out.substring(at);
        }
      }
    }
    return PASSWORD_PARAMETER.matcher(out).replaceAll("$1" + MASK);
  }

  /**
   * Returns a message with the DSN's password replaced by {@value #MASK} wherever it occurs, raw or URL-decoded: a
   * last guard for messages of libraries the service does not control.
   */
  static String scrub(String message, String dsn) {
    String out = message;
    for (String secret : passwords(dsn)) {
      if (secret.length() >= 3) {
        out = out.replace(secret, MASK);
      }
    }
    return out;
  }

  private static List<String> passwords(String dsn) {
    List<String> found = new ArrayList<>();
    int scheme = dsn.indexOf("://");
    if (scheme >= 0) {
      int query = dsn.indexOf('?', scheme);
      int end = query < 0 ? dsn.length() : query;
      int at = dsn.lastIndexOf('@', end - 1);
      int colon = dsn.indexOf(':', scheme + 3);
      if (at > scheme && colon >= 0 && colon < at) {
        found.add(dsn.substring(colon + 1, at));
      }
    }
    Matcher parameter = PASSWORD_VALUE.matcher(dsn);
    while (parameter.find()) {
      found.add(parameter.group(1));
    }
    List<String> all = new ArrayList<>(found);
    for (String raw : found) {
      try {
        all.add(URLDecoder.decode(raw, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // not URL-encoded: the raw form is replaced already
      }
    }
    return all;
  }
}
