package io.taskharbor.spi;

/** Optional driver abilities: the engine discovers them with {@link Driver#capabilities()} and never assumes them. */
public enum Capability {
  /**
   * The driver can tell subscribers that jobs may have become available in a queue ({@link Driver#subscribe}), so
   * idle workers wake without waiting for their poll interval.
   */
  WAKE_UP_NOTIFICATIONS
}
