package io.taskharbor.examples.stresspostgres;

import io.taskharbor.driver.postgres.PostgresDriver;
import io.taskharbor.spi.DriverConfig;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** Gives each stress run a schema of its own: dropped, re-created and migrated. */
final class StressDatabase {
  private StressDatabase() {}

  /**
   * Drops and re-creates {@code schema}, migrates it, and returns the DSN that points at it.
   *
   * @param dsn a {@code postgres://} or {@code postgresql://} DSN
   */
  static String recreateSchema(String dsn, String schema) throws SQLException {
    try (Connection c = connect(dsn); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      s.execute("CREATE SCHEMA " + schema);
    }
    String runDsn = dsn + (dsn.contains("?") ? "&" : "?") + "schema=" + schema;
    try (PostgresDriver driver = PostgresDriver.open(runDsn)) {
      driver.migrate();
    }
    return runDsn;
  }

  /** Empties the run's table (and the statistics with it), keeping the schema, so clients stay connected. */
  static void empty(String runDsn, String schema) throws SQLException {
    try (Connection c = connect(runDsn); Statement s = c.createStatement()) {
      s.execute("TRUNCATE " + schema + ".th_jobs");
      s.execute("ANALYZE " + schema + ".th_jobs");
    }
  }

  private static Connection connect(String dsn) throws SQLException {
    if (dsn.startsWith("jdbc:")) {
      return DriverManager.getConnection(dsn);
    }
    URI uri = URI.create(dsn);
    if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
      throw new IllegalArgumentException("TASKHARBOR_DSN must be a postgres://, postgresql:// or jdbc:postgresql:// "
          + "URL, got " + DriverConfig.redact(dsn));
    }
    Properties props = new Properties();
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      props.setProperty("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
      if (colon >= 0) {
        props.setProperty("password", decode(userInfo.substring(colon + 1)));
      }
    }
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
    return DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + port + uri.getRawPath() + query, props);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
