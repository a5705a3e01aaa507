package io.taskharbor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  @DisplayName("exponential backoff with equal jitter stays within [d/2, d], d = min(max, base * 2^(n-1))")
  void bounds() {
    Backoff backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1));
    for (int attempt = 1; attempt <= 100; attempt++) {
      long d = Math.min(60_000L, attempt > 20 ? Long.MAX_VALUE : 1000L << (attempt - 1));
      for (int i = 0; i < 50; i++) {
        long millis = backoff.delay(attempt).toMillis();
        assertThat(millis).as("attempt %d", attempt).isBetween(d / 2, d);
      }
    }
  }

  @Test
  @DisplayName("the default grows from about a second and is capped at an hour")
  void defaults() {
    Backoff backoff = Backoff.defaultBackoff();
    assertThat(backoff.delay(1)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(backoff.delay(25)).isBetween(Duration.ofMinutes(30), Duration.ofHours(1));
  }

  @Test
  @DisplayName("bad bounds and attempts are refused with the argument's name")
  void badArguments() {
    assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1))).hasMessageContaining("base");
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("max");
    assertThatThrownBy(() -> Backoff.defaultBackoff().delay(0)).hasMessageContaining("attempt");
  }
}
