package io.taskharbor.driver.memory;

import io.taskharbor.spi.Driver;
import io.taskharbor.tck.DriverTck;

/** The whole TCK against the memory driver. */
class MemoryDriverContractTest extends DriverTck {
  @Override
  protected Driver newDriver() {
    return new MemoryDriver();
  }
}
