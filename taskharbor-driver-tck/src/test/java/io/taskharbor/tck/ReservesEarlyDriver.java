package io.taskharbor.tck;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.Limits;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.NewJob;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Broken on purpose (scheduling): a job enqueued with a run time is due 1µs before it, as with a due test of {@code
 * run_at < now + 1µs} or a run time rounded down. The model stores run_at 1µs early; every record shows the run time
 * as given, so that only reserve and stats give the bug away.
 */
final class ReservesEarlyDriver extends ForwardingDriver {

  /** The run time as given, by the run time stored, per job. */
  private record Shifted(Instant stored, Instant given) {}

  private final Map<JobId, Shifted> shifted = new ConcurrentHashMap<>();

  @Override
  public synchronized List<EnqueueResult> enqueue(List<NewJob> jobs, Instant now) {
    if (jobs == null || jobs.stream().anyMatch(Objects::isNull)) {
      return delegate.enqueue(jobs, now);
    }
    List<NewJob> early = jobs.stream().map(j -> j.runAt() == null || !j.runAt().isAfter(Limits.MIN_INSTANT) ? j
        : new NewJob(j.id(), j.queue(), j.type(), j.payload(), j.priority(), j.runAt().minus(Actions.MICRO),
            j.idempotencyKey(), j.maxAttempts(), j.timeout())).toList();
    List<EnqueueResult> results = delegate.enqueue(early, now);
    for (int i = 0; i < results.size(); i++) {
      NewJob given = jobs.get(i);
      if (results.get(i).created() && given.runAt() != null && early.get(i) != given) {
        shifted.put(given.id(), new Shifted(early.get(i).runAt(), given.runAt()));
      }
    }
    return results;
  }

  @Override
  protected JobRecord shown(JobRecord stored) {
    Shifted s = shifted.get(stored.id());
    return s == null || !s.stored().equals(stored.runAt()) ? stored : stored.toBuilder().runAt(s.given()).build();
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new ReservesEarlyDriver();
    }
  }
}
