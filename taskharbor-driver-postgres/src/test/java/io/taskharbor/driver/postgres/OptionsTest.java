package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** TaskHarbor's options: documented defaults, accepted spellings, and bad values refused (never coerced). */
class OptionsTest {

  @Test
  void absentOptionsTakeTheirDocumentedDefaults() {
    Options o = Options.parse(Map.of());

    assertThat(o).isEqualTo(new Options("public", 10, 10, Duration.ofSeconds(10), 1_048_576, false));
  }

  @Test
  void everyOptionIsRead() {
    Options o = Options.parse(Map.of("schema", "jobs", "poolSize", "20", "minIdle", "2", "connectTimeout", "500ms",
        "maxPayloadBytes", "4096", "autoMigrate", "TRUE"));

    assertThat(o).isEqualTo(new Options("jobs", 20, 2, Duration.ofMillis(500), 4096, true));
  }

  @Test
  void durationsAreSecondsByDefaultOrCarryAUnit() {
    assertThat(Options.duration("connectTimeout", "7")).isEqualTo(Duration.ofSeconds(7));
    assertThat(Options.duration("connectTimeout", "7s")).isEqualTo(Duration.ofSeconds(7));
    assertThat(Options.duration("connectTimeout", "750ms")).isEqualTo(Duration.ofMillis(750));
    assertThat(Options.duration("connectTimeout", "2m")).isEqualTo(Duration.ofMinutes(2));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '=', value = {
      "poolSize=0", "poolSize=abc", "poolSize=1001", "minIdle=11", "minIdle=-1", "connectTimeout=100ms",
      "connectTimeout=2h", "connectTimeout=soon", "maxPayloadBytes=1", "autoMigrate=yes", "schema=Public",
      "schema=1jobs", "schema=jobs-2", "schema=a234567890123456789012345678901234567890123456789012345678901234",
      "color=blue"})
  void badValuesAreRefusedNamingTheOption(String key, String value) {
    Throwable thrown = catchThrowable(() -> Options.parse(Map.of(key, value)));

    assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key);
  }
}
