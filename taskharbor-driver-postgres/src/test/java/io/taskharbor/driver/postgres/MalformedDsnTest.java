package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.api.DriverException;
import io.taskharbor.api.DriverNotFoundException;
import io.taskharbor.spi.Drivers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed DSN, in each of the three syntaxes, is an {@link IllegalArgumentException} that names the bad part
 * and never the password, raised before any connection is tried: not a (transient) {@code DriverException} from the
 * JDBC driver that a caller would retry. The DSNs would connect to 127.0.0.1, with a 5-second connect timeout, if they
 * got that far: a DriverException, an opened driver or a wait of seconds would show it.
 */
class MalformedDsnTest {

  private static final String PASSWORD = "hunter22";

  /** One syntax: how a DSN is written from a host list, a database, an extra query parameter and a password. */
  private record Syntax(String name, String prefix) {
    String dsn(String hosts, String database, String query, String password) {
      if (name.equals("jdbc")) {
        return prefix + hosts + "/" + database + "?" + (query.isEmpty() ? "" : query + "&") + "connectTimeout=5s"
            + "&user=app&password=" + password;
      }
      return prefix + "app:" + password + "@" + hosts + "/" + database + "?connectTimeout=5s"
          + (query.isEmpty() ? "" : "&" + query);
    }
  }

  private static final List<Syntax> SYNTAXES = List.of(
      new Syntax("postgres", "postgres://"), new Syntax("postgresql", "postgresql://"),
      new Syntax("jdbc", "jdbc:postgresql://"));

  /** A malformed part: the hosts, database, query parameter and password to write, and what the message must say. */
  private record Bad(String what, String hosts, String database, String query, String password, String says) {}

  private static final List<Bad> BAD_PARTS = List.of(
      new Bad("a port that is not a number", "127.0.0.1:notaport", "test", "", PASSWORD,
          "port 'notaport' of host 127.0.0.1"),
      new Bad("port 0", "127.0.0.1:0", "test", "", PASSWORD, "port '0' of host 127.0.0.1"),
      new Bad("port 99999", "127.0.0.1:99999", "test", "", PASSWORD, "port '99999' of host 127.0.0.1"),
      new Bad("port 65536", "127.0.0.1:65536", "test", "", PASSWORD, "port '65536'"),
      new Bad("a negative port", "127.0.0.1:-1", "test", "", PASSWORD, "port '-1'"),
      new Bad("a port with a space", "127.0.0.1:54 32", "test", "", PASSWORD, "port '54 32'"),
      new Bad("an empty port", "127.0.0.1:", "test", "", PASSWORD, "empty port after the host 127.0.0.1"),
      new Bad("a bad port of the second host", "127.0.0.1:5432,127.0.0.2:x", "test", "", PASSWORD,
          "port 'x' of host 127.0.0.2"),
      new Bad("an empty entry in the host list", "127.0.0.1,,127.0.0.2", "test", "", PASSWORD, "empty entry"),
      new Bad("a bracket that is not closed", "[::1", "test", "", PASSWORD, "'[' but no ']'"),
      new Bad("brackets around a name", "[db.example]", "test", "", PASSWORD, "not an IPv6 address"),
      new Bad("text after the brackets", "[::1]5432", "test", "", PASSWORD, "'5432' after the host [::1]"),
      new Bad("a bad port after the brackets", "[::1]:http", "test", "", PASSWORD, "port 'http' of host [::1]"),
      new Bad("a character a host name cannot hold", "db!example", "test", "", PASSWORD,
          "host 'db!example', which is not a host name"),
      new Bad("a malformed percent-escape in the password", "127.0.0.1", "test", "", "hun%zzter22",
          "malformed percent-escape in the "),
      new Bad("a malformed percent-escape in the database", "127.0.0.1", "te%4", "", PASSWORD,
          "malformed percent-escape in the database name"),
      new Bad("a malformed percent-escape in a query value", "127.0.0.1", "test", "sslmode=%zz", PASSWORD,
          "malformed percent-escape in the value of sslmode"),
      new Bad("bytes that are not UTF-8", "127.0.0.1", "te%FFst", "", PASSWORD, "percent-escape in the database name"),
      new Bad("an unknown option", "127.0.0.1", "test", "colour=blue", PASSWORD, "unknown option 'colour'"),
      new Bad("an option set twice", "127.0.0.1", "test", "schema=a&schema=b", PASSWORD, "'schema' more than once"),
      new Bad("a '/' in the database", "127.0.0.1", "te/st", "", PASSWORD, "database 'te/st' with a '/'"),
      new Bad("a raw '@' in a query value", "127.0.0.1", "test", "ApplicationName=me@work", PASSWORD,
          "cannot be read reliably"),
      new Bad("a bad option value", "127.0.0.1", "test", "poolSize=lots", PASSWORD, "poolSize must be"));

  /** Forms that are malformed as a whole, not in one part. */
  private static final List<Arguments> WHOLE = List.of(
      Arguments.of("no '//' (postgres)", "postgres:test?password=hunter22", "no '//' after the scheme"),
      Arguments.of("no '//' (postgresql)", "postgresql:app:hunter22@127.0.0.1/test", "'//'"),
      Arguments.of("a single '/' (postgres)", "postgres:/app:hunter22@127.0.0.1/test", "'//'"),
      Arguments.of("another database's scheme", "mysql://app:hunter22@127.0.0.1/test", "not a PostgreSQL DSN"),
      Arguments.of("a mistyped scheme", "postgres//app:hunter22@127.0.0.1/test", "not a PostgreSQL DSN"),
      Arguments.of("no scheme", "app:hunter22@127.0.0.1/test", "not a PostgreSQL DSN"),
      Arguments.of("a jdbc database with a '/'", "jdbc:postgresql:te/st?password=hunter22", "with a '/'"),
      Arguments.of("credentials after the query (postgres)", "postgres://127.0.0.1/test?user=app@x&password=hunter22",
          "cannot be read reliably"),
      Arguments.of("a query password before the last '@'", "postgres://127.0.0.1:5432?password=hunter22@x",
          "cannot be read reliably"));

  static Stream<Arguments> malformedDsns() {
    List<Arguments> all = new ArrayList<>();
    for (Syntax syntax : SYNTAXES) {
      for (Bad bad : BAD_PARTS) {
        all.add(Arguments.of(syntax.name() + ": " + bad.what(),
            syntax.dsn(bad.hosts(), bad.database(), bad.query(), bad.password()), bad.says()));
      }
    }
    all.addAll(WHOLE);
    return all.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("malformedDsns")
  @DisplayName("a malformed DSN is an IllegalArgumentException naming the part, before any connection is tried")
  void aMalformedDsnIsRefusedBeforeConnecting(String what, String dsn, String says) {
    long start = System.nanoTime();
    Throwable fromBuilder = catchThrowable(() -> PostgresDriver.builder().dsn(dsn).build().close());
    Throwable fromDrivers = catchThrowable(() -> Drivers.open(dsn).close());
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(fromBuilder).as("PostgresDriver.builder().dsn(...).build()").isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(says);
    if (!says.startsWith("poolSize")) {
      assertThat(fromBuilder).hasMessageStartingWith("dsn '");
    }
    assertThat(fromDrivers).as("Drivers.open: refused, or no driver accepts it (another scheme); no DriverException")
        .isInstanceOfAny(IllegalArgumentException.class, DriverNotFoundException.class)
        .isNotInstanceOf(DriverException.class);
    for (Throwable thrown : List.of(fromBuilder, fromDrivers)) {
      Leaks leaks = new Leaks().add(what, thrown);
      assertThat(leaks.shown()).doesNotContain("hunter22").doesNotContain("hun%zzter22").doesNotContain("zzter");
    }
    assertThat(took).as("no connect timeout was waited for").isLessThan(Duration.ofSeconds(4));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedDsns")
  @DisplayName("Dsn.parse refuses the same DSNs (the builder's refusal is the parser's)")
  void theParserRefusesThem(String what, String dsn, String says) {
    Throwable thrown = catchThrowable(() -> Dsn.parse(dsn));

    if (says.startsWith("poolSize")) {
      assertThat(thrown).as("an option's value is checked when the options are read, after parsing").isNull();
    } else {
      assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(says)
          .hasMessageNotContaining("hunter22");
    }
  }
}
