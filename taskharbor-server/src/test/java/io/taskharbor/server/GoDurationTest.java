package io.taskharbor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

  @ParameterizedTest(name = "{0} is {1} ns")
  @CsvSource({
      "0, 0",
      "500ms, 500000000",
      "10s, 10000000000",
      "1m, 60000000000",
      "1m30s, 90000000000",
      "1h, 3600000000000",
      "2h45m10s, 9910000000000",
      "1.5h, 5400000000000",
      "0.5s, 500000000",
      ".5s, 500000000",
      "1.s, 1000000000",
      "250us, 250000",
      "250µs, 250000",
      "250μs, 250000",
      "42ns, 42",
      "1s500ms, 1500000000",
      "0s, 0",
      "00010s, 10000000000",
      "1.0000000001s, 1000000000",
  })
  void readsWhatGoReads(String text, long nanos) {
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest(name = "''{0}'' is refused")
  @ValueSource(strings = {"", "10", "s", "1x", "1 s", " 1s", "1s ", "-1s", "+1s", "1..5s", ".s", "1sec", "1S",
      "1H", "1d", "1w", "10s5", "ms10", "1e3ms", "1,5s", "3000000h"})
  void refusesWhatGoRefusesAndSigns(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{1} ns is written {0}")
  @CsvSource({
      "0s, 0",
      "500ms, 500000000",
      "1.5ms, 1500000",
      "250µs, 250000",
      "42ns, 42",
      "1s, 1000000000",
      "1.5s, 1500000000",
      "1m0s, 60000000000",
      "1m30s, 90000000000",
      "1h0m0s, 3600000000000",
      "2h45m10s, 9910000000000",
  })
  void writesAsGoWrites(String text, long nanos) {
    assertThat(GoDuration.format(Duration.ofNanos(nanos))).isEqualTo(text);
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }
}
