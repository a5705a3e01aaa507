package io.taskharbor.driver.postgres;

import io.taskharbor.spi.ConnectionString;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.postgresql.PGProperty;

/**
 * A parsed DSN: the JDBC URL, the PostgreSQL JDBC driver properties (credentials included) and TaskHarbor's own
 * options. Accepts {@code postgres://user:pass@host:port/db?k=v}, {@code postgresql://...} and {@code
 * jdbc:postgresql://host:port/db?user=...&password=...}; several comma-separated hosts are passed on as the JDBC driver
 * takes them. The parts are found by {@link ConnectionString} (the user info is everything before the last {@code @};
 * a query password runs to the next {@code &} that starts a known key), and {@link #redacted()} is rendered from the
 * same split, so what this parser takes as the password is what is redacted. Percent-escapes are decoded in the user,
 * password, database and query keys and values, and {@code +} stays a plus. The password is kept out of the URL and out
 * of {@link #toString()}; every refusal names the bad part and shows the DSN redacted only.
 *
 * @param jdbcUrl the URL for the JDBC driver, without credentials or options
 * @param jdbcProperties connection properties for the JDBC driver: user, password and pass-through keys
 * @param options TaskHarbor's options found in the query string (see {@link Options#KEYS})
 * @param redacted the DSN as given, with any password replaced by {@code REDACTED}
 */
record Dsn(String jdbcUrl, Map<String, String> jdbcProperties, Map<String, String> options, String redacted) {

  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%25[A-Za-z0-9._~-]+)?");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

  Dsn {
    jdbcProperties = Collections.unmodifiableMap(new LinkedHashMap<>(jdbcProperties));
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /** Returns whether {@code dsn} has one of the accepted forms; never throws. */
  static boolean looksLikePostgres(String dsn) {
    String lower = dsn.trim().toLowerCase(Locale.ROOT);
    return lower.startsWith("postgres://") || lower.startsWith("postgresql://") || lower.startsWith("jdbc:postgresql:");
  }

  /**
   * Parses a DSN. Nothing is connected to: every malformed DSN is refused here.
   *
   * @throws IllegalArgumentException naming the bad part (never the password)
   */
  static Dsn parse(String dsn) {
    String text = dsn.trim();
    ConnectionString split;
    try {
      split = ConnectionString.parse(text, Dsn::isKnownKey);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("dsn '" + ConnectionString.redact(text) + "' is not a PostgreSQL DSN: use "
          + "postgres://user:password@host:5432/database, postgresql://... or jdbc:postgresql://...");
    }
    String shown = split.redacted();
    String scheme = split.scheme().toLowerCase(Locale.ROOT);
    boolean jdbc = scheme.equals("jdbc:postgresql");
    if (!jdbc && !scheme.equals("postgres") && !scheme.equals("postgresql")) {
      throw new IllegalArgumentException("dsn '" + shown + "' is not a PostgreSQL DSN: use "
          + "postgres://user:password@host:5432/database, postgresql://... or jdbc:postgresql://...");
    }
    if (split.ambiguity().isPresent()) {
      throw new IllegalArgumentException("dsn '" + shown + "' cannot be read reliably: it "
          + split.ambiguity().get());
    }
    String database;
    if (split.hierarchical()) {
      database = split.path().isEmpty() ? "" : split.path().substring(1);
    } else if (jdbc) {
      database = split.path().startsWith("/") ? split.path().substring(1) : split.path();
    } else {
      throw new IllegalArgumentException("dsn '" + shown + "' has no '//' after the scheme: use "
          + "postgres://user:password@host:5432/database");
    }
    Map<String, String> props = new LinkedHashMap<>();
    if (split.rawUser().isPresent()) {
      String user = decode(split.rawUser().get(), "user", shown);
      if (!user.isEmpty()) {
        props.put(PGProperty.USER.getName(), user);
      }
    }
    if (split.rawPassword().isPresent()) {
      props.put(PGProperty.PASSWORD.getName(), decode(split.rawPassword().get(), "password", shown));
    }
    String hosts = hosts(split.hosts(), shown);
    String db = decode(database, "database name", shown);
    if (db.contains("/")) {
      throw new IllegalArgumentException("dsn '" + shown + "' names the database '" + db + "' with a '/': "
          + "percent-encode it as %2F or remove the extra path");
    }
    Map<String, String> options = new LinkedHashMap<>();
    for (ConnectionString.Parameter parameter : split.parameters()) {
      if (parameter.rawKey().isEmpty() && parameter.rawValue() == null) {
        continue;
      }
      String key = decode(parameter.rawKey(), "query key", shown);
      String raw = parameter.rawValue() == null ? "" : parameter.rawValue();
      String value = decode(raw, "value of " + key, shown);
      Map<String, String> target = Options.KEYS.contains(key) ? options : props;
      if (target == props && !isJdbcProperty(key)) {
        throw new IllegalArgumentException("dsn '" + shown + "' has the unknown option '" + key + "': TaskHarbor's "
            + "options are " + Options.KEYS + ", and other keys must be PostgreSQL JDBC driver properties such as "
            + "sslmode or ApplicationName");
      }
      if (target.containsKey(key)) {
        throw new IllegalArgumentException("dsn '" + shown + "' sets '" + key + "' more than once (or both in "
            + "the user part and the query): set it once");
      }
      target.put(key, value);
    }
    String url = "jdbc:postgresql://" + hosts + "/" + URLEncoder.encode(db, StandardCharsets.UTF_8);
    return new Dsn(url, props, options, shown);
  }

  /**
   * Checks a host list ({@code host[:port]}, comma-separated; IPv6 addresses in brackets) and returns it for the JDBC
   * URL: an empty list, or an empty host before a port, is {@code localhost}.
   */
  private static String hosts(String list, String shown) {
    if (list.isEmpty()) {
      return "localhost";
    }
    List<String> checked = new ArrayList<>();
    for (String entry : list.split(",", -1)) {
      String host;
      String port;
      if (entry.startsWith("[")) {
        int close = entry.indexOf(']');
        if (close < 0) {
          throw new IllegalArgumentException("dsn '" + shown + "' has the host '" + entry + "' with a '[' but no ']': "
              + "write an IPv6 address as [::1] or [::1]:5432");
        }
        host = entry.substring(0, close + 1);
        if (!IPV6.matcher(entry.substring(1, close)).matches()) {
          throw new IllegalArgumentException("dsn '" + shown + "' has the host '" + host + "', which is not an IPv6 "
              + "address: use brackets only around one, such as [::1] or [2001:db8::5]");
        }
        String after = entry.substring(close + 1);
        if (!after.isEmpty() && !after.startsWith(":")) {
          throw new IllegalArgumentException("dsn '" + shown + "' has '" + after + "' after the host " + host
              + ": use " + host + ":5432");
        }
        port = after.isEmpty() ? null : after.substring(1);
      } else {
        int colon = entry.indexOf(':');
        host = colon < 0 ? entry : entry.substring(0, colon);
        port = colon < 0 ? null : entry.substring(colon + 1);
        if (host.isEmpty() && port == null) {
          throw new IllegalArgumentException("dsn '" + shown + "' has an empty entry in its host list '" + list
              + "': use host1:port1,host2:port2");
        }
        if (!host.isEmpty() && !HOST_NAME.matcher(host).matches()) {
          throw new IllegalArgumentException("dsn '" + shown + "' has the host '" + host + "', which is not a host "
              + "name or address: use letters, digits, '.', '-' and '_', or an IPv6 address in brackets");
        }
        if (host.isEmpty()) {
          host = "localhost";
        }
      }
      if (port != null && port.isEmpty()) {
        throw new IllegalArgumentException("dsn '" + shown + "' has an empty port after the host " + host
            + ": remove the ':' (for the default port 5432) or give a number from 1 to 65535");
      }
      if (port != null) {
        int number = PORT.matcher(port).matches() ? Integer.parseInt(port) : -1;
        if (number < 1 || number > 65535) {
          throw new IllegalArgumentException("dsn '" + shown + "' has the port '" + port + "' of host " + host
              + ", which is not a number from 1 to 65535");
        }
        checked.add(host + ":" + number);
      } else {
        checked.add(host);
      }
    }
    return String.join(",", checked);
  }

  /** Returns whether a query key is one the DSN takes: a TaskHarbor option or a JDBC driver property. */
  private static boolean isKnownKey(String key) {
    return Options.KEYS.contains(key) || isJdbcProperty(key);
  }

  private static boolean isJdbcProperty(String key) {
    return PGProperty.forName(key) != null || Set.of("user", "password").contains(key);
  }

  /** Returns the JDBC properties as {@link Properties}. */
  Properties properties() {
    Properties p = new Properties();
    p.putAll(jdbcProperties);
    return p;
  }

  /** Returns the password, if the DSN has one. */
  String password() {
    return jdbcProperties.getOrDefault(PGProperty.PASSWORD.getName(), "");
  }

  /** Decodes percent-escapes as UTF-8 ({@code +} stays a plus); a malformed one is refused without the text. */
  private static String decode(String raw, String what, String shown) {
    try {
      return ConnectionString.decode(raw, what);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("dsn '" + shown + "' has a " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "Dsn[" + redacted + "]";
  }
}
