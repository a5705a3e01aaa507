package io.taskharbor.tck;

import io.taskharbor.api.CancelRequestedException;
import io.taskharbor.api.JobId;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.JobControls;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Broken on purpose (cancel while running): it offers {@link JobControls} and records a cancel request, but its
 * extendLease never tells the holder: it answers the current expiry, as a driver that forgot to read the request.
 */
final class SilentCancelDriver extends ForwardingDriver {
  private final JobControls controls = delegate.extension(JobControls.class).orElseThrow();

  @Override
  public Instant extendLease(JobId id, LeaseToken token, Instant now, Duration lease) {
    try {
      return super.extendLease(id, token, now, lease);
    } catch (CancelRequestedException e) {
      return Objects.requireNonNull(delegate.get(id).orElseThrow().leaseExpiresAt());
    }
  }

  @Override
  public <T> Optional<T> extension(Class<T> type) {
    return offering(type, JobControls.class, controls);
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new SilentCancelDriver();
    }
  }
}
