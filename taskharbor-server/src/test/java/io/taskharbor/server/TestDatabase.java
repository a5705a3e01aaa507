package io.taskharbor.server;

import io.taskharbor.driver.postgres.PostgresDriver;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The server's PostgreSQL tests run against {@value #ENV} (for example {@code
 * postgres://postgres@127.0.0.1:5432/test?sslmode=disable}), each in a schema of its own {@code th_test_<random>}
 * that it drops; without the variable they are skipped, and under {@code CI} they fail.
 */
final class TestDatabase {

  static final String ENV = "TASKHARBOR_TEST_DSN";

  private TestDatabase() {}

  /** The server's DSN, or a skip (a failure under CI) when none is set. */
  static String dsn() {
    String dsn = System.getenv(ENV);
    if (dsn == null || dsn.isBlank()) {
      String message = "no PostgreSQL for the tests: set " + ENV + " to a DSN such as "
          + "postgres://postgres@127.0.0.1:5432/test?sslmode=disable";
      if (System.getenv("CI") != null) {
        Assertions.fail(message);
      }
      Assumptions.abort(message);
    }
    return dsn.trim();
  }

  /** The DSN with the option {@code key=value} added. */
  static String withOption(String dsn, String key, String value) {
    return dsn + (dsn.contains("?") ? "&" : "?") + key + "=" + value;
  }

  /** A small-pooled DSN of a schema: every process of a test shares a server with other engineers' builds. */
  static String dsn(String schema) {
    return withOption(withOption(withOption(dsn(), "schema", schema), "poolSize", "3"), "minIdle", "1");
  }

  /** Creates an empty schema and returns its name. */
  static String createSchema() {
    String schema = "th_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
        .toLowerCase(Locale.ROOT);
    execute("CREATE SCHEMA " + schema);
    return schema;
  }

  static void drop(String schema) {
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  static void execute(String sql) {
    try (Connection c = PostgresDriver.connect(dsn()); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("test statement failed: " + sql + ": " + e.getMessage(), e);
    }
  }
}
