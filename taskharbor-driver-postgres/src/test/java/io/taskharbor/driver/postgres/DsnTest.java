package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** DSN parsing: the three accepted forms become a JDBC URL, driver properties and TaskHarbor options. */
class DsnTest {

  @Test
  void aPostgresUriBecomesAJdbcUrlPropertiesAndOptions() {
    Dsn dsn = Dsn.parse("postgres://app:pa%40ss%2Fw0rd@db.example:6543/orders?sslmode=require&schema=jobs"
        + "&poolSize=5");

    assertThat(dsn.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/orders");
    assertThat(dsn.jdbcProperties()).containsExactly(
        Map.entry("user", "app"), Map.entry("password", "pa@ss/w0rd"), Map.entry("sslmode", "require"));
    assertThat(dsn.options()).containsExactly(Map.entry("schema", "jobs"), Map.entry("poolSize", "5"));
    assertThat(dsn.password()).isEqualTo("pa@ss/w0rd");
  }

  @Test
  void thePostgresqlSchemeIsTheSame() {
    Dsn dsn = Dsn.parse("postgresql://app@db:5432/orders");

    assertThat(dsn.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/orders");
    assertThat(dsn.jdbcProperties()).containsExactly(Map.entry("user", "app"));
  }

  @Test
  void aJdbcUrlKeepsItsPropertiesAndGivesUpTaskHarborsOptions() {
    Dsn dsn = Dsn.parse("jdbc:postgresql://db:5432/orders?user=app&password=secret&ApplicationName=billing"
        + "&connectTimeout=3s&maxPayloadBytes=2048");

    assertThat(dsn.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/orders");
    assertThat(dsn.jdbcProperties()).containsExactly(
        Map.entry("user", "app"), Map.entry("password", "secret"), Map.entry("ApplicationName", "billing"));
    assertThat(dsn.options()).containsExactly(Map.entry("connectTimeout", "3s"), Map.entry("maxPayloadBytes", "2048"));
  }

  @Test
  void severalHostsAndIpv6AddressesPassThrough() {
    assertThat(Dsn.parse("postgres://u@h1:5432,h2:5433/db?targetServerType=primary").jdbcUrl())
        .isEqualTo("jdbc:postgresql://h1:5432,h2:5433/db");
    assertThat(Dsn.parse("postgres://u@[::1]:5432/db").jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/db");
  }

  @Test
  void missingPartsTakeTheDefaults() {
    assertThat(Dsn.parse("postgres:///db").jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/db");
    assertThat(Dsn.parse("jdbc:postgresql:db").jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/db");
    assertThat(Dsn.parse("postgres://host").jdbcUrl()).isEqualTo("jdbc:postgresql://host/");
    assertThat(Dsn.parse("postgres://host").jdbcProperties()).isEmpty();
  }

  @Test
  void percentEscapesAreDecodedAndAPlusStaysAPlus() {
    Dsn dsn = Dsn.parse("postgres://us%C3%A9r:a+b@h/my%20db?ApplicationName=x+y");

    assertThat(dsn.jdbcProperties()).containsEntry("user", "usér").containsEntry("password", "a+b")
        .containsEntry("ApplicationName", "x+y");
    assertThat(dsn.jdbcUrl()).isEqualTo("jdbc:postgresql://h/my+db");
  }

  @Test
  void theDsnPrintsWithoutItsPassword() {
    Dsn dsn = Dsn.parse("postgres://app:hunter22@db/orders");

    assertThat(dsn.toString()).doesNotContain("hunter22").contains("REDACTED");
    assertThat(dsn.redacted()).isEqualTo("postgres://app:REDACTED@db/orders");
    assertThat(dsn.jdbcUrl()).doesNotContain("hunter22");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      // the DSNs: each printed part or all of its password before
      "postgres://postgres:p@ssw0rd@127.0.0.1:5432/test | p@ssw0rd | postgres://postgres:REDACTED@127.0.0.1:5432/test",
      "postgres://postgres:pass word@127.0.0.1:5432/test | pass word "
          + "| postgres://postgres:REDACTED@127.0.0.1:5432/test",
      "postgres://postgres:pa/ss@127.0.0.1:5432/test | pa/ss | postgres://postgres:REDACTED@127.0.0.1:5432/test",
      "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=Zq9secret x | Zq9secret x "
          + "| jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=REDACTED",
      // more of what a password holds: the user info runs to the last '@', a query password to the next known key
      "postgresql://u:a?b#c:d@@h/db?sslmode=require | a?b#c:d@ | postgresql://u:REDACTED@h/db?sslmode=require",
      "postgres://u:p%40ss%2F%3F%23%25%20x@h/db | p@ss/?#% x | postgres://u:REDACTED@h/db",
      "jdbc:postgresql://h/db?user=u&password=a b&c=d@&sslmode=require | a b&c=d@ "
          + "| jdbc:postgresql://h/db?user=u&password=REDACTED&sslmode=require",
      "jdbc:postgresql://u:pa/ss@h/db?ApplicationName=x | pa/ss | jdbc:postgresql://u:REDACTED@h/db?ApplicationName=x"})
  @DisplayName("the password is what the parser takes, and exactly that is redacted")
  void thePasswordIsWhatTheParserTakesAndWhatIsRedacted(String text, String password, String redacted) {
    Dsn dsn = Dsn.parse(text);

    assertThat(dsn.password()).isEqualTo(password);
    assertThat(dsn.redacted()).isEqualTo(redacted);
    assertThat(dsn.toString()).isEqualTo("Dsn[" + redacted + "]");
    assertThat(dsn.jdbcUrl()).doesNotContain(password);
  }

  @Test
  @DisplayName("a user with a raw '@' (Azure's user@server) is read to the first ':' of the user info")
  void aUserMayHoldAnAt() {
    Dsn dsn = Dsn.parse("postgres://admin@srv:pw@srv.postgres.database.azure.com/db?sslmode=require");

    assertThat(dsn.jdbcProperties()).containsEntry("user", "admin@srv").containsEntry("password", "pw");
    assertThat(Dsn.parse("jdbc:postgresql://h/db?user=admin@srv&password=pw").jdbcProperties())
        .containsEntry("user", "admin@srv");
  }

  @Test
  @DisplayName("a misspelled key after a query password is taken as part of the password, and never shown")
  void aMisspelledKeyAfterAQueryPasswordIsPartOfIt() {
    Dsn dsn = Dsn.parse("jdbc:postgresql://db/orders?password=hunter22&poolsize=3");

    assertThat(dsn.password()).isEqualTo("hunter22&poolsize=3");
    assertThat(dsn.toString()).doesNotContain("hunter22").doesNotContain("poolsize");
  }

  @Test
  void hostListsAreCheckedAndNormalized() {
    assertThat(Dsn.parse("postgres://u@[::1]:5432,[fe80::1%25eth0],h_2:05433/db").jdbcUrl())
        .isEqualTo("jdbc:postgresql://[::1]:5432,[fe80::1%25eth0],h_2:5433/db");
    assertThat(Dsn.parse("postgres://u@:5433/db").jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5433/db");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "mysql://app:hunter22@db/orders",
      "postgres:orders?password=hunter22",
      "postgres://app:hunter22@db/orders?colour=blue",
      "postgres://app:hunter22@db/orders?schema=a&schema=b",
      "postgres://app:hunter22@db/orders?user=other",
      "postgres://app:hunter22@db/a/b",
      "postgres://app:hunter22@db/orders?sslmode=%zz",
      "postgres://app:hunter22@d b/orders",
      "jdbc:postgresql://db/orders?poolsize=3&password=hunter22"})
  void aMalformedDsnIsRefusedNamingTheProblemButNotThePassword(String text) {
    Throwable thrown = catchThrowable(() -> Dsn.parse(text));

    assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
    assertThat(thrown.getMessage()).startsWith("dsn '").doesNotContain("hunter22");
  }

  @Test
  void onlyPostgresSchemesLookLikePostgres() {
    assertThat(Dsn.looksLikePostgres("postgres://h/db")).isTrue();
    assertThat(Dsn.looksLikePostgres("POSTGRESQL://h/db")).isTrue();
    assertThat(Dsn.looksLikePostgres("jdbc:postgresql://h/db")).isTrue();
    assertThat(Dsn.looksLikePostgres("memory:")).isFalse();
    assertThat(Dsn.looksLikePostgres("jdbc:mysql://h/db")).isFalse();
    assertThat(Dsn.looksLikePostgres("postgresx://h/db")).isFalse();
  }
}
