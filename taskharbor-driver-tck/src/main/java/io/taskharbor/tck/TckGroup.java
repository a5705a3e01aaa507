package io.taskharbor.tck;

import io.taskharbor.spi.Driver;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;

/**
 * The base of every TCK group: it makes drivers through the implementer's fixture, closes them after each test, and
 * gives the test a {@link TestClock}.
 */
public abstract class TckGroup {
  private final Supplier<Driver> newDriver;
  private final UnaryOperator<Driver> sameStorage;
  private final List<Driver> opened = new ArrayList<>();
  private Driver driver;

  /** A fresh clock per test, at {@link TestClock#START}. */
  protected final TestClock clock = new TestClock();

  protected TckGroup(DriverTck tck) {
    this.newDriver = tck::newDriver;
    this.sameStorage = tck::sameStorageAs;
  }

  /** Returns this test's driver (over empty storage), made on first use. */
  protected final Driver driver() {
    if (driver == null) {
      driver = track(newDriver.get());
    }
    return driver;
  }

  /** Returns another driver over the same storage as {@link #driver()} (or the same instance). */
  protected final Driver secondClient() {
    Driver second = sameStorage.apply(driver());
    return second == driver ? second : track(second);
  }

  /** Returns a new driver over new, empty storage, closed after the test. */
  protected final Driver freshDriver() {
    return track(newDriver.get());
  }

  private Driver track(Driver d) {
    opened.add(d);
    return d;
  }

  @AfterEach
  final void closeDrivers() {
    for (Driver d : opened) {
      d.close();
    }
    opened.clear();
    driver = null;
  }
}
