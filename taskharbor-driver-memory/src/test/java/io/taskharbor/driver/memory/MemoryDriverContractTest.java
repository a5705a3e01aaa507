package io.taskharbor.driver.memory;

import io.taskharbor.spi.Driver;
import io.taskharbor.spi.support.DriverRules;
import io.taskharbor.tck.DriverTck;
import java.util.OptionalInt;

/** The whole TCK against the memory driver, with its default payload limit. */
class MemoryDriverContractTest extends DriverTck {
  @Override
  protected Driver newDriver() {
    return new MemoryDriver();
  }

  @Override
  protected OptionalInt maxPayloadBytes() {
    return OptionalInt.of(DriverRules.DEFAULT_MAX_PAYLOAD_BYTES);
  }
}
