package io.taskharbor.driver.postgres;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A separate process for {@link MigrationTest}: opens a driver on the DSN in {@code args[0]}, prints {@code ready},
 * waits until the file {@code args[1]} exists (so that all processes start migrating together), migrates and prints
 * {@code migrated}.
 */
final class MigrateMain {

  private MigrateMain() {}

  public static void main(String[] args) throws Exception {
    try (PostgresDriver driver = PostgresDriver.builder().dsn(args[0]).poolSize(1).build()) {
      System.out.println("ready");
      System.out.flush();
      Path go = Path.of(args[1]);
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!Files.exists(go)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no go file " + go);
        }
        Thread.sleep(5);
      }
      driver.migrate();
      System.out.println("migrated");
    }
  }
}
