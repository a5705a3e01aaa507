package io.taskharbor.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.spi.Driver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A test opens at most one second client, however often it asks for one. A PostgreSQL second client has a pool of its
 * own; the lost-lease rule (WRK-05) once asked for one per retry of its steal loop and ran the database out of
 * connections ("too many clients already") in CI.
 */
class SecondClientPerTestTest {

  /** Second clients opened, per first driver (one first driver per test). */
  static final Map<Driver, AtomicInteger> OPENED = new ConcurrentHashMap<>();

  /** A driver over the model whose second clients are counted. */
  static final class Counted extends ForwardingDriver {
  }

  /** The TCK with a counting second client; run by the test below, skipped by the build's own scan (nested). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new Counted();
    }

    @Override
    protected Driver sameStorageAs(Driver first) {
      OPENED.computeIfAbsent(first, d -> new AtomicInteger()).incrementAndGet();
      return first;
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  @DisplayName("the worker and concurrency groups open at most one second client per test")
  void oneSecondClientPerTest() {
    OPENED.clear();
    var run = TckTeethTest.runGroups(Tck.class, DriverTck.Worker.class, DriverTck.Concurrency.class);

    assertThat(run).as("the groups ran").isNotEmpty();
    assertThat(TckTeethTest.failedIds(run)).as("no rule failed").isEmpty();
    assertThat(OPENED).as("some test asked for a second client").isNotEmpty();
    assertThat(OPENED.values()).extracting(AtomicInteger::get).allSatisfy(n -> assertThat(n).isEqualTo(1));
  }
}
