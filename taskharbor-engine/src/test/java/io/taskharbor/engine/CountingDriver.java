package io.taskharbor.engine;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Page;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** A driver that stores enqueued jobs in a list and counts every call, so a test can prove nothing reached it. */
final class CountingDriver implements Driver {
  final List<NewJob> enqueued = new ArrayList<>();
  final AtomicInteger calls = new AtomicInteger();
  boolean closed;

  @Override
  public String name() {
    return "counting";
  }

  @Override
  public synchronized List<EnqueueResult> enqueue(List<NewJob> jobs, Instant now) {
    calls.incrementAndGet();
    enqueued.addAll(jobs);
    return jobs.stream().map(j -> new EnqueueResult(j.id(), true)).toList();
  }

  @Override
  public List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease) {
    calls.incrementAndGet();
    return List.of();
  }

  @Override
  public Instant extendLease(JobId id, LeaseToken token, Instant now, Duration lease) {
    calls.incrementAndGet();
    return now.plus(lease);
  }

  @Override
  public List<Outcome> complete(List<Completion> completions, Instant now) {
    calls.incrementAndGet();
    return completions.stream().map(c -> Outcome.ok(c.id())).toList();
  }

  @Override
  public Optional<JobRecord> get(JobId id) {
    calls.incrementAndGet();
    return Optional.empty();
  }

  @Override
  public Optional<JobRecord> findByIdempotencyKey(String queue, String key) {
    calls.incrementAndGet();
    return Optional.empty();
  }

  @Override
  public Page<JobRecord> list(JobQuery query) {
    calls.incrementAndGet();
    return new Page<>(List.of(), null);
  }

  @Override
  public QueueStats stats(String queue, Instant now) {
    calls.incrementAndGet();
    return new QueueStats(queue, 0, 0, 0, 0, 0, 0);
  }

  @Override
  public void requeue(JobId id, boolean resetAttempts, Instant now) {
    calls.incrementAndGet();
  }

  @Override
  public void cancel(JobId id, Instant now) {
    calls.incrementAndGet();
  }

  @Override
  public void delete(JobId id) {
    calls.incrementAndGet();
  }

  @Override
  public long purge(Set<JobStatus> statuses, Instant finishedBefore) {
    calls.incrementAndGet();
    return 0;
  }

  @Override
  public void close() {
    closed = true;
  }
}
