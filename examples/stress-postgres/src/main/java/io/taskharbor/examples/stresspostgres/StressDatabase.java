package io.taskharbor.examples.stresspostgres;

import io.taskharbor.driver.postgres.PostgresDriver;
import io.taskharbor.examples.support.ExampleEnv;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Gives each stress run a schema of its own: dropped, re-created and migrated. */
final class StressDatabase {
  private StressDatabase() {}

  /**
   * Drops and re-creates {@code schema}, migrates it, and returns the DSN that points at it.
   *
   * @param dsn a {@code postgres://} or {@code postgresql://} DSN
   */
  static String recreateSchema(String dsn, String schema) throws SQLException {
    try (Connection c = ExampleEnv.connect(dsn); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      s.execute("CREATE SCHEMA " + schema);
    }
    String runDsn = ExampleEnv.withOption(dsn, "schema", schema);
    try (PostgresDriver driver = PostgresDriver.open(runDsn)) {
      driver.migrate();
    }
    return runDsn;
  }

  /** Empties the run's table (and the statistics with it), keeping the schema, so clients stay connected. */
  static void empty(String runDsn, String schema) throws SQLException {
    try (Connection c = ExampleEnv.connect(runDsn); Statement s = c.createStatement()) {
      s.execute("TRUNCATE " + schema + ".th_jobs");
      s.execute("ANALYZE " + schema + ".th_jobs");
    }
  }
}
