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
  @DisplayName("a string that is not a URI is an IllegalArgumentException that does not echo a password")
  void notAUri() {
    assertThatThrownBy(() -> Drivers.open("postgres://user:s3cret@host/db name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("s3cret");
  }

  @Test
  @DisplayName("DriverConfig never shows a password, in the URI or in options")
  void redaction() {
    DriverConfig config = new DriverConfig(URI.create("postgres://app:s3cret@db:5432/app?sslmode=require"),
        Map.of("password", "hunter2", "poolSize", "4"));
    assertThat(config.toString()).doesNotContain("s3cret").doesNotContain("hunter2").contains("poolSize=4");
    assertThat(config.redactedUri()).isEqualTo("postgres://app:REDACTED@db:5432/app?sslmode=require");
    assertThat(DriverConfig.redact("jdbc:postgresql://db/app?user=app&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/app?user=app&password=REDACTED&ssl=true");
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
