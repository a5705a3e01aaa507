package io.taskharbor.tck;

import io.taskharbor.api.DuplicateJobException;
import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.InvalidJobStatusException;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobNotFoundException;
import io.taskharbor.api.JobNotInflightException;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseExpiredException;
import io.taskharbor.api.LeaseMismatchException;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Page;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
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
 * mutable rows, full scans, no indexes, no concurrency. Every rule of the {@code Driver} javadoc and of DESIGN.md §3
 * is one readable block below, in the words of the rule. {@link ModelDriver} wraps it with argument checks, the
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
  static final String LAST_ATTEMPT_EXPIRED = "lease expired on the last attempt";

  /** Orders jobs the way list does: by id, as unsigned 128-bit numbers. */
  private static final Comparator<Row> BY_ID = Comparator.comparing(r -> r.id);

  private final List<Row> rows = new ArrayList<>();
  private final Supplier<LeaseToken> tokens;

  ReferenceModel(Supplier<LeaseToken> tokens) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  // ---------------------------------------------------------------- enqueue

  List<EnqueueResult> enqueue(List<NewJob> batch, Instant now) {
    List<Row> staged = new ArrayList<>();
    List<EnqueueResult> results = new ArrayList<>();
    for (NewJob job : batch) {
      Row holder = job.idempotencyKey() == null ? null : keyHolder(job.queue(), job.idempotencyKey(), staged);
      if (holder != null) {
        results.add(new EnqueueResult(holder.id, false));
        continue;
      }
      if (find(job.id()) != null || staged.stream().anyMatch(r -> r.id.equals(job.id()))) {
        throw new DuplicateJobException(job.id());
      }
      staged.add(new Row(job, now));
      results.add(new EnqueueResult(job.id(), true));
    }
    rows.addAll(staged);
    return results;
  }

  private @Nullable Row keyHolder(String queue, String key, List<Row> staged) {
    for (List<Row> source : List.of(rows, staged)) {
      for (Row r : source) {
        if (r.queue.equals(queue) && key.equals(r.idempotencyKey)) {
          return r;
        }
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- reserve

  List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease) {
    for (Row r : rows) {
      if (r.queue.equals(queue) && r.status == JobStatus.INFLIGHT && !leaseValid(r, now)
          && r.attempts >= r.maxAttempts) {
        r.status = JobStatus.DLQ;
        r.dlqReason = LAST_ATTEMPT_EXPIRED;
        r.dlqFailedAt = now;
        r.finishedAt = now;
        r.clearLease();
        r.updatedAt = now;
      }
    }
    List<Row> claimable = new ArrayList<>();
    for (Row r : rows) {
      if (r.queue.equals(queue) && claimableAt(r, now) != null) {
        claimable.add(r);
      }
    }
    claimable.sort(Comparator.<Row>comparingInt(r -> r.priority).reversed()
        .thenComparing(r -> Objects.requireNonNull(claimableAt(r, now)))
        .thenComparing(r -> r.id));
    List<LeasedJob> leased = new ArrayList<>();
    for (Row r : claimable.subList(0, Math.min(max, claimable.size()))) {
      r.status = JobStatus.INFLIGHT;
      r.leaseToken = tokens.get();
      r.leaseExpiresAt = now.plus(lease);
      r.attempts++;
      r.updatedAt = now;
      leased.add(new LeasedJob(r.toRecord()));
    }
    return leased;
  }

  /** The instant the job became claimable, or null if it is not claimable at {@code now}. */
  private static @Nullable Instant claimableAt(Row r, Instant now) {
    if (r.status == JobStatus.READY) {
      Instant due = r.runAt != null ? r.runAt : r.createdAt;
      return due.isAfter(now) ? null : due;
    }
    if (r.status == JobStatus.INFLIGHT && !leaseValid(r, now)) {
      return r.leaseExpiresAt;
    }
    return null;
  }

  private static boolean leaseValid(Row r, Instant now) {
    return r.leaseExpiresAt != null && r.leaseExpiresAt.isAfter(now);
  }

  // ---------------------------------------------------------------- leases and completions

  Instant extendLease(JobId id, LeaseToken token, Instant now, Duration lease) {
    Row r = validateLease(id, token, now, "extendLease");
    Instant extended = now.plus(lease);
    if (extended.isAfter(Objects.requireNonNull(r.leaseExpiresAt))) {
      r.leaseExpiresAt = extended;
    }
    r.updatedAt = now;
    return r.leaseExpiresAt;
  }

  Outcome complete(Completion completion, Instant now) {
    Row existing = find(completion.id());
    if (existing != null && isTerminalNoOp(completion, existing.status)) {
      return Outcome.ok(completion.id());
    }
    Row r;
    try {
      r = validateLease(completion.id(), completion.token(), now, operation(completion));
    } catch (JobNotFoundException | JobNotInflightException | LeaseExpiredException | LeaseMismatchException e) {
      return Outcome.refused(e);
    }
    if (completion instanceof Completion.Ack ack) {
      r.status = JobStatus.DONE;
      r.result = ack.result();
      r.finishedAt = now;
    } else if (completion instanceof Completion.Retry retry) {
      r.status = JobStatus.READY;
      r.runAt = retry.runAt() != null ? retry.runAt() : now;
      r.lastError = retry.error();
    } else if (completion instanceof Completion.Fail fail) {
      r.status = JobStatus.DLQ;
      r.dlqReason = fail.reason();
      r.dlqFailedAt = now;
      r.finishedAt = now;
      r.lastError = fail.error();
    } else if (completion instanceof Completion.Release release) {
      r.status = JobStatus.READY;
      r.runAt = release.runAt() != null ? release.runAt() : now;
      r.attempts--;
    }
    r.clearLease();
    r.updatedAt = now;
    return Outcome.ok(completion.id());
  }

  /** Ack of a DONE job, and fail of a DONE or DLQ job, succeed and change nothing; checked before validation. */
  private static boolean isTerminalNoOp(Completion completion, JobStatus status) {
    if (completion instanceof Completion.Ack) {
      return status == JobStatus.DONE;
    }
    if (completion instanceof Completion.Fail) {
      return status == JobStatus.DONE || status == JobStatus.DLQ;
    }
    return false;
  }

  static String operation(Completion completion) {
    if (completion instanceof Completion.Ack) {
      return "ack";
    }
    if (completion instanceof Completion.Retry) {
      return "retry";
    }
    if (completion instanceof Completion.Fail) {
      return "fail";
    }
    return "release";
  }

  /** Strict lease validation: not found, then not inflight, then expired (wins over a wrong token), then mismatch. */
  private Row validateLease(JobId id, LeaseToken token, Instant now, String operation) {
    Row r = find(id);
    if (r == null) {
      throw new JobNotFoundException(id);
    }
    if (r.status != JobStatus.INFLIGHT) {
      throw new JobNotInflightException(id, r.status, operation);
    }
    if (!leaseValid(r, now)) {
      throw new LeaseExpiredException(id, Objects.requireNonNull(r.leaseExpiresAt), now);
    }
    if (!token.equals(r.leaseToken)) {
      throw new LeaseMismatchException(id);
    }
    return r;
  }

  // ---------------------------------------------------------------- reads

  Optional<JobRecord> get(JobId id) {
    return Optional.ofNullable(find(id)).map(Row::toRecord);
  }

  Optional<JobRecord> findByIdempotencyKey(String queue, String key) {
    return Optional.ofNullable(keyHolder(queue, key, List.of())).map(Row::toRecord);
  }

  Page<JobRecord> list(JobQuery query) {
    JobId after = query.cursorId();
    List<Row> matching = new ArrayList<>();
    for (Row r : rows) {
      if ((after == null || r.id.compareTo(after) > 0) && query.matches(r.toRecord())) {
        matching.add(r);
      }
    }
    matching.sort(BY_ID);
    List<JobRecord> items = new ArrayList<>();
    for (Row r : matching.subList(0, Math.min(query.limit(), matching.size()))) {
      items.add(r.toRecord());
    }
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
    for (Row r : rows) {
      if (!r.queue.equals(queue)) {
        continue;
      }
      switch (r.status) {
        case READY -> {
          Instant due = r.runAt != null ? r.runAt : r.createdAt;
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
    return new QueueStats(queue, ready, scheduled, inflight, done, dlq, canceled);
  }

  // ---------------------------------------------------------------- admin

  void requeue(JobId id, boolean resetAttempts, Instant now) {
    Row r = existing(id);
    if (r.status != JobStatus.DLQ) {
      throw new InvalidJobStatusException(id, r.status, "requeue", "DLQ");
    }
    r.status = JobStatus.READY;
    r.runAt = now;
    r.dlqReason = null;
    r.dlqFailedAt = null;
    r.finishedAt = null;
    if (resetAttempts) {
      r.attempts = 0;
    }
    r.updatedAt = now;
  }

  void cancel(JobId id, Instant now) {
    Row r = existing(id);
    if (r.status == JobStatus.CANCELED) {
      return;
    }
    if (r.status != JobStatus.READY) {
      throw new InvalidJobStatusException(id, r.status, "cancel", "READY");
    }
    r.status = JobStatus.CANCELED;
    r.finishedAt = now;
    r.updatedAt = now;
  }

  void delete(JobId id) {
    Row r = existing(id);
    if (r.status == JobStatus.INFLIGHT) {
      throw new InvalidJobStatusException(id, r.status, "delete", "READY, DONE, DLQ or CANCELED");
    }
    rows.remove(r);
  }

  long purge(Set<JobStatus> statuses, Instant finishedBefore) {
    List<Row> doomed = new ArrayList<>();
    for (Row r : rows) {
      if (statuses.contains(r.status) && r.finishedAt != null && r.finishedAt.isBefore(finishedBefore)) {
        doomed.add(r);
      }
    }
    rows.removeAll(doomed);
    return doomed.size();
  }

  // ---------------------------------------------------------------- rows

  private @Nullable Row find(JobId id) {
    for (Row r : rows) {
      if (r.id.equals(id)) {
        return r;
      }
    }
    return null;
  }

  private Row existing(JobId id) {
    Row r = find(id);
    if (r == null) {
      throw new JobNotFoundException(id);
    }
    return r;
  }

  /** One stored job, every field of {@link JobRecord}, mutable. */
  private static final class Row {
    final JobId id;
    final String queue;
    final String type;
    final String payload;
    final int priority;
    @Nullable Instant runAt;
    final @Nullable String idempotencyKey;
    int attempts;
    final int maxAttempts;
    final @Nullable Duration timeout;
    JobStatus status = JobStatus.READY;
    @Nullable LeaseToken leaseToken;
    @Nullable Instant leaseExpiresAt;
    @Nullable String lastError;
    @Nullable String result;
    @Nullable String dlqReason;
    @Nullable Instant dlqFailedAt;
    final Instant createdAt;
    Instant updatedAt;
    @Nullable Instant finishedAt;

    Row(NewJob job, Instant now) {
      this.id = job.id();
      this.queue = job.queue();
      this.type = job.type();
      this.payload = job.payload();
      this.priority = job.priority();
      this.runAt = job.runAt();
      this.idempotencyKey = job.idempotencyKey();
      this.maxAttempts = job.maxAttempts();
      this.timeout = job.timeout();
      this.createdAt = now;
      this.updatedAt = now;
    }

    void clearLease() {
      leaseToken = null;
      leaseExpiresAt = null;
    }

    JobRecord toRecord() {
      return new JobRecord(id, queue, type, payload, priority, runAt, idempotencyKey, attempts, maxAttempts,
          timeout, status, leaseToken, leaseExpiresAt, lastError, result, dlqReason, dlqFailedAt, createdAt,
          updatedAt, finishedAt);
    }
  }
}
