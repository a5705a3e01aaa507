package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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
      "jdbc:postgresql://db/orders?password=hunter22&poolsize=3"})
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
