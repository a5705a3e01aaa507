package io.taskharbor.tck;

import io.taskharbor.spi.Driver;
import java.util.function.Supplier;

/** Runs a real engine {@code Worker} on the driver under test with a controllable clock. */
public abstract class WorkerContract {
  protected final Supplier<Driver> drivers;

  protected WorkerContract(Supplier<Driver> drivers) {
    this.drivers = drivers;
  }
}
