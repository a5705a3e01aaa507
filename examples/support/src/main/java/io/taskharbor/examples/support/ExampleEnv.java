package io.taskharbor.examples.support;

import io.taskharbor.driver.postgres.PostgresDriver;
import io.taskharbor.spi.ConnectionString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the example finds its database: the environment variable {@code TASKHARBOR_DSN}, else a line {@code
 * TASKHARBOR_DSN=...} in a {@code .env} file in the working directory or one of its parents (the repository root
 * when run with {@code mvn exec:java}), else a local server's defaults.
 */
public final class ExampleEnv {
  /** The environment variable, and the {@code .env} key, that names the database. */
  public static final String DSN_VARIABLE = "TASKHARBOR_DSN";
  /** The database used when neither names one: a local server's defaults. */
  public static final String DEFAULT_DSN = "postgres://postgres@127.0.0.1:5432/postgres";

  private ExampleEnv() {}

  /** Returns the DSN to use, looked up as the class comment says. */
  public static String dsn() {
    String fromEnv = System.getenv(DSN_VARIABLE);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
    }
    return fromDotEnv(Path.of("").toAbsolutePath()).orElse(DEFAULT_DSN);
  }

  /** Returns the DSN in the first {@code .env} found in {@code start} or one of its parents, if it names one. */
  public static Optional<String> fromDotEnv(Path start) {
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path file = dir.resolve(".env");
      if (Files.isRegularFile(file)) {
        return valueIn(file);
      }
    }
    return Optional.empty();
  }

  private static Optional<String> valueIn(Path file) {
    try {
      for (String line : Files.readAllLines(file)) {
        String trimmed = line.trim();
        if (trimmed.startsWith("export ")) {
          trimmed = trimmed.substring("export ".length()).trim();
        }
        if (trimmed.startsWith(DSN_VARIABLE + "=")) {
          String value = trimmed.substring(DSN_VARIABLE.length() + 1).trim();
          if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
              || value.startsWith("'") && value.endsWith("'"))) {
            value = value.substring(1, value.length() - 1);
          }
          return value.isEmpty() ? Optional.empty() : Optional.of(value);
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * For the examples' own tests: the server named by {@code TASKHARBOR_TEST_DSN}, or, when it is not set, an empty
   * result (the caller skips, or fails under {@code CI}, with {@link #NO_TEST_DATABASE}).
   */
  public static Optional<String> testDsn() {
    String dsn = System.getenv("TASKHARBOR_TEST_DSN");
    return dsn == null || dsn.isBlank() ? Optional.empty() : Optional.of(dsn.trim());
  }

  /** Why an example's PostgreSQL test cannot run, and how to make it run. */
  public static final String NO_TEST_DATABASE = "no PostgreSQL for the example tests: set TASKHARBOR_TEST_DSN to a DSN "
      + "such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable (the tests create and drop their own schemas)";

  /**
   * Opens a plain JDBC connection to the database of a {@code postgres://}, {@code postgresql://} or {@code
   * jdbc:postgresql://} DSN, for what the examples do outside TaskHarbor (creating and dropping their schemas). The
   * DSN is read by the PostgreSQL driver's own parser ({@link PostgresDriver#connect}), so the examples take the
   * password, and redact it in every message, exactly as the driver does.
   *
   * @throws IllegalArgumentException if the DSN is malformed (the message shows it without its password)
   */
  public static Connection connect(String dsn) throws SQLException {
    return PostgresDriver.connect(dsn);
  }

  /**
   * Returns the DSN for printing: its password (and any other secret) replaced by {@code REDACTED}, as the driver's
   * messages show it, whatever the DSN holds (it never throws).
   */
  public static String redacted(String dsn) {
    return ConnectionString.redact(dsn);
  }

  /**
   * Returns the DSN with the query option {@code key=value} added, where the DSN's query is by the driver's reading:
   * after the user info, which may hold a raw {@code ?} in its password.
   */
  public static String withOption(String dsn, String key, String value) {
    String trimmed = dsn.trim();
    boolean hasQuery;
    try {
      hasQuery = ConnectionString.parse(trimmed).rawQuery().isPresent();
    } catch (IllegalArgumentException e) {
      hasQuery = trimmed.contains("?"); // no scheme: the driver refuses it anyway, and says why
    }
    return trimmed + (hasQuery ? "&" : "?") + key + "=" + value;
  }
}
