package io.taskharbor.tck;

import io.taskharbor.spi.Driver;

/**
 * The whole TCK against {@link IgnoresLeaseExpiryDriver}, a driver broken on purpose. Its name keeps it out of the normal test run
 * (it is expected to fail); {@link TckTeethTest} runs it and checks that it fails on the right rules.
 */
class IgnoresLeaseExpiryTck extends DriverTck {
  @Override
  protected Driver newDriver() {
    return new IgnoresLeaseExpiryDriver();
  }
}
