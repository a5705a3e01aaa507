package io.taskharbor.examples.stresspostgres;

import io.taskharbor.examples.support.ExampleEnv;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/**
 * A benchmark of the PostgreSQL driver's storage: whether reserve stays cheap as the table grows, and whether the
 * table stays small while jobs flow through it (issue 13, "Storage that stays fast and small").
 *
 * <ul>
 *   <li>{@code --mode=scaling} ({@link ReserveScaling}): reserve's cost for due backlogs of 1,000 to 1,000,000 jobs
 *       beside 1,000,000 finished and 1,000,000 scheduled ones, with the plans of the reserve statement.
 *   <li>{@code --mode=bloat} ({@link StorageBloat}): 2,000,000 jobs enqueued, drained and purged under a bounded
 *       backlog and a short retention, with the table's sizes and vacuum counters sampled; {@code --hold-xmin} holds
 *       a snapshot open on another connection for the whole run.
 * </ul>
 *
 * <p>The database is {@code TASKHARBOR_DSN} (see {@link ExampleEnv}); the run owns the schema {@code --schema}
 * (named {@code th_storage_...}), dropped and re-created at the start and dropped at the end. The figures depend on
 * the server's autovacuum settings, which the run prints first, with a warning when autovacuum is off (as on a CI
 * server tuned for tests): run it against a PostgreSQL with the default autovacuum settings for figures that mean
 * what the requirement says. Exit status: 0 when the run did its work, 1 when a
 * check failed, 2 for bad arguments.
 */
public final class StorageBenchmark {
  private StorageBenchmark() {}

  public static void main(String[] args) throws Exception {
    StorageSettings settings;
    try {
      settings = StorageSettings.parse(Arrays.asList(args));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(run(ExampleEnv.dsn(), settings) ? 0 : 1);
  }

  /** Runs the benchmark against the database of {@code dsn}; returns whether it did its work. */
  static boolean run(String dsn, StorageSettings settings) throws Exception {
    System.out.println("storage benchmark on " + ExampleEnv.redacted(dsn) + ": " + settings);
    if (settings instanceof StorageSettings.Scaling scaling) {
      return ReserveScaling.run(dsn, scaling);
    }
    return StorageBloat.run(dsn, (StorageSettings.Bloat) settings);
  }

  /** Drops the run's schema and everything in it. */
  static void dropSchema(String dsn, String schema) throws SQLException {
    try (Connection c = ExampleEnv.connect(dsn); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
