package io.taskharbor.tck;

import io.taskharbor.spi.Driver;

/**
 * The whole TCK against {@link GlobalIdempotencyKeysDriver}, a driver broken on purpose. Its name keeps it out of the normal test run
 * (it is expected to fail); {@link TckTeethTest} runs it and checks that it fails on the right rules.
 */
class GlobalIdempotencyKeysTck extends DriverTck {
  @Override
  protected Driver newDriver() {
    return new GlobalIdempotencyKeysDriver();
  }
}
