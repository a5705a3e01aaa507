package io.taskharbor.tck;

import io.taskharbor.spi.Driver;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.TestInfo;

/**
 * The base of every TCK group: it makes drivers through the implementer's fixture, closes them after each test, gives
 * the test a {@link TestClock}, and names each test after its rule ({@link RuleDisplayNames}).
 */
@DisplayNameGeneration(RuleDisplayNames.class)
public abstract class TckGroup {
  private final Supplier<Driver> newDriver;
  private final UnaryOperator<Driver> sameStorage;
  private final Supplier<OptionalInt> maxPayloadBytes;
  private final List<Driver> opened = new ArrayList<>();
  private @Nullable Driver driver;
  private @Nullable Driver second;
  private @Nullable Method test;

  /** A fresh clock per test, at {@link TestClock#START}. */
  protected final TestClock clock = new TestClock();

  protected TckGroup(DriverTck tck) {
    this.newDriver = tck::newDriver;
    this.sameStorage = tck::sameStorageAs;
    this.maxPayloadBytes = tck::maxPayloadBytes;
  }

  /** Returns this test's driver (over empty storage), made on first use. */
  protected final Driver driver() {
    Driver d = driver;
    if (d == null) {
      d = track(newDriver.get());
      driver = d;
    }
    return d;
  }

  /**
   * Returns another driver over the same storage as {@link #driver()} (or the same instance), made on first use and
   * the same for the rest of the test: a test that calls it in a loop opens one client, not one per call (a driver
   * with a pool of its own per call once exhausted the database's connections).
   */
  protected final Driver secondClient() {
    Driver s = second;
    if (s == null) {
      Driver first = driver();
      s = sameStorage.apply(first);
      if (s != first) {
        track(s);
      }
      second = s;
    }
    return s;
  }

  /** Returns a new driver over new, empty storage, closed after the test. */
  protected final Driver freshDriver() {
    return track(newDriver.get());
  }

  /** Returns the payload limit the implementer declared ({@link DriverTck#maxPayloadBytes()}). */
  protected final OptionalInt declaredMaxPayloadBytes() {
    return maxPayloadBytes.get();
  }

  /**
   * Ends an {@code untested_} rule's test as not verified: JUnit reports it as skipped (aborted), with a message that
   * names the rule and how to check it yourself, as the reactive-streams TCK's {@code notVerified()} does.
   */
  protected final void notVerified() {
    Method m = test;
    TckRules.Entry rule = m == null ? null : TckRules.ruleOf(getClass(), m).orElse(null);
    if (rule == null) {
      Assumptions.abort("NOT VERIFIED: a rule of the contract that no test can observe");
      return;
    }
    Assumptions.abort("NOT VERIFIED: " + rule.id() + " is a rule of the contract that no test can observe: "
        + rule.text() + ". Check it yourself: " + rule.ifFails() + ".");
  }

  private Driver track(Driver d) {
    opened.add(d);
    return d;
  }

  @BeforeEach
  final void rememberTest(TestInfo info) {
    test = info.getTestMethod().orElse(null);
  }

  @AfterEach
  final void closeDrivers() {
    for (Driver d : opened) {
      d.close();
    }
    opened.clear();
    driver = null;
    second = null;
  }
}
