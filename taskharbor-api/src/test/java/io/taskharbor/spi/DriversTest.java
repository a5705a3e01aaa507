package io.taskharbor.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskharbor.api.AmbiguousDriverException;
import io.taskharbor.api.DriverNotFoundException;
import io.taskharbor.api.IncompatibleDriverException;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DriversTest {

  @Test
  @DisplayName("the one provider accepting a URI opens the driver; a broken provider does not hide the others")
  void opensTheAcceptingProvider() {
    try (Driver driver = Drivers.open("beta://host/db")) {
      assertThat(driver.name()).isEqualTo("alpha");
    }
    assertThat(Drivers.providers(Drivers.class.getClassLoader())).extracting(DriverProvider::name)
        .containsExactlyInAnyOrder("alpha", "also-alpha", "outdated");
  }

  @Test
  @DisplayName("two providers accepting one URI is an AmbiguousDriverException naming both")
  void ambiguous() {
    assertThatThrownBy(() -> Drivers.open("alpha://host/db"))
        .isInstanceOf(AmbiguousDriverException.class)
        .hasMessageContaining("alpha")
        .hasMessageContaining("also-alpha")
        .hasMessageContaining("Remove one of these jars")
        .satisfies(e -> assertThat(((AmbiguousDriverException) e).candidates())
            .hasSize(2)
            .allSatisfy(candidate -> assertThat(candidate).as("names where the provider came from")
                .contains("test-classes")));
  }

  @Test
  @DisplayName("a URI no provider accepts is a DriverNotFoundException listing the providers present")
  void notFound() {
    assertThatThrownBy(() -> Drivers.open("gamma://host/db"))
        .isInstanceOf(DriverNotFoundException.class)
        .hasMessageContaining("alpha");
  }

  @Test
  @DisplayName("with no URI and no memory driver, openDefault asks for a URI")
  void noDefault() {
    assertThatThrownBy(Drivers::openDefault)
        .isInstanceOf(DriverNotFoundException.class)
        .hasMessageContaining("URI");
  }

  @Test
  @DisplayName("a string that is not a URI is an IllegalArgumentException that does not echo a password, even in "
      + "its causes")
  void notAUri() {
    assertThatThrownBy(() -> Drivers.open("postgres://user:s3cret@ho st/db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("postgres://user:REDACTED@ho st/db")
        .hasMessageNotContaining("s3cret")
        .hasNoCause();
    assertThatThrownBy(() -> Drivers.open("postgres://user:pa5s wrd@host/db?application_name=me@work"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("postgres://REDACTED")
        .hasMessageNotContaining("wrd")
        .hasNoCause();
    assertThatThrownBy(() -> Drivers.open("postgres//user:s3cret@host/db"))
        .isInstanceOf(DriverNotFoundException.class)
        .hasMessageNotContaining("s3cret");
  }

  @Test
  @DisplayName("a password java.net.URI cannot hold raw is percent-encoded, so the driver reads the same password")
  void aPasswordThatIsNotUriSafeIsEncoded() {
    assertThat(DriverConfig.of("beta://u:pass word[1]@host/my db").uri().toString())
        .isEqualTo("beta://u:pass%20word%5B1%5D@host/my%20db");
    assertThat(DriverConfig.of("beta://u:p@ss/w?rd@host/db").uri().toString())
        .as("what java.net.URI takes is kept as given").isEqualTo("beta://u:p@ss/w?rd@host/db");
    assertThat(DriverConfig.of("memory:").uri().toString()).isEqualTo("memory:/");
    try (Driver driver = Drivers.open("beta://u:pass word@host/db")) {
      assertThat(driver.name()).isEqualTo("alpha");
    }
    assertThatThrownBy(() -> DriverConfig.of("beta://u:50%off now@host/db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed percent-escape in the password")
        .hasMessageNotContaining("off");
  }

  @Test
  @DisplayName("DriverConfig never shows a password, in the URI or in options")
  void redaction() {
    DriverConfig config = new DriverConfig(URI.create("postgres://app:s3cret@db:5432/app?sslmode=require"),
        Map.of("password", "hunter2", "poolSize", "4"));
    assertThat(config.toString()).doesNotContain("s3cret").doesNotContain("hunter2").contains("poolSize=4");
    assertThat(config.redactedUri()).isEqualTo("postgres://app:REDACTED@db:5432/app?sslmode=require");
    // The generic redaction knows no driver's keys, so a query password runs to the end: "s3cret&ssl=true" may be
    // the password. (The PostgreSQL driver's own redaction, which knows its keys, shows &ssl=true.)
    assertThat(DriverConfig.redact("jdbc:postgresql://db/app?user=app&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/app?user=app&password=REDACTED");
    assertThat(DriverConfig.of(URI.create("postgres://postgres:p@ssw0rd@127.0.0.1:5432/test")).toString())
        .isEqualTo("DriverConfig[uri=postgres://postgres:REDACTED@127.0.0.1:5432/test, options={}]");
  }

  @Test
  @DisplayName("redact finds a connection string in free text, and redacts after password= there too")
  void redactionOfFreeText() {
    assertThat(DriverConfig.redact("connect to postgres://u:p w@h/db failed"))
        .isEqualTo("connect to postgres://u:REDACTED@h/db failed");
    assertThat(DriverConfig.redact("Error:postgres://u:pw@h/db")).isEqualTo("Error:postgres://u:REDACTED@h/db");
    assertThat(DriverConfig.redact("bad url jdbc:postgresql://h/db?user=u&password=a b c"))
        .isEqualTo("bad url jdbc:postgresql://h/db?user=u&password=REDACTED");
    assertThat(DriverConfig.redact("jdbc:sqlserver://h;user=u;password=pw;databaseName=x"))
        .isEqualTo("jdbc:sqlserver://h;user=u;password=REDACTED");
    assertThat(DriverConfig.redact("FATAL: Password=abc def")).isEqualTo("FATAL: Password=REDACTED");
    assertThat(DriverConfig.redact("postgres//u:pw@h/db")).as("a mistyped scheme")
        .isEqualTo("postgres//u:REDACTED@h/db");
    assertThat(DriverConfig.redact("ERROR: duplicate key (k)=(a:b@c) already exists"))
        .as("a message is not a connection string").isEqualTo("ERROR: duplicate key (k)=(a:b@c) already exists");
    assertThat(DriverConfig.redact("//u:pw@h/db")).isEqualTo("//u:REDACTED@h/db");
    assertThat(DriverConfig.redact("Connection to 127.0.0.1:1 refused"))
        .isEqualTo("Connection to 127.0.0.1:1 refused");
  }

  @Test
  @DisplayName("a driver built for another SPI version is refused before it is opened, naming both versions")
  void incompatibleSpiVersion() {
    assertThatThrownBy(() -> Drivers.open("outdated://host/db"))
        .isInstanceOfSatisfying(IncompatibleDriverException.class, e -> {
          assertThat(e.builtFor()).isEqualTo(1);
          assertThat(e.required()).isEqualTo(DriverProvider.SPI_VERSION);
          assertThat(e.driver()).contains("outdated").contains("test-classes");
        })
        .hasMessageContaining("SPI version 1")
        .hasMessageContaining("SPI version " + DriverProvider.SPI_VERSION);
  }

  @Test
  @DisplayName("a provider returns the SPI version it was compiled against")
  void compiledVersion() {
    assertThat(new TestProviders.Alpha().spiVersion()).isEqualTo(DriverProvider.SPI_VERSION);
    assertThat(new TestProviders.Outdated().spiVersion()).isEqualTo(1);
  }
}
