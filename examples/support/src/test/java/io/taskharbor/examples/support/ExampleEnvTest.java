package io.taskharbor.examples.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "postgres://app:pass wrd9@127.0.0.1:notaport/app",
      "postgres://app:p@ss/wrd9@127.0.0.1:99999/app",
      "jdbc:postgresql://127.0.0.1:notaport/app?user=app&password=pass wrd9",
      "jdbc:postgresql://127.0.0.1:0/app?user=app&password=s3cr3t-wrd9",
      "mysql://app:pass wrd9@127.0.0.1/app"})
  @DisplayName("a DSN the examples cannot use is refused without showing its password, in the message or a cause")
  void aBadDsnIsRefusedWithoutItsPassword(String dsn) {
    Throwable thrown = catchThrowable(() -> ExampleEnv.connect(dsn).close());

    assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
    StringWriter trace = new StringWriter();
    thrown.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString()).doesNotContain("wrd9");
  }

  @Test
  @DisplayName("the examples read a DSN's password as the driver does (a '+' stays a plus, '@' and '/' may be raw)")
  void theExamplesConnectAsTheDriverDoes() throws SQLException {
    Optional<String> server = ExampleEnv.testDsn();
    Assumptions.assumeTrue(server.isPresent(), ExampleEnv.NO_TEST_DATABASE);
    URI uri = URI.create(server.get());
    String user = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().split(":", 2)[0];
    String dsn = "postgres://" + user + ":a+b@c/d e@" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + uri.getRawPath() + "?sslmode=disable";
    try (Connection c = ExampleEnv.connect(dsn); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_user")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(user);
    } catch (SQLException e) {
      // A server that checks passwords refuses this one: that is fine, as long as the refusal does not show it.
      assertThat(e.getMessage()).doesNotContain("a+b@c/d e");
    }
  }

  @Test
  @DisplayName("a DSN prints redacted, and an option goes into its query, both as the driver reads the DSN")
  void redactedAndWithOption() {
    assertThat(ExampleEnv.redacted("postgres://app:pa ss?wrd9@db:5432/app"))
        .isEqualTo("postgres://app:REDACTED@db:5432/app");
    assertThat(ExampleEnv.redacted("postgres://app:pa ss@db:notaport/app"))
        .isEqualTo("postgres://app:REDACTED@db:notaport/app");
    assertThat(ExampleEnv.withOption("postgres://app:a?b@db/app", "schema", "s1"))
        .isEqualTo("postgres://app:a?b@db/app?schema=s1");
    assertThat(ExampleEnv.withOption("postgres://app@db/app?sslmode=disable", "schema", "s1"))
        .isEqualTo("postgres://app@db/app?sslmode=disable&schema=s1");
  }
}
