package io.taskharbor.tck;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.NewJob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Broken on purpose: idempotency keys are unique across all queues instead of per queue, so a job whose key is taken
 * in another queue is not stored and the other queue's job id comes back with {@code created = false}.
 */
final class GlobalIdempotencyKeysDriver extends ForwardingDriver {

  @Override
  public synchronized List<EnqueueResult> enqueue(List<NewJob> jobs, Instant now) {
    Map<String, JobId> taken = new HashMap<>();
    for (JobRecord job : delegate.list(JobQuery.builder().limit(1000).build()).items()) {
      if (job.idempotencyKey() != null) {
        taken.putIfAbsent(job.idempotencyKey(), job.id());
      }
    }
    List<NewJob> passed = new ArrayList<>();
    List<EnqueueResult> results = new ArrayList<>();
    List<Integer> passedAt = new ArrayList<>();
    for (NewJob job : jobs) {
      JobId holder = job.idempotencyKey() == null ? null : taken.get(job.idempotencyKey());
      if (holder != null && !sameQueue(holder, job, jobs)) {
        results.add(new EnqueueResult(holder, false));
        continue;
      }
      if (job.idempotencyKey() != null) {
        taken.putIfAbsent(job.idempotencyKey(), job.id());
      }
      passedAt.add(results.size());
      results.add(null);
      passed.add(job);
    }
    List<EnqueueResult> stored = delegate.enqueue(passed, now);
    for (int i = 0; i < stored.size(); i++) {
      results.set(passedAt.get(i), stored.get(i));
    }
    return results;
  }

  /** Same-queue collisions are left to the model, which handles them correctly. */
  private boolean sameQueue(JobId holder, NewJob job, List<NewJob> batch) {
    String queue = delegate.get(holder).map(JobRecord::queue)
        .orElseGet(() -> batch.stream().filter(j -> j.id().equals(holder)).findFirst().orElseThrow().queue());
    return queue.equals(job.queue());
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new GlobalIdempotencyKeysDriver();
    }
  }
}
