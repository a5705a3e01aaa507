package io.taskharbor.tck;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Page;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.support.Validation;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The TCK's reference model as a {@link Driver}: what every driver must answer, computed the slowest and plainest way.
 * The property tests run each random action sequence on the driver under test and on a {@code ModelDriver} and
 * require the same answers and the same visible state after every step; a driver's own tests may use it the same way
 * (see {@link DifferentialCheck}).
 *
 * <p>It is independent of every shipped driver (it shares no code with the memory driver), keeps all jobs in one
 * list, and scans it for every call. Lease tokens are random, as in a real driver. It checks arguments like a real
 * driver (an {@link IllegalArgumentException} naming the field, before anything changes), refuses every call but
 * {@link #close()} once closed, and is thread-safe: every call holds the driver's lock. The choices it makes where
 * the contract leaves room are listed on {@code ReferenceModel}, the class that holds the semantics.
 */
public final class ModelDriver implements Driver {

  private final ReferenceModel model;
  private boolean closed;

  /** Returns a model over empty storage with random lease tokens. */
  public ModelDriver() {
    this(LeaseToken::random);
  }

  /** Returns a model over empty storage that draws lease tokens from {@code tokens}. */
  public ModelDriver(Supplier<LeaseToken> tokens) {
    this.model = new ReferenceModel(tokens);
  }

  @Override
  public String name() {
    return "model";
  }

  @Override
  public synchronized List<EnqueueResult> enqueue(List<NewJob> jobs, Instant now) {
    open();
    Objects.requireNonNull(jobs, "jobs must not be null");
    for (NewJob job : jobs) {
      Objects.requireNonNull(job, "jobs must not contain null");
    }
    return List.copyOf(model.enqueue(jobs, Validation.now(now)));
  }

  @Override
  public synchronized List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease) {
    open();
    Validation.queue(queue);
    Validation.max(max);
    return List.copyOf(model.reserve(queue, max, Validation.now(now), Validation.lease(lease)));
  }

  @Override
  public synchronized Instant extendLease(JobId id, LeaseToken token, Instant now, Duration lease) {
    open();
    Objects.requireNonNull(id, "id must not be null");
    Objects.requireNonNull(token, "token must not be null");
    return model.extendLease(id, token, Validation.now(now), Validation.lease(lease));
  }

  @Override
  public synchronized List<Outcome> complete(List<Completion> completions, Instant now) {
    open();
    Objects.requireNonNull(completions, "completions must not be null");
    for (Completion c : completions) {
      Objects.requireNonNull(c, "completions must not contain null");
    }
    Instant at = Validation.now(now);
    List<Outcome> outcomes = new ArrayList<>();
    for (Completion c : completions) {
      outcomes.add(model.complete(c, at));
    }
    return List.copyOf(outcomes);
  }

  @Override
  public synchronized Optional<JobRecord> get(JobId id) {
    open();
    Objects.requireNonNull(id, "id must not be null");
    return model.get(id);
  }

  @Override
  public synchronized Optional<JobRecord> findByIdempotencyKey(String queue, String key) {
    open();
    Validation.queue(queue);
    Validation.idempotencyKey(key);
    return model.findByIdempotencyKey(queue, key);
  }

  @Override
  public synchronized Page<JobRecord> list(JobQuery query) {
    open();
    Objects.requireNonNull(query, "query must not be null");
    return model.list(query);
  }

  @Override
  public synchronized QueueStats stats(String queue, Instant now) {
    open();
    Validation.queue(queue);
    return model.stats(queue, Validation.now(now));
  }

  @Override
  public synchronized void requeue(JobId id, boolean resetAttempts, Instant now) {
    open();
    Objects.requireNonNull(id, "id must not be null");
    model.requeue(id, resetAttempts, Validation.now(now));
  }

  @Override
  public synchronized void cancel(JobId id, Instant now) {
    open();
    Objects.requireNonNull(id, "id must not be null");
    model.cancel(id, Validation.now(now));
  }

  @Override
  public synchronized void delete(JobId id) {
    open();
    Objects.requireNonNull(id, "id must not be null");
    model.delete(id);
  }

  @Override
  public synchronized long purge(Set<JobStatus> statuses, Instant finishedBefore) {
    open();
    Set<JobStatus> which = Validation.purgeStatuses(statuses);
    return model.purge(which, Validation.instant(finishedBefore, "finishedBefore"));
  }

  /** Closes the model; idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException("the model driver is closed");
    }
  }

  @Override
  public String toString() {
    return "ModelDriver";
  }
}
