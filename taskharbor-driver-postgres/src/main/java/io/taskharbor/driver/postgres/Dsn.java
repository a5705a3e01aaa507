package io.taskharbor.driver.postgres;

import io.taskharbor.spi.DriverConfig;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
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
 * takes them. Percent-escapes are decoded in the user, password, database and query values, and {@code +} stays a
 * plus. The password is kept out of the URL and out of {@link #toString()}.
 *
 * @param jdbcUrl the URL for the JDBC driver, without credentials or options
 * @param jdbcProperties connection properties for the JDBC driver: user, password and pass-through keys
 * @param options TaskHarbor's options found in the query string (see {@link Options#KEYS})
 * @param redacted the DSN as given, with any password replaced by {@code REDACTED}
 */
record Dsn(String jdbcUrl, Map<String, String> jdbcProperties, Map<String, String> options, String redacted) {

  private static final Pattern HOSTS = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:,%]*");

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
   * Parses a DSN.
   *
   * @throws IllegalArgumentException naming the bad part (never the password)
   */
  static Dsn parse(String dsn) {
    String text = dsn.trim();
    String shown = DriverConfig.redact(text);
    String lower = text.toLowerCase(Locale.ROOT);
    String rest;
    if (lower.startsWith("jdbc:postgresql:")) {
      rest = text.substring("jdbc:postgresql:".length());
    } else if (lower.startsWith("postgresql:")) {
      rest = text.substring("postgresql:".length());
    } else if (lower.startsWith("postgres:")) {
      rest = text.substring("postgres:".length());
    } else {
      throw new IllegalArgumentException("dsn '" + shown + "' is not a PostgreSQL DSN: use "
          + "postgres://user:password@host:5432/database, postgresql://... or jdbc:postgresql://...");
    }
    String query = "";
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    String authority;
    String database;
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      authority = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
      database = slash < 0 ? "" : rest.substring(slash + 1);
    } else if (lower.startsWith("jdbc:")) {
      authority = "";
      database = rest;
    } else {
      throw new IllegalArgumentException("dsn '" + shown + "' has no '//' after the scheme: use "
          + "postgres://user:password@host:5432/database");
    }
    Map<String, String> props = new LinkedHashMap<>();
    int at = authority.lastIndexOf('@');
    String hosts = at < 0 ? authority : authority.substring(at + 1);
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      int colon = userInfo.indexOf(':');
      String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), "user", shown);
      if (!user.isEmpty()) {
        props.put(PGProperty.USER.getName(), user);
      }
      if (colon >= 0) {
        props.put(PGProperty.PASSWORD.getName(), decode(userInfo.substring(colon + 1), "password", shown));
      }
    }
    if (!HOSTS.matcher(hosts).matches()) {
      throw new IllegalArgumentException("dsn '" + shown + "' has a malformed host part: use host, host:port, "
          + "[::1]:port or host1:port1,host2:port2");
    }
    if (hosts.isEmpty()) {
      hosts = "localhost";
    }
    String db = decode(database, "database", shown);
    if (db.contains("/")) {
      throw new IllegalArgumentException("dsn '" + shown + "' names the database '" + db + "' with a '/': "
          + "percent-encode it as %2F or remove the extra path");
    }
    Map<String, String> options = new LinkedHashMap<>();
    if (!query.isEmpty()) {
      for (String pair : query.split("&", -1)) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq), "query key", shown);
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1), "value of " + key, shown);
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
    }
    String url = "jdbc:postgresql://" + hosts + "/" + URLEncoder.encode(db, StandardCharsets.UTF_8);
    return new Dsn(url, props, options, shown);
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

  /** Decodes percent-escapes as UTF-8; {@code +} stays a plus. */
  private static String decode(String raw, String what, String shown) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("dsn '" + shown + "' has a malformed percent-escape in the " + what
              + ": write % as %25");
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < raw.length()) {
          utf8 = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        bytes.write(utf8, 0, utf8.length);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "Dsn[" + redacted + "]";
  }
}
