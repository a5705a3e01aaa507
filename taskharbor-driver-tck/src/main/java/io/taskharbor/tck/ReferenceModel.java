package io.taskharbor.tck;

import io.taskharbor.api.DuplicateJobException;
import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.InvalidJobStatusException;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobNotFoundException;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStateException;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Page;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
import io.taskharbor.spi.support.DriverRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The semantics of {@link io.taskharbor.spi.Driver}, written to be obviously right rather than fast: one list of
 * immutable records, each change a new record, full scans, no indexes, no concurrency. Every rule of the {@code
 * Driver} javadoc (docs/architecture.md §2 states them too) is one readable block below, in the words of the rule. {@link ModelDriver} wraps it with argument checks, the
 * closed state and a lock.
 *
 * <p>Where the contract leaves a choice open, this model makes the one written next to the rule, and the TCK holds
 * every driver to it:
 *
 * <ul>
 *   <li>An enqueue whose (queue, key) is taken is deduplicated before its id is looked at: resending the same request
 *       (same id, same key) answers {@code created = false}, not {@link DuplicateJobException}. A duplicate id is
 *       reported for the first job of the batch, in batch order, that would have been stored.
 *   <li>Retry, release and requeue without a run time set run_at to {@code now}, so the job becomes claimable "now"
 *       and keeps its place in FIFO-by-readiness order behind jobs that were ready earlier.
 *   <li>Every accepted call that changes a job sets updated_at to {@code now}, an accepted extendLease included (even
 *       when the expiry stays where it was); the terminal no-ops (ack of DONE, fail of DONE or DLQ, cancel of
 *       CANCELED) change nothing, updated_at included.
 *   <li>Retry and fail store their {@code error} as last_error as given, null included; release and requeue keep it.
 * </ul>
 */
final class ReferenceModel {

  /** The DLQ reason reserve writes for an expired lease on the last attempt. */
  static final String LAST_ATTEMPT_EXPIRED = DriverRules.LAST_ATTEMPT_EXPIRED;

  /** Orders jobs the way list does: by id, as unsigned 128-bit numbers. */
  private static final Comparator<JobRecord> BY_ID = Comparator.comparing(JobRecord::id);

  /** The stored jobs, in enqueue order; a change replaces a record with its successor. */
  private final List<JobRecord> rows = new ArrayList<>();
  private final Supplier<LeaseToken> tokens;

  ReferenceModel(Supplier<LeaseToken> tokens) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  // ---------------------------------------------------------------- enqueue

  List<EnqueueResult> enqueue(List<NewJob> batch, Instant now) {
    List<JobRecord> staged = new ArrayList<>();
    List<EnqueueResult> results = new ArrayList<>();
    for (NewJob job : batch) {
      JobRecord holder = job.idempotencyKey() == null ? null : keyHolder(job.queue(), job.idempotencyKey(), staged);
      if (holder != null) {
        results.add(new EnqueueResult(holder.id(), false));
        continue;
      }
      if (find(job.id()) != null || staged.stream().anyMatch(r -> r.id().equals(job.id()))) {
        throw new DuplicateJobException(job.id());
      }
      staged.add(job.toRecord(now));
      results.add(new EnqueueResult(job.id(), true));
    }
    rows.addAll(staged);
    return results;
  }

  private @Nullable JobRecord keyHolder(String queue, String key, List<JobRecord> staged) {
    for (List<JobRecord> source : List.of(rows, staged)) {
      for (JobRecord r : source) {
        if (r.queue().equals(queue) && key.equals(r.idempotencyKey())) {
          return r;
        }
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- reserve

  List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease) {
    for (JobRecord r : List.copyOf(rows)) {
      if (r.queue().equals(queue) && r.status() == JobStatus.INFLIGHT && !r.hasValidLease(now)
          && r.attempts() >= r.maxAttempts()) {
        replace(r, finished(r, now).status(JobStatus.DLQ).dlqReason(LAST_ATTEMPT_EXPIRED).dlqFailedAt(now));
      }
    }
    List<JobRecord> claimable = new ArrayList<>();
    for (JobRecord r : rows) {
      if (r.queue().equals(queue) && claimableAt(r, now) != null) {
        claimable.add(r);
      }
    }
    claimable.sort(Comparator.<JobRecord>comparingInt(JobRecord::priority).reversed()
        .thenComparing(r -> Objects.requireNonNull(claimableAt(r, now)))
        .thenComparing(JobRecord::id));
    List<LeasedJob> leased = new ArrayList<>();
    for (JobRecord r : claimable.subList(0, Math.min(max, claimable.size()))) {
      JobRecord next = replace(r, r.toBuilder().status(JobStatus.INFLIGHT).leaseToken(tokens.get())
          .leaseExpiresAt(now.plus(lease)).attempts(r.attempts() + 1).updatedAt(now));
      leased.add(new LeasedJob(next));
    }
    return leased;
  }

  /** The instant the job became claimable, or null if it is not claimable at {@code now}. */
  private static @Nullable Instant claimableAt(JobRecord r, Instant now) {
    if (r.status() == JobStatus.READY) {
      Instant due = r.runAt() != null ? r.runAt() : r.createdAt();
      return due.isAfter(now) ? null : due;
    }
    if (r.status() == JobStatus.INFLIGHT && !r.hasValidLease(now)) {
      return r.leaseExpiresAt();
    }
    return null;
  }

  // ---------------------------------------------------------------- leases and completions

  Instant extendLease(JobId id, LeaseToken token, Instant now, Duration lease) {
    JobRecord r = validateLease(id, token, now, "extendLease");
    Instant current = Objects.requireNonNull(r.leaseExpiresAt());
    Instant extended = now.plus(lease);
    Instant expiry = extended.isAfter(current) ? extended : current;
    replace(r, r.toBuilder().leaseExpiresAt(expiry).updatedAt(now));
    return expiry;
  }

  Outcome complete(Completion completion, Instant now) {
    JobRecord existing = find(completion.id());
    if (existing != null && DriverRules.isTerminalNoOp(completion, existing.status())) {
      return Outcome.ok(completion.id());
    }
    JobRecord r;
    try {
      r = validateLease(completion.id(), completion.token(), now, DriverRules.operation(completion));
    } catch (JobStateException e) {
      return Outcome.refused(e);
    }
    JobRecord.Builder next = r.toBuilder().leaseToken(null).leaseExpiresAt(null).updatedAt(now);
    if (completion instanceof Completion.Ack ack) {
      next.status(JobStatus.DONE).result(ack.result()).finishedAt(now);
    } else if (completion instanceof Completion.Retry retry) {
      next.status(JobStatus.READY).runAt(retry.runAt() != null ? retry.runAt() : now).lastError(retry.error());
    } else if (completion instanceof Completion.Fail fail) {
      next.status(JobStatus.DLQ).dlqReason(fail.reason()).dlqFailedAt(now).finishedAt(now).lastError(fail.error());
    } else if (completion instanceof Completion.Release release) {
      next.status(JobStatus.READY).runAt(release.runAt() != null ? release.runAt() : now)
          .attempts(r.attempts() - 1);
    }
    replace(r, next);
    return Outcome.ok(completion.id());
  }

  /** Strict lease validation, in the contract's order (the one rule every driver shares, {@link DriverRules}). */
  private JobRecord validateLease(JobId id, LeaseToken token, Instant now, String operation) {
    JobRecord r = find(id);
    JobStateException refusal = r == null
        ? DriverRules.leaseRefusal(id, null, null, null, token, now, operation)
        : DriverRules.leaseRefusal(id, r.status(), r.leaseExpiresAt(), r.leaseToken(), token, now, operation);
    if (refusal != null) {
      throw refusal;
    }
    return Objects.requireNonNull(r);
  }

  // ---------------------------------------------------------------- reads

  Optional<JobRecord> get(JobId id) {
    return Optional.ofNullable(find(id));
  }

  Optional<JobRecord> findByIdempotencyKey(String queue, String key) {
    return Optional.ofNullable(keyHolder(queue, key, List.of()));
  }

  Page<JobRecord> list(JobQuery query) {
    JobId after = query.cursorId();
    List<JobRecord> matching = new ArrayList<>();
    for (JobRecord r : rows) {
      if ((after == null || r.id().compareTo(after) > 0) && query.matches(r)) {
        matching.add(r);
      }
    }
    matching.sort(BY_ID);
    List<JobRecord> items = List.copyOf(matching.subList(0, Math.min(query.limit(), matching.size())));
    String next = matching.size() > query.limit() ? items.get(items.size() - 1).id().toString() : null;
    return new Page<>(items, next);
  }

  QueueStats stats(String queue, Instant now) {
    long ready = 0;
    long scheduled = 0;
    long inflight = 0;
    long done = 0;
    long dlq = 0;
    long canceled = 0;
    for (JobRecord r : rows) {
      if (!r.queue().equals(queue)) {
        continue;
      }
      switch (r.status()) {
        case READY -> {
          Instant due = r.runAt() != null ? r.runAt() : r.createdAt();
          if (due.isAfter(now)) {
            scheduled++;
          } else {
            ready++;
          }
        }
        case INFLIGHT -> inflight++;
        case DONE -> done++;
        case DLQ -> dlq++;
        case CANCELED -> canceled++;
      }
    }
    return QueueStats.builder(queue).ready(ready).scheduled(scheduled).inflight(inflight).done(done).dlq(dlq)
        .canceled(canceled).build();
  }

  // ---------------------------------------------------------------- admin

  void requeue(JobId id, boolean resetAttempts, Instant now) {
    JobRecord r = existing(id);
    if (r.status() != JobStatus.DLQ) {
      throw new InvalidJobStatusException(id, r.status(), "requeue", "DLQ");
    }
    replace(r, r.toBuilder().status(JobStatus.READY).runAt(now).dlqReason(null).dlqFailedAt(null).finishedAt(null)
        .attempts(resetAttempts ? 0 : r.attempts()).updatedAt(now));
  }

  void cancel(JobId id, Instant now) {
    JobRecord r = existing(id);
    if (r.status() == JobStatus.CANCELED) {
      return;
    }
    if (r.status() != JobStatus.READY) {
      throw new InvalidJobStatusException(id, r.status(), "cancel", "READY");
    }
    replace(r, finished(r, now).status(JobStatus.CANCELED));
  }

  void delete(JobId id) {
    JobRecord r = existing(id);
    if (r.status() == JobStatus.INFLIGHT) {
      throw new InvalidJobStatusException(id, r.status(), "delete", "READY, DONE, DLQ or CANCELED");
    }
    rows.remove(r);
  }

  long purge(Set<JobStatus> statuses, Instant finishedBefore) {
    List<JobRecord> doomed = new ArrayList<>();
    for (JobRecord r : rows) {
      if (statuses.contains(r.status()) && r.finishedAt() != null && r.finishedAt().isBefore(finishedBefore)) {
        doomed.add(r);
      }
    }
    rows.removeAll(doomed);
    return doomed.size();
  }

  // ---------------------------------------------------------------- rows

  /** A job reaching a finished status at {@code now}: no lease, finished and updated now. */
  private static JobRecord.Builder finished(JobRecord r, Instant now) {
    return r.toBuilder().leaseToken(null).leaseExpiresAt(null).finishedAt(now).updatedAt(now);
  }

  /** Replaces {@code old} with the record {@code next} builds, in place; returns the new record. */
  private JobRecord replace(JobRecord old, JobRecord.Builder next) {
    JobRecord record = next.build();
    int at = rows.indexOf(old);
    if (at < 0) {
      throw new IllegalStateException("no stored record " + old.id());
    }
    rows.set(at, record);
    return record;
  }

  private @Nullable JobRecord find(JobId id) {
    for (JobRecord r : rows) {
      if (r.id().equals(id)) {
        return r;
      }
    }
    return null;
  }

  private JobRecord existing(JobId id) {
    JobRecord r = find(id);
    if (r == null) {
      throw new JobNotFoundException(id);
    }
    return r;
  }
}
