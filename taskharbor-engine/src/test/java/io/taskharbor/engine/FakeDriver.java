package io.taskharbor.engine;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobNotFoundException;
import io.taskharbor.api.JobNotInflightException;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A small in-memory driver for the engine's own tests of the worker's mechanics (the TCK's worker group proves the
 * engine on real drivers). It keeps jobs in insertion order, ignores priorities and idempotency keys, and records
 * what the worker asks of it: every reserve call, how many reserves were in flight at once, heartbeats per job and
 * the size of every completion batch. It also tracks the jobs it handed out whose handlers have not finished yet
 * ({@link #handlerFinished}), so a test can check that the worker never reserves more than it has free threads for.
 */
final class FakeDriver implements Driver {

  /** One reserve call: its queue and max, and how many handler threads were then taken, by jobs or other reserves. */
  record ReserveCall(String queue, int max, int taken) {}

  private final Map<JobId, JobRecord> jobs = new LinkedHashMap<>();
  final List<ReserveCall> reserves = Collections.synchronizedList(new ArrayList<>());
  final List<Integer> completionBatches = Collections.synchronizedList(new ArrayList<>());
  final List<Completion> completions = Collections.synchronizedList(new ArrayList<>());
  final Map<JobId, AtomicInteger> heartbeats = new ConcurrentHashMap<>();
  final Map<JobId, String> dlqReasons = new ConcurrentHashMap<>();
  private final AtomicInteger reservesInFlight = new AtomicInteger();
  final AtomicInteger maxReservesInFlight = new AtomicInteger();
  private int requestedInFlight;
  private int handedOut;
  volatile Duration reserveDelay = Duration.ZERO;
  /** Jobs an administrator asked to cancel: their heartbeat says so. */
  final Set<JobId> cancelRequested = ConcurrentHashMap.newKeySet();
  /** When set, every heartbeat fails with it, as when the database cannot be reached. */
  volatile RuntimeException heartbeatFailure;
  /** When set, the driver offers it as its Coordination extension (distributed mode). */
  volatile FakeCoordination coordination;
  /** A batch holding a completion this matches is refused outright, as a driver refuses bad input. */
  volatile Predicate<Completion> refuse = c -> false;

  @Override
  public String name() {
    return "fake";
  }

  /** Adds a READY job of {@code type} to {@code queue} with this JSON payload; returns its id. */
  synchronized JobId add(String queue, String type, String payload, int maxAttempts) {
    JobId id = JobId.newId();
    Instant now = Instant.now();
    jobs.put(id, new JobRecord(id, queue, type, payload, 0, null, null, 0, maxAttempts, null, JobStatus.READY, null,
        null, null, null, null, null, now, now, null));
    return id;
  }

  /** Adds a READY job as {@link #add(String, String, String, int)} does, with a per-execution timeout. */
  synchronized JobId add(String queue, String type, String payload, Duration timeout) {
    JobId id = JobId.newId();
    Instant now = Instant.now();
    jobs.put(id, new JobRecord(id, queue, type, payload, 0, null, null, 0, 25, timeout, JobStatus.READY, null,
        null, null, null, null, null, now, now, null));
    return id;
  }

  /** Another worker finished this job meanwhile: it is DONE, and this worker's lease on it is gone. */
  synchronized void finishElsewhere(JobId id) {
    JobRecord j = jobs.get(id);
    jobs.put(id, with(j, JobStatus.DONE, j.attempts(), null, null, j.runAt(), j.lastError(), Instant.now()));
  }

  /** The test's handlers call this when they return, so that {@link ReserveCall#taken} is exact. */
  synchronized void handlerFinished() {
    handedOut--;
  }

  synchronized long count(JobStatus status) {
    return jobs.values().stream().filter(j -> j.status() == status).count();
  }

  synchronized JobRecord job(JobId id) {
    return jobs.get(id);
  }

  @Override
  public synchronized List<EnqueueResult> enqueue(List<NewJob> batch, Instant now) {
    List<EnqueueResult> results = new ArrayList<>();
    for (NewJob n : batch) {
      jobs.put(n.id(), new JobRecord(n.id(), n.queue(), n.type(), n.payload(), n.priority(), n.runAt(),
          n.idempotencyKey(), 0, n.maxAttempts(), n.timeout(), JobStatus.READY, null, null, null, null, null, null,
          now, now, null));
      results.add(new EnqueueResult(n.id(), true));
    }
    return results;
  }

  @Override
  public List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease) {
    synchronized (this) {
      requestedInFlight += max;
      reserves.add(new ReserveCall(queue, max, requestedInFlight - max + handedOut));
    }
    maxReservesInFlight.accumulateAndGet(reservesInFlight.incrementAndGet(), Math::max);
    try {
      if (!reserveDelay.isZero()) {
        Thread.sleep(reserveDelay.toMillis());
      }
      synchronized (this) {
        List<LeasedJob> leased = new ArrayList<>();
        for (JobRecord j : List.copyOf(jobs.values())) {
          if (leased.size() == max) {
            break;
          }
          boolean due = j.runAt() == null || !j.runAt().isAfter(now);
          if (j.queue().equals(queue) && j.status() == JobStatus.READY && due) {
            JobRecord r = with(j, JobStatus.INFLIGHT, j.attempts() + 1, LeaseToken.random(), now.plus(lease),
                j.runAt(), j.lastError(), now);
            jobs.put(r.id(), r);
            leased.add(new LeasedJob(r));
          }
        }
        // In one step, so that no other call counts these threads twice (as requested and as handed out).
        handedOut += leased.size();
        requestedInFlight -= max;
        reservesInFlight.decrementAndGet();
        return leased;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      synchronized (this) {
        requestedInFlight -= max;
        reservesInFlight.decrementAndGet();
      }
      return List.of();
    }
  }

  @Override
  public synchronized Instant extendLease(JobId id, LeaseToken token, Instant now, Duration lease) {
    heartbeats.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    RuntimeException failure = heartbeatFailure;
    if (failure != null) {
      throw failure;
    }
    JobRecord j = jobs.get(id);
    if (j == null) {
      throw new JobNotFoundException(id);
    }
    if (j.status() != JobStatus.INFLIGHT) {
      throw new JobNotInflightException(id, j.status(), "extendLease");
    }
    if (cancelRequested.contains(id)) {
      throw new io.taskharbor.api.CancelRequestedException(id);
    }
    return now.plus(lease);
  }

  @Override
  public synchronized List<Outcome> complete(List<Completion> batch, Instant now) {
    for (Completion c : batch) {
      if (refuse.test(c)) {
        throw new IllegalArgumentException("the fake driver refuses this batch: it holds " + c);
      }
    }
    completionBatches.add(batch.size());
    completions.addAll(batch);
    List<Outcome> outcomes = new ArrayList<>();
    for (Completion c : batch) {
      JobRecord j = jobs.get(c.id());
      if (j == null || j.status() != JobStatus.INFLIGHT) {
        outcomes.add(Outcome.refused(j == null ? new JobNotFoundException(c.id())
            : new JobNotInflightException(c.id(), j.status(), "complete")));
        continue;
      }
      JobRecord r;
      if (c instanceof Completion.Ack) {
        r = with(j, JobStatus.DONE, j.attempts(), null, null, j.runAt(), j.lastError(), now);
      } else if (c instanceof Completion.Retry retry) {
        r = with(j, JobStatus.READY, j.attempts(), null, null, retry.runAt(), retry.error(), now);
      } else if (c instanceof Completion.Cancel) {
        r = with(j, JobStatus.CANCELED, j.attempts(), null, null, j.runAt(), j.lastError(), now);
      } else if (c instanceof Completion.Release release) {
        r = with(j, JobStatus.READY, j.attempts() - 1, null, null, release.runAt(), j.lastError(), now);
      } else {
        Completion.Fail fail = (Completion.Fail) c;
        r = with(j, JobStatus.DLQ, j.attempts(), null, null, j.runAt(), fail.error(), now);
        dlqReasons.put(c.id(), fail.reason());
      }
      jobs.put(r.id(), r);
      outcomes.add(Outcome.ok(c.id()));
    }
    return outcomes;
  }

  private static JobRecord with(JobRecord j, JobStatus status, int attempts, LeaseToken token, Instant expiry,
      Instant runAt, String lastError, Instant now) {
    boolean finished = status == JobStatus.DONE || status == JobStatus.DLQ || status == JobStatus.CANCELED;
    return new JobRecord(j.id(), j.queue(), j.type(), j.payload(), j.priority(), runAt, j.idempotencyKey(), attempts,
        j.maxAttempts(), j.timeout(), status, token, expiry, lastError, null, status == JobStatus.DLQ ? "failed" : null,
        status == JobStatus.DLQ ? now : null, j.createdAt(), now, finished ? now : null);
  }

  @Override
  public synchronized Optional<JobRecord> get(JobId id) {
    return Optional.ofNullable(jobs.get(id));
  }

  @Override
  public Optional<JobRecord> findByIdempotencyKey(String queue, String key) {
    return Optional.empty();
  }

  @Override
  public synchronized Page<JobRecord> list(JobQuery query) {
    return new Page<>(jobs.values().stream().filter(query::matches).toList(), null);
  }

  @Override
  public synchronized QueueStats stats(String queue, Instant now) {
    Map<JobStatus, Long> counts = new HashMap<>();
    jobs.values().stream().filter(j -> j.queue().equals(queue)).forEach(j -> counts.merge(j.status(), 1L, Long::sum));
    return new QueueStats(queue, counts.getOrDefault(JobStatus.READY, 0L), 0,
        counts.getOrDefault(JobStatus.INFLIGHT, 0L), counts.getOrDefault(JobStatus.DONE, 0L),
        counts.getOrDefault(JobStatus.DLQ, 0L), 0);
  }

  @Override
  public void requeue(JobId id, boolean resetAttempts, Instant now) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void cancel(JobId id, Instant now) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void delete(JobId id) {
    throw new UnsupportedOperationException();
  }

  @Override
  public long purge(Set<JobStatus> statuses, Instant finishedBefore) {
    throw new UnsupportedOperationException();
  }

  @Override
  public <T> Optional<T> extension(Class<T> type) {
    FakeCoordination c = coordination;
    return type == io.taskharbor.spi.Coordination.class && c != null ? Optional.of(type.cast(c)) : Optional.empty();
  }

  @Override
  public void close() {}
}
