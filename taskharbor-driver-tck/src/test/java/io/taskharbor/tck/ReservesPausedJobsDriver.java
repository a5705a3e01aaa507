package io.taskharbor.tck;

import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.JobControls;
import io.taskharbor.spi.LeasedJob;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Broken on purpose (job pause): it offers {@link JobControls}, but its reserve takes PAUSED jobs as READY ones, as a
 * driver whose reserve selects "status IN ('ready', 'paused')".
 */
final class ReservesPausedJobsDriver extends ForwardingDriver {
  private final JobControls controls = delegate.extension(JobControls.class).orElseThrow();

  @Override
  public List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease, @Nullable String holder) {
    if (queue != null && now != null) {
      for (JobRecord paused : delegate.list(JobQuery.builder().queue(queue).status(JobStatus.PAUSED).build())
          .items()) {
        controls.resume(paused.id(), now);
      }
    }
    return super.reserve(queue, max, now, lease, holder);
  }

  @Override
  public <T> Optional<T> extension(Class<T> type) {
    return offering(type, JobControls.class, controls);
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new ReservesPausedJobsDriver();
    }
  }
}
