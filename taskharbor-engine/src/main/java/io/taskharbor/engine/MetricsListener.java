package io.taskharbor.engine;

import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStateException;
import io.taskharbor.engine.event.WorkerListener;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/** The counters behind {@link Worker#metrics()}: a listener like any other, registered first on every worker. */
final class MetricsListener implements WorkerListener {
  private final LongAdder reserved = new LongAdder();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder retried = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder snoozed = new LongAdder();
  private final LongAdder released = new LongAdder();
  private final LongAdder lostLeases = new LongAdder();
  private final LongAdder refusedCompletions = new LongAdder();
  private final LongAdder completionErrors = new LongAdder();
  private final LongAdder reserveErrors = new LongAdder();
  private final LongAdder heartbeatErrors = new LongAdder();
  private final LongAdder canceled = new LongAdder();

  WorkerMetrics snapshot() {
    return new WorkerMetrics(reserved.sum(), succeeded.sum(), retried.sum(), failed.sum(), snoozed.sum(),
        released.sum(), lostLeases.sum(), refusedCompletions.sum(), completionErrors.sum(), reserveErrors.sum(),
        heartbeatErrors.sum(), canceled.sum());
  }

  @Override
  public void reserved(String queue, List<JobRecord> jobs, Duration claimDuration) {
    reserved.add(jobs.size());
  }

  @Override
  public void succeeded(JobRecord job) {
    succeeded.increment();
  }

  @Override
  public void retried(JobRecord job, int attempt, Instant runAt, @Nullable String error) {
    retried.increment();
  }

  @Override
  public void deadLettered(JobRecord job, String reason) {
    failed.increment();
  }

  @Override
  public void snoozed(JobRecord job, Instant until) {
    snoozed.increment();
  }

  @Override
  public void released(JobRecord job) {
    released.increment();
  }

  @Override
  public void canceled(JobRecord job) {
    canceled.increment();
  }

  @Override
  public void leaseLost(JobRecord job) {
    lostLeases.increment();
  }

  @Override
  public void completionRefused(JobRecord job, JobStateException refusal) {
    refusedCompletions.increment();
  }

  @Override
  public void storageError(String operation, RuntimeException error) {
    switch (operation) {
      case "reserve" -> reserveErrors.increment();
      case "complete" -> completionErrors.increment();
      default -> heartbeatErrors.increment();
    }
  }
}
