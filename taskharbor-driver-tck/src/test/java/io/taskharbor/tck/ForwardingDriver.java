package io.taskharbor.tck;

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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A driver that hands every call to a {@link ModelDriver}; the deliberately broken drivers override one rule each.
 * It offers no extension (the model's coordination and statistics are not forwarded), so the optional groups are
 * skipped for the broken drivers unless one offers an extension of its own.
 * Every record it hands out passes through {@link #shown}, so a broken driver may also store something other than what
 * it shows.
 */
abstract class ForwardingDriver implements Driver {
  protected final ModelDriver delegate = new ModelDriver();

  /** For a broken driver that offers one extension: {@code impl} when {@code type} is {@code offered}, else empty. */
  protected static <T> Optional<T> offering(Class<T> type, Class<?> offered, Object impl) {
    return type == offered ? Optional.of(type.cast(impl)) : Optional.empty();
  }

  /** Returns the record as this driver shows it; by default as the model stores it. */
  protected JobRecord shown(JobRecord stored) {
    return stored;
  }

  @Override
  public String name() {
    return getClass().getSimpleName();
  }

  @Override
  public List<EnqueueResult> enqueue(List<NewJob> jobs, Instant now) {
    return delegate.enqueue(jobs, now);
  }

  /** The four-argument reserve is the five-argument one without a holder, so a broken driver overrides only that. */
  @Override
  public List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease) {
    return reserve(queue, max, now, lease, null);
  }

  @Override
  public List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease, @Nullable String holder) {
    return delegate.reserve(queue, max, now, lease, holder).stream().map(l -> new LeasedJob(shown(l.job())))
        .toList();
  }

  @Override
  public Instant extendLease(JobId id, LeaseToken token, Instant now, Duration lease) {
    return delegate.extendLease(id, token, now, lease);
  }

  @Override
  public List<Outcome> complete(List<Completion> completions, Instant now) {
    return delegate.complete(completions, now);
  }

  @Override
  public Optional<JobRecord> get(JobId id) {
    return delegate.get(id).map(this::shown);
  }

  @Override
  public Optional<JobRecord> findByIdempotencyKey(String queue, String key) {
    return delegate.findByIdempotencyKey(queue, key).map(this::shown);
  }

  @Override
  public Page<JobRecord> list(JobQuery query) {
    Page<JobRecord> page = delegate.list(query);
    return new Page<>(page.items().stream().map(this::shown).toList(), page.nextCursor());
  }

  @Override
  public QueueStats stats(String queue, Instant now) {
    return delegate.stats(queue, now);
  }

  @Override
  public void requeue(JobId id, boolean resetAttempts, Instant now) {
    delegate.requeue(id, resetAttempts, now);
  }

  @Override
  public void cancel(JobId id, Instant now) {
    delegate.cancel(id, now);
  }

  @Override
  public void delete(JobId id) {
    delegate.delete(id);
  }

  @Override
  public long purge(Set<JobStatus> statuses, Instant finishedBefore) {
    return delegate.purge(statuses, finishedBefore);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
