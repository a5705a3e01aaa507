package io.taskharbor.tck;

import io.taskharbor.spi.Driver;

/**
 * The whole TCK against the reference model: the contract groups and the model are written independently, so each
 * checks the other. (The property group compares the model with itself here; it still checks that the machinery
 * runs every step kind without a false alarm.)
 */
class ModelDriverContractTest extends DriverTck {
  @Override
  protected Driver newDriver() {
    return new ModelDriver();
  }
}
