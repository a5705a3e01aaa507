package io.taskharbor.tck;

import io.taskharbor.spi.Driver;

/**
 * The reference model without any extension (no notifications, no coordination, no statistics) and without a
 * payload limit: the driver every {@code optional_} rule must be skipped for. Not broken.
 */
final class NoExtensionsDriver extends ForwardingDriver {

  /** The TCK against this driver; {@link TckRulesDocTest} runs its optional rules (a nested class, skipped by the build's run). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new NoExtensionsDriver();
    }
  }
}
