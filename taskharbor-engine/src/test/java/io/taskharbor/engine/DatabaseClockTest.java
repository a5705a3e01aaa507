package io.taskharbor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskharbor.api.DriverException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DatabaseClockTest {

  /** A local clock that runs with the system's, shifted by a fixed amount. */
  private static InstantSource shifted(Duration by) {
    return () -> Instant.now().plus(by);
  }

  @Test
  @DisplayName("a local clock 10 s ahead or behind reads the server's time, within the estimated error")
  void correctsASkewedLocalClock() {
    for (Duration skew : new Duration[] {Duration.ofSeconds(10), Duration.ofSeconds(-10)}) {
      DatabaseClock clock = new DatabaseClock(shifted(skew), Instant::now);
      assertThat(clock.offset()).as("offset for skew %s", skew)
          .isBetween(skew.negated().minusMillis(20), skew.negated().plusMillis(20));
      Duration off = Duration.between(Instant.now(), clock.instant()).abs();
      assertThat(off).isLessThan(Duration.ofMillis(50));
      assertThat(clock.estimatedError()).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(Duration.ofMillis(50));
    }
  }

  @Test
  @DisplayName("the offset comes from the fastest round trip, and its error is half that trip")
  void fastestRoundTripWins() {
    AtomicLong localMicros = new AtomicLong(1_000_000_000L);
    InstantSource local = () -> Instant.EPOCH.plusNanos(localMicros.get() * 1000);
    AtomicInteger call = new AtomicInteger();
    // Each server read costs local time: slow (10 ms) except the fourth (2 ms); the server is 5 s ahead.
    DatabaseClock clock = new DatabaseClock(local, () -> {
      long cost = call.incrementAndGet() == 4 ? 2_000 : 10_000;
      localMicros.addAndGet(cost / 2);
      Instant server = Instant.EPOCH.plusNanos(localMicros.get() * 1000).plusSeconds(5);
      localMicros.addAndGet(cost / 2);
      return server;
    });
    assertThat(clock.offset()).isEqualTo(Duration.ofSeconds(5));
    assertThat(clock.estimatedError()).isEqualTo(Duration.ofMillis(1));
  }

  @Test
  @DisplayName("time never runs backwards when a new estimate moves the offset back")
  void monotonic() {
    AtomicLong serverShift = new AtomicLong(0);
    DatabaseClock clock = new DatabaseClock(InstantSource.system(),
        () -> Instant.now().plusMillis(serverShift.get()));
    serverShift.set(5_000);
    clock.sync();
    Instant ahead = clock.instant();
    serverShift.set(0);
    clock.sync();
    assertThat(clock.instant()).isAfterOrEqualTo(ahead);
  }

  @Test
  @DisplayName("a server that cannot be read fails the clock's creation with the driver's error")
  void unreadableServer() {
    assertThatThrownBy(() -> new DatabaseClock(InstantSource.system(), () -> {
      throw new DriverException("connection refused", null, true);
    })).isInstanceOf(DriverException.class);
  }
}
