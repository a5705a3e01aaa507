package io.taskharbor.examples.stresspostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the example finds its database: the environment variable {@code TASKHARBOR_DSN}, else a line {@code
 * TASKHARBOR_DSN=...} in a {@code .env} file in the working directory or one of its parents (the repository root
 * when run with {@code mvn exec:java}), else a local server's defaults.
 */
final class ExampleEnv {
  static final String DSN_VARIABLE = "TASKHARBOR_DSN";
  static final String DEFAULT_DSN = "postgres://postgres@127.0.0.1:5432/postgres";

  private ExampleEnv() {}

  static String dsn() {
    String fromEnv = System.getenv(DSN_VARIABLE);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
    }
    return fromDotEnv(Path.of("").toAbsolutePath()).orElse(DEFAULT_DSN);
  }

  static Optional<String> fromDotEnv(Path start) {
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
}
