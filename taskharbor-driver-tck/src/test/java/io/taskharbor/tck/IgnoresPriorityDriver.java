package io.taskharbor.tck;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.NewJob;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Broken on purpose (ordering): reserve ignores priority. Every job is stored at priority 0, so reserve orders by
 * readiness and id alone; the priority given is remembered and shown in every record, so that nothing but the order
 * of reserve gives the bug away.
 */
final class IgnoresPriorityDriver extends ForwardingDriver {
  private final Map<JobId, Integer> priorities = new ConcurrentHashMap<>();

  @Override
  public synchronized List<EnqueueResult> enqueue(List<NewJob> jobs, Instant now) {
    if (jobs == null || jobs.stream().anyMatch(Objects::isNull)) {
      return delegate.enqueue(jobs, now);
    }
    List<NewJob> flat = jobs.stream().map(j -> new NewJob(j.id(), j.queue(), j.type(), j.payload(), 0, j.runAt(),
        j.idempotencyKey(), j.maxAttempts(), j.timeout())).toList();
    List<EnqueueResult> results = delegate.enqueue(flat, now);
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i).created()) {
        priorities.put(jobs.get(i).id(), jobs.get(i).priority());
      }
    }
    return results;
  }

  @Override
  protected JobRecord shown(JobRecord stored) {
    Integer given = priorities.get(stored.id());
    return given == null ? stored : stored.toBuilder().priority(given).build();
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new IgnoresPriorityDriver();
    }
  }
}
