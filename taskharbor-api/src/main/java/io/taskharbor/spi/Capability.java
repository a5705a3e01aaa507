package io.taskharbor.spi;

/**
 * Optional driver abilities, as the first SPI version declared them.
 *
 * @deprecated drivers offer optional abilities as extensions, found with {@link Driver#extension(Class)}; {@link
 *     #WAKE_UP_NOTIFICATIONS} is bridged to {@link WakeUpNotifications} for drivers that still declare it
 */
@Deprecated
public enum Capability {
  /**
   * The driver can tell subscribers that jobs may have become available in a queue ({@link WakeUpNotifications#subscribe}), so
   * idle workers wake without waiting for their poll interval.
   */
  WAKE_UP_NOTIFICATIONS
}
