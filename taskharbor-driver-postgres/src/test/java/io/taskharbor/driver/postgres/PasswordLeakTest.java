package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.spi.Driver;
import io.taskharbor.spi.DriverConfig;
import io.taskharbor.spi.Drivers;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The passwords of the issue, tried as a new user would: a DSN against the test server (which may or may not check
 * passwords) opened through {@link Drivers} and {@link PostgresDriver}, parsed, printed and logged at DEBUG. No
 * fragment of 3 or more characters of the password may show anywhere.
 */
@Tag("postgres")
class PasswordLeakTest {

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "postgres://   | p@ssw0rd",
      "postgres://   | pass word",
      "postgres://   | pa/ss",
      "postgresql:// | wh?t#ever:@x/y",
      "jdbc          | Zq9secret x",
      "jdbc          | Zq9 secret&ssl x",
      "jdbc          | s3cr3t&poolsize=3 ok"})
  @DisplayName("a password the parser accepts never shows in a message, a toString or a DEBUG log line")
  void aPasswordNeverShows(String form, String password) {
    URI server = URI.create(TestDatabase.dsn());
    String host = server.getHost() + (server.getPort() < 0 ? "" : ":" + server.getPort());
    String db = server.getPath().substring(1);
    String dsn = form.equals("jdbc")
        ? "jdbc:postgresql://" + host + "/" + db + "?user=postgres&password=" + password
        : form + "postgres:" + password + "@" + host + "/" + db;
    // The same DSN with a password of other letters shows the texts that hold none of this password.
    String baseline = everythingShown(dsn.replace(password, "Kq7vXw"), "Kq7vXw").shown();

    Leaks leaks = everythingShown(dsn, password);

    assertThat(leaks.fragmentsOf(password, dsn.replace(password, "") + baseline))
        .as("fragments of the password in:\n%s", leaks.shown()).isEmpty();
  }

  @Test
  @DisplayName("other secrets of the DSN (sslpassword) never show either: HikariCP's DEBUG dump of the pool's "
      + "configuration masks only 'password'")
  void anSslPasswordNeverShowsInTheLogs() {
    String dsn = TestDatabase.withOption(TestDatabase.dsn(), "sslpassword", "Kx9sslsecret");
    Leaks leaks = new Leaks();
    try (CapturedLogs logs = new CapturedLogs()) {
      leaks.run("PostgresDriver.builder", () -> {
        try (PostgresDriver driver = PostgresDriver.builder().dsn(dsn).poolSize(1).minIdle(0).build()) {
          return driver.toString();
        }
      });
      leaks.add("logs", logs.text());
    }

    assertThat(leaks.shown()).contains("HikariConfig").contains("sslpassword=REDACTED")
        .doesNotContain("Kx9sslsecret");
  }

  /** Parses, prints, opens (through Drivers and PostgresDriver) and closes {@code dsn}, capturing logs at DEBUG. */
  static Leaks everythingShown(String dsn, String password) {
    Leaks leaks = new Leaks();
    try (CapturedLogs logs = new CapturedLogs()) {
      leaks.run("Dsn.parse", () -> {
        Dsn parsed = Dsn.parse(dsn);
        return parsed + " " + parsed.redacted() + " " + parsed.jdbcUrl();
      });
      leaks.run("DriverConfig.redact", () -> DriverConfig.redact(dsn));
      leaks.run("DriverConfig.of", () -> DriverConfig.of(dsn) + " " + DriverConfig.of(dsn).redactedUri());
      uri(dsn).ifPresent(uri -> leaks.run("DriverConfig", () -> new DriverConfig(uri, Map.of("password", password))
          + " " + DriverConfig.of(uri).redactedUri()));
      leaks.run("Drivers.open", () -> {
        try (Driver driver = Drivers.open(dsn)) {
          return driver.toString();
        }
      });
      leaks.run("PostgresDriver.builder", () -> {
        try (PostgresDriver driver = PostgresDriver.builder().dsn(dsn).poolSize(1).minIdle(0).build()) {
          return driver.toString();
        }
      });
      leaks.add("logs", logs.text());
    }
    return leaks;
  }

  /** Returns the string as a {@link URI}, if java.net.URI takes it (its refusal would show the string whole). */
  static Optional<URI> uri(String text) {
    try {
      return Optional.of(new URI(text));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }
}
