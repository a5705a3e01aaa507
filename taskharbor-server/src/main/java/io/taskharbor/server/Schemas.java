package io.taskharbor.server;

import io.taskharbor.driver.postgres.PostgresDriver;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * With {@code MIGRATE=true}, the schema named by the DSN's {@code schema} option is created when it is missing, so
 * that an empty database needs no hand-written SQL; the driver itself requires an existing schema. Through {@link
 * PostgresDriver#connect}, one plain connection, closed at once.
 */
final class Schemas {

  /** The schema names the PostgreSQL driver accepts; others are left for it to refuse with its own message. */
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private Schemas() {}

  /** The DSN's {@code schema} option, if it has one other than {@code public}. */
  static Optional<String> named(String dsn) {
    int query = dsn.indexOf('?');
    if (query < 0) {
      return Optional.empty();
    }
    for (String parameter : dsn.substring(query + 1).split("&")) {
      if (parameter.startsWith("schema=")) {
        String schema = URLDecoder.decode(parameter.substring("schema=".length()), StandardCharsets.UTF_8);
        return schema.equals("public") ? Optional.empty() : Optional.of(schema);
      }
    }
    return Optional.empty();
  }

  /**
   * Creates the DSN's schema when it is missing.
   *
   * @return whether it ran {@code CREATE SCHEMA IF NOT EXISTS}
   * @throws IllegalStateException if the database refuses (no {@code CREATE} privilege on the database, say)
   */
  static boolean createIfMissing(String dsn) {
    Optional<String> schema = named(dsn).filter(s -> NAME.matcher(s).matches());
    if (schema.isEmpty()) {
      return false;
    }
    try (Connection c = PostgresDriver.connect(dsn); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS " + schema.get());
      return true;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create schema " + schema.get() + " (MIGRATE=true): " + e.getMessage()
          + "; create it as an owner, or grant CREATE on the database", e);
    }
  }
}
