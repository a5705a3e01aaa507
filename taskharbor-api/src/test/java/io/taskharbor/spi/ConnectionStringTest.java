package io.taskharbor.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one split that decides both what a driver takes as the password and what is redacted. */
class ConnectionStringTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      // text | raw password | hosts | path | redacted
      "postgres://postgres:p@ssw0rd@127.0.0.1:5432/test | p@ssw0rd | 127.0.0.1:5432 | /test "
          + "| postgres://postgres:REDACTED@127.0.0.1:5432/test",
      "postgres://postgres:pass word@h/db | pass word | h | /db | postgres://postgres:REDACTED@h/db",
      "postgres://postgres:pa/ss@h/db | pa/ss | h | /db | postgres://postgres:REDACTED@h/db",
      "postgresql://u:a?b#c:d@h1:1,h2:2/db?sslmode=require | a?b#c:d | h1:1,h2:2 | /db "
          + "| postgresql://u:REDACTED@h1:1,h2:2/db?sslmode=require",
      "postgres://:only@h | only | h | \"\" | postgres://:REDACTED@h",
      "postgres://admin@srv:pw@db.example/db | pw | db.example | /db | postgres://admin@srv:REDACTED@db.example/db",
      "jdbc:postgresql://u:pa/ss@h/db?ApplicationName=x | pa/ss | h | /db "
          + "| jdbc:postgresql://u:REDACTED@h/db?ApplicationName=x",
      "\"  postgres://u:pw@h/db  \" | pw | h | /db | postgres://u:REDACTED@h/db"})
  @DisplayName("the user info is everything before the last '@', the password everything after its first ':'")
  void theUserInfoRunsToTheLastAt(String text, String password, String hosts, String path, String redacted) {
    ConnectionString split = ConnectionString.parse(text);

    assertThat(split.rawPassword()).contains(password);
    assertThat(split.hosts()).isEqualTo(hosts);
    assertThat(split.path()).isEqualTo(path);
    assertThat(split.ambiguity()).isEmpty();
    assertThat(split.redacted()).isEqualTo(redacted).doesNotContain(password);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      // the generic split knows no keys: a sensitive value runs to the end
      "jdbc:postgresql://h/db?user=u&password=Zq9secret x | jdbc:postgresql://h/db?user=u&password=REDACTED",
      "jdbc:postgresql://h/db?password=s3&ssl=true | jdbc:postgresql://h/db?password=REDACTED",
      "jdbc:postgresql://h/db?user=admin@srv&password=x@y#z | jdbc:postgresql://h/db?user=admin@srv&password=REDACTED",
      "jdbc:postgresql:db?pass%77ord=x&a=b | jdbc:postgresql:db?pass%77ord=REDACTED",
      "postgres://h/db?PASSWORD=x | postgres://h/db?PASSWORD=REDACTED",
      "postgres://h/db?sslmode=verify-full&sslpassword=k3y | postgres://h/db?sslmode=verify-full&sslpassword=REDACTED",
      "x://h/?api_token=t&client_secret=s | x://h/?api_token=REDACTED",
      "postgres://h/db?password | postgres://h/db?password",
      "memory: | memory:",
      "memory:/ | memory:/"})
  @DisplayName("password, secret and token values of the query are redacted whole")
  void sensitiveQueryValuesAreRedacted(String text, String redacted) {
    assertThat(ConnectionString.parse(text).redacted()).isEqualTo(redacted);
  }

  @Test
  @DisplayName("with known keys, a query password runs to the next '&' that starts a known key")
  void aQueryPasswordRunsToTheNextKnownKey() {
    ConnectionString split = ConnectionString.parse(
        "jdbc:postgresql://h/db?password=a b&c=d&&ssl=1&sslmode=require", Set.of("ssl", "sslmode")::contains);

    assertThat(split.parameters()).containsExactly(
        new ConnectionString.Parameter("password", "a b&c=d&", true),
        new ConnectionString.Parameter("ssl", "1", false),
        new ConnectionString.Parameter("sslmode", "require", false));
    assertThat(split.redacted()).isEqualTo("jdbc:postgresql://h/db?password=REDACTED&ssl=1&sslmode=require");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "postgres://h/db?application_name=me@work | postgres://REDACTED",
      "postgres://h?user=admin@srv&password=pw | postgres://REDACTED",
      "postgres://h:5432?password=x@abc | postgres://REDACTED",
      "postgres://u:p@h:5432/db?application_name=me@work | postgres://REDACTED",
      "jdbc:postgresql://h/db?ApplicationName=me@work | jdbc:postgresql://REDACTED",
      "jdbc:postgresql://u:123?x=y@h/db | jdbc:postgresql://REDACTED",
      "jdbc:postgresql://u:pa?ss@h/db | jdbc:postgresql://REDACTED",
      "jdbc:postgresql:db?x=a@b | jdbc:postgresql:REDACTED",
      "postgres:/u:pw@h/db | postgres:REDACTED",
      "postgres:u:pw@h/db | postgres:REDACTED"})
  @DisplayName("when a raw '@' leaves the user info uncertain, the split says why and everything is redacted")
  void anUncertainUserInfoRedactsEverything(String text, String redacted) {
    ConnectionString split = ConnectionString.parse(text);

    assertThat(split.ambiguity()).isPresent();
    assertThat(split.redacted()).isEqualTo(redacted);
    assertThat(split.uriSafe()).isEmpty();
  }

  @Test
  void aStringWithoutASchemeIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> ConnectionString.parse("//u:s3cret@h/db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("s3cret");
  }

  @Test
  @DisplayName("percent-escapes decode as UTF-8, a plus stays a plus, and a bad escape is refused without the text")
  void decoding() {
    assertThat(ConnectionString.decode("p%40ss%2Fw%C3%A9+x", "password")).isEqualTo("p@ss/wé+x");
    assertThat(ConnectionString.decode("pässwörd", "password")).isEqualTo("pässwörd");
    assertThatThrownBy(() -> ConnectionString.decode("50%off", "password"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("password")
        .hasMessageNotContaining("50%off").hasMessageNotContaining("off");
    assertThatThrownBy(() -> ConnectionString.decode("ab%FFcd", "password"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("ab%FF");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "postgres://u:pass word@h/db | postgres://u:pass%20word@h/db",
      "postgres://u:a[b]{c}@h/db | postgres://u:a%5Bb%5D%7Bc%7D@h/db",
      "postgres://u:p@ss/w?rd#é@h/db | postgres://u:p%40ss%2Fw%3Frd%23%C3%A9@h/db",
      "postgres://u:ok%41@h/my db | postgres://u:ok%41@h/my%20db",
      "jdbc:postgresql://h/db?user=u&password=Zq9secret x | jdbc:postgresql://h/db?user=u&password=Zq9secret%20x"})
  @DisplayName("uriSafe percent-encodes only what java.net.URI cannot hold, keeping every decoded value")
  void uriSafe(String text, String safe) {
    assertThat(ConnectionString.parse(text).uriSafe()).contains(safe);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "postgres://u:p w@h/db | postgres://u:REDACTED@h/db",
      "postgres//u:p w@h/db | postgres//u:REDACTED@h/db",
      "app:p w@h/db | app:REDACTED",
      "u:p w@h/db | u:REDACTED",
      "//u:p w@h/db | //u:REDACTED@h/db",
      "h:5432/db?user=u&password=p w | h:5432/db?user=u&password=REDACTED",
      "jdbc:sqlserver://h;user=u;password=pw;databaseName=x | jdbc:sqlserver://h;user=u;password=REDACTED"})
  @DisplayName("redact hides a password even where the string cannot be split, redacting more, never less")
  void redactAStringMeantAsAConnectionString(String text, String redacted) {
    assertThat(ConnectionString.redact(text)).isEqualTo(redacted);
  }
}
