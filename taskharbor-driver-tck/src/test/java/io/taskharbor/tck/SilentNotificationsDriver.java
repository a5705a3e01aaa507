package io.taskharbor.tck;

import io.taskharbor.spi.Driver;
import io.taskharbor.spi.WakeUpNotifications;
import java.util.Objects;
import java.util.Optional;

/**
 * Broken on purpose (notifications): it offers {@link WakeUpNotifications} and keeps every rule of subscribing
 * (a null listener refused, a closed driver refused, a subscription closed twice), but never tells a subscriber
 * anything, as with a LISTEN connection that nobody polls.
 */
final class SilentNotificationsDriver extends ForwardingDriver {
  private volatile boolean closed;
  private final WakeUpNotifications notifications = listener -> {
    Objects.requireNonNull(listener, "listener must not be null");
    if (closed) {
      throw new IllegalStateException("closed");
    }
    return () -> { };
  };

  @Override
  public <T> Optional<T> extension(Class<T> type) {
    return type == WakeUpNotifications.class ? Optional.of(type.cast(notifications)) : Optional.empty();
  }

  @Override
  public void close() {
    closed = true;
    super.close();
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new SilentNotificationsDriver();
    }
  }
}
