package io.taskharbor.examples.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleEnvTest {

  @Test
  void aDotEnvInAParentDirectoryNamesTheDatabase(@TempDir Path root) throws IOException {
    Files.writeString(root.resolve(".env"), "# local settings\nOTHER=1\nTASKHARBOR_DSN=postgres://app@db:5432/app\n");
    Path nested = Files.createDirectories(root.resolve("examples/basic-postgres"));

    assertThat(ExampleEnv.fromDotEnv(nested)).contains("postgres://app@db:5432/app");
  }

  @Test
  void quotesAndExportAreAccepted(@TempDir Path root) throws IOException {
    Files.writeString(root.resolve(".env"), "export TASKHARBOR_DSN='postgres://app:p%40ss@db/app?sslmode=require'\n");

    assertThat(ExampleEnv.fromDotEnv(root)).contains("postgres://app:p%40ss@db/app?sslmode=require");
  }

  @Test
  void theNearestDotEnvWinsAndAnEmptyValueNamesNothing(@TempDir Path root) throws IOException {
    Files.writeString(root.resolve(".env"), "TASKHARBOR_DSN=postgres://outer/db\n");
    Path inner = Files.createDirectories(root.resolve("inner"));
    Files.writeString(inner.resolve(".env"), "TASKHARBOR_DSN=\n");

    assertThat(ExampleEnv.fromDotEnv(inner)).isEmpty();
    assertThat(ExampleEnv.fromDotEnv(root)).contains("postgres://outer/db");
  }

  @Test
  void withoutADotEnvNothingIsFound(@TempDir Path root) {
    assertThat(ExampleEnv.fromDotEnv(root.resolve("no/such/dir"))).isEmpty();
  }
}
