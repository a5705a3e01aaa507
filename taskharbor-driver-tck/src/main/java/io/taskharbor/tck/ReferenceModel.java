package io.taskharbor.tck;

import io.taskharbor.api.CancelRequestedException;
import io.taskharbor.api.DefinitionException;
import io.taskharbor.api.DefinitionStatus;
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
import io.taskharbor.api.QueueOverview;
import io.taskharbor.api.QueueSettings;
import io.taskharbor.api.QueueStats;
import io.taskharbor.api.StaleTermException;
import io.taskharbor.api.TaskDefinition;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.LeaderLease;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.LiveJobs;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.NodeInfo;
import io.taskharbor.spi.NodeRecord;
import io.taskharbor.spi.Outcome;
import io.taskharbor.spi.support.DriverRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
 *   <li>Reserve sets leased_by to the holder (null for the four-argument reserve) and started_at to {@code now}, on
 *       every job it leases, reclaims included. Nothing else touches them: they stay when the job leaves INFLIGHT by a
 *       completion, the DLQ sweep, an orphan recovery, a requeue or a cancel, and describe the latest reservation.
 * </ul>
 *
 * <p>Coordination (the {@link io.taskharbor.spi.Coordination} extension), in the same plain style, with the choices
 * the TCK's CRD rules state:
 *
 * <ul>
 *   <li>A node is alive at {@code now} iff its last heartbeat + timeout &gt; now; a lease is valid iff its holder is
 *       set and its expiry &gt; now. Registering (again) sets the last heartbeat to {@code now}, as a heartbeat does.
 *   <li>Nodes are listed in the code point order of their ids (PostgreSQL's {@code COLLATE "C"}).
 *   <li>Acquire: no lease yet, term 1; the caller holds the valid lease, same term, expiry never earlier; another
 *       node holds the valid lease, nothing changes; otherwise (lapsed or resigned) term + 1 for the caller.
 *   <li>Renew and every leader-only call are refused, changing nothing, unless the presented term is the stored term
 *       and the lease is valid at {@code now} (renew: and held by the caller). The refusal carries the stored term and
 *       holder, valid or not (0 and null when no lease was ever granted).
 *   <li>Resign clears the holder and the expiry and keeps the term, when the caller holds that term (valid or not).
 *   <li>recoverOrphans sets lease_expires_at and updated_at to {@code now} on INFLIGHT jobs whose leased_by is a
 *       registered node dead at {@code now} and whose lease is still valid; it counts those. Leases that already
 *       ended are left alone (they are claimable already).
 * </ul>
 *
 * <p>Queue and job controls and definitions (the {@code QueueControls}, {@code JobControls} and {@code Definitions}
 * extensions), with the choices the TCK's QUE, PAU, CAN and DEF rules state:
 *
 * <ul>
 *   <li>Reserve first cancels the INFLIGHT jobs of the queue whose cancel was requested and whose lease is not valid
 *       (CANCELED, finished now), then sweeps the expired last attempts; a paused queue then leases nothing, and a
 *       limit L leases at most L minus the queue's valid leases at now.
 *   <li>Pause, resume and a cancel request on an INFLIGHT job set updated_at to now; a repeated one changes nothing.
 *       A retry or release of a job whose cancel was requested is applied as a cancel: CANCELED, finished now, its
 *       attempt counted, its last_error kept. Requeue clears the cancel request. Base cancel accepts PAUSED jobs.
 *   <li>Every applied completion appends its details ({@code DriverRules.appendDetails}); a refused one or a terminal
 *       no-op appends none.
 *   <li>A definition's create stores it as given, created and updated now; cancel and delete set updated_at to now
 *       (delete also deleted_at); repeated ones change nothing.
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
  /** The registered nodes with their last heartbeats, by id. */
  private final Map<String, NodeRecord> nodes = new HashMap<>();
  /** The leader leases by name, valid or not. */
  private final Map<String, LeaderLease> leases = new HashMap<>();
  /** The queue settings that are not the defaults, by queue. */
  private final Map<String, QueueSettings> settings = new HashMap<>();
  /** The task definitions, deleted ones included, by alias. */
  private final Map<String, TaskDefinition> definitions = new HashMap<>();

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

  List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease, @Nullable String holder) {
    for (JobRecord r : List.copyOf(rows)) {
      if (r.queue().equals(queue) && r.status() == JobStatus.INFLIGHT && !r.hasValidLease(now)
          && r.cancelRequestedAt() != null) {
        replace(r, finished(r, now).status(JobStatus.CANCELED));
      }
    }
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
    QueueSettings queueSettings = settings(queue);
    int room = max;
    if (queueSettings.paused()) {
      room = 0;
    } else if (queueSettings.concurrencyLimit() != null) {
      room = (int) Math.max(0, Math.min(max, queueSettings.concurrencyLimit() - validLeases(queue, now)));
    }
    List<LeasedJob> leased = new ArrayList<>();
    for (JobRecord r : claimable.subList(0, Math.min(room, claimable.size()))) {
      JobRecord next = replace(r, r.toBuilder().status(JobStatus.INFLIGHT).leaseToken(tokens.get())
          .leaseExpiresAt(now.plus(lease)).attempts(r.attempts() + 1).updatedAt(now).leasedBy(holder).startedAt(now));
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
    if (r.cancelRequestedAt() != null) {
      throw new CancelRequestedException(id);
    }
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
    JobRecord.Builder next = r.toBuilder().leaseToken(null).leaseExpiresAt(null).updatedAt(now)
        .details(DriverRules.appendDetails(r.details(), completion.details()));
    boolean wouldRunAgain = completion instanceof Completion.Retry || completion instanceof Completion.Release;
    if (completion instanceof Completion.Cancel || (wouldRunAgain && r.cancelRequestedAt() != null)) {
      next.status(JobStatus.CANCELED).finishedAt(now);
    } else if (completion instanceof Completion.Ack ack) {
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
    long paused = 0;
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
        case PAUSED -> paused++;
      }
    }
    return QueueStats.builder(queue).ready(ready).scheduled(scheduled).inflight(inflight).done(done).dlq(dlq)
        .canceled(canceled).paused(paused).build();
  }

  // ---------------------------------------------------------------- admin

  void requeue(JobId id, boolean resetAttempts, Instant now) {
    JobRecord r = existing(id);
    if (r.status() != JobStatus.DLQ) {
      throw new InvalidJobStatusException(id, r.status(), "requeue", "DLQ");
    }
    replace(r, r.toBuilder().status(JobStatus.READY).runAt(now).dlqReason(null).dlqFailedAt(null).finishedAt(null)
        .cancelRequestedAt(null).attempts(resetAttempts ? 0 : r.attempts()).updatedAt(now));
  }

  void cancel(JobId id, Instant now) {
    JobRecord r = existing(id);
    if (r.status() == JobStatus.CANCELED) {
      return;
    }
    if (r.status() != JobStatus.READY && r.status() != JobStatus.PAUSED) {
      throw new InvalidJobStatusException(id, r.status(), "cancel", "READY or PAUSED");
    }
    replace(r, finished(r, now).status(JobStatus.CANCELED));
  }

  // ---------------------------------------------------------------- queue controls

  QueueSettings settings(String queue) {
    return settings.getOrDefault(queue, QueueSettings.DEFAULT);
  }

  QueueSettings updateSettings(String queue, QueueSettings next) {
    if (next.isDefault()) {
      settings.remove(queue);
    } else {
      settings.put(queue, next);
    }
    return next;
  }

  /** The queue's INFLIGHT jobs whose lease is valid at {@code now}: what a concurrency limit counts. */
  private long validLeases(String queue, Instant now) {
    return rows.stream().filter(r -> r.queue().equals(queue) && r.hasValidLease(now)).count();
  }

  List<QueueOverview> queues(Instant now) {
    TreeMap<String, QueueSettings> named = new TreeMap<>(ReferenceModel::byCodePoints);
    named.putAll(settings);
    for (JobRecord r : rows) {
      named.putIfAbsent(r.queue(), QueueSettings.DEFAULT);
    }
    List<QueueOverview> all = new ArrayList<>();
    named.forEach((queue, s) -> all.add(new QueueOverview(queue, s, stats(queue, now), validLeases(queue, now))));
    return all;
  }

  // ---------------------------------------------------------------- job controls

  void pause(JobId id, Instant now) {
    JobRecord r = existing(id);
    if (r.status() == JobStatus.PAUSED) {
      return;
    }
    if (r.status() != JobStatus.READY) {
      throw new InvalidJobStatusException(id, r.status(), "pause", "READY");
    }
    replace(r, r.toBuilder().status(JobStatus.PAUSED).updatedAt(now));
  }

  void resume(JobId id, Instant now) {
    JobRecord r = existing(id);
    if (r.status() == JobStatus.READY) {
      return;
    }
    if (r.status() != JobStatus.PAUSED) {
      throw new InvalidJobStatusException(id, r.status(), "resume", "PAUSED");
    }
    replace(r, r.toBuilder().status(JobStatus.READY).updatedAt(now));
  }

  void requestCancel(JobId id, Instant now) {
    JobRecord r = existing(id);
    if (r.status() == JobStatus.INFLIGHT) {
      if (r.cancelRequestedAt() == null) {
        replace(r, r.toBuilder().cancelRequestedAt(now).updatedAt(now));
      }
      return;
    }
    if (r.status() != JobStatus.READY && r.status() != JobStatus.PAUSED && r.status() != JobStatus.CANCELED) {
      throw new InvalidJobStatusException(id, r.status(), "cancel", "READY, PAUSED or INFLIGHT");
    }
    cancel(id, now);
  }

  // ---------------------------------------------------------------- definitions

  TaskDefinition createDefinition(TaskDefinition d, Instant now) {
    if (definitions.containsKey(d.alias())) {
      throw new DefinitionException(d.alias(), DefinitionException.Reason.DUPLICATE, "create");
    }
    return putDefinition(new TaskDefinition(d.alias(), d.title(), d.description(), d.status(), d.memo(), now, now,
        null));
  }

  TaskDefinition updateDefinition(TaskDefinition d, Instant now) {
    TaskDefinition old = notDeleted(d.alias(), "update");
    return putDefinition(new TaskDefinition(d.alias(), d.title(), d.description(), d.status(), d.memo(),
        old.createdAt(), now, null));
  }

  Optional<TaskDefinition> findDefinition(String alias) {
    return Optional.ofNullable(definitions.get(alias));
  }

  List<TaskDefinition> listDefinitions(boolean includeDeleted) {
    return definitions.values().stream().filter(d -> includeDeleted || d.deletedAt() == null)
        .sorted(Comparator.comparing(TaskDefinition::alias, ReferenceModel::byCodePoints)).toList();
  }

  TaskDefinition cancelDefinition(String alias, Instant now) {
    TaskDefinition old = notDeleted(alias, "cancel");
    if (old.status() == DefinitionStatus.CANCELED) {
      return old;
    }
    return putDefinition(new TaskDefinition(alias, old.title(), old.description(), DefinitionStatus.CANCELED,
        old.memo(), old.createdAt(), now, null));
  }

  TaskDefinition deleteDefinition(String alias, Instant now) {
    TaskDefinition old = definitions.get(alias);
    if (old == null) {
      throw new DefinitionException(alias, DefinitionException.Reason.NOT_FOUND, "delete");
    }
    return old.deletedAt() != null ? old : putDefinition(new TaskDefinition(alias, old.title(), old.description(),
        old.status(), old.memo(), old.createdAt(), now, now));
  }

  private TaskDefinition notDeleted(String alias, String operation) {
    TaskDefinition d = definitions.get(alias);
    if (d == null || d.deletedAt() != null) {
      throw new DefinitionException(alias,
          d == null ? DefinitionException.Reason.NOT_FOUND : DefinitionException.Reason.DELETED, operation);
    }
    return d;
  }

  private TaskDefinition putDefinition(TaskDefinition d) {
    definitions.put(d.alias(), d);
    return d;
  }

  void delete(JobId id) {
    JobRecord r = existing(id);
    if (r.status() == JobStatus.INFLIGHT) {
      throw new InvalidJobStatusException(id, r.status(), "delete", "READY, PAUSED, DONE, DLQ or CANCELED");
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

  // ---------------------------------------------------------------- statistics

  LiveJobs liveJobs(Instant now) {
    Map<String, Map<String, long[]>> counts = new TreeMap<>(ReferenceModel::byCodePoints);
    Map<String, Instant> oldestDue = new HashMap<>();
    for (JobRecord r : rows) {
      if (r.status() != JobStatus.READY && r.status() != JobStatus.INFLIGHT) {
        continue;
      }
      long[] c = counts.computeIfAbsent(r.queue(), q -> new TreeMap<>(ReferenceModel::byCodePoints))
          .computeIfAbsent(r.type(), t -> new long[3]);
      if (r.status() == JobStatus.INFLIGHT) {
        c[2]++;
        continue;
      }
      Instant due = r.runAt() != null ? r.runAt() : r.createdAt();
      if (due.isAfter(now)) {
        c[1]++;
      } else {
        c[0]++;
        Instant oldest = oldestDue.get(r.queue());
        if (oldest == null || due.isBefore(oldest)) {
          oldestDue.put(r.queue(), due);
        }
      }
    }
    List<LiveJobs.Group> groups = new ArrayList<>();
    counts.forEach((queue, types) -> types.forEach(
        (type, c) -> groups.add(new LiveJobs.Group(queue, type, c[0], c[1], c[2]))));
    return new LiveJobs(now, groups, oldestDue);
  }

  // ---------------------------------------------------------------- coordination: nodes

  void register(NodeInfo node, Instant now) {
    nodes.put(node.id(), new NodeRecord(node, now, true));
  }

  boolean heartbeat(String nodeId, Instant now) {
    NodeRecord r = nodes.get(nodeId);
    if (r == null) {
      return false;
    }
    nodes.put(nodeId, new NodeRecord(r.node(), now, true));
    return true;
  }

  void deregister(String nodeId) {
    nodes.remove(nodeId);
  }

  List<NodeRecord> nodes(Instant now, Duration timeout) {
    List<NodeRecord> all = new ArrayList<>();
    for (NodeRecord r : nodes.values()) {
      all.add(new NodeRecord(r.node(), r.lastHeartbeat(), isAlive(r, now, timeout)));
    }
    all.sort(Comparator.comparing(NodeRecord::id, ReferenceModel::byCodePoints));
    return all;
  }

  private static boolean isAlive(NodeRecord r, Instant now, Duration timeout) {
    return r.lastHeartbeat().plus(timeout).isAfter(now);
  }

  // ---------------------------------------------------------------- coordination: leaders

  LeaderLease acquire(String name, String nodeId, Instant now, Duration ttl) {
    LeaderLease current = leases.get(name);
    Instant until = now.plus(ttl);
    LeaderLease next;
    if (current == null) {
      next = new LeaderLease(name, nodeId, 1, until);
    } else if (current.isHeldBy(nodeId, now)) {
      next = new LeaderLease(name, nodeId, current.term(), later(current.expiresAt(), until));
    } else if (current.isValid(now)) {
      return current;
    } else {
      next = new LeaderLease(name, nodeId, current.term() + 1, until);
    }
    leases.put(name, next);
    return next;
  }

  LeaderLease renew(String name, String nodeId, long term, Instant now, Duration ttl) {
    LeaderLease current = fence(name, term, now);
    if (!nodeId.equals(current.holder())) {
      throw new StaleTermException(name, term, current.term(), current.holder());
    }
    LeaderLease next = new LeaderLease(name, nodeId, term, later(current.expiresAt(), now.plus(ttl)));
    leases.put(name, next);
    return next;
  }

  void resign(String name, String nodeId, long term) {
    LeaderLease current = leases.get(name);
    if (current != null && current.term() == term && nodeId.equals(current.holder())) {
      leases.put(name, new LeaderLease(name, null, term, null));
    }
  }

  Optional<LeaderLease> leader(String name) {
    return Optional.ofNullable(leases.get(name));
  }

  /** The lease of {@code name}, if {@code term} is its current term and it is valid at {@code now}; else refused. */
  private LeaderLease fence(String name, long term, Instant now) {
    LeaderLease current = leases.get(name);
    if (current == null || current.term() != term || !current.isValid(now)) {
      throw new StaleTermException(name, term, current == null ? 0 : current.term(),
          current == null ? null : current.holder());
    }
    return current;
  }

  private static Instant later(@Nullable Instant a, Instant b) {
    return a != null && a.isAfter(b) ? a : b;
  }

  // ---------------------------------------------------------------- coordination: the leader's duties

  int recoverOrphans(String name, long term, Instant now, Duration nodeTimeout) {
    fence(name, term, now);
    int recovered = 0;
    for (JobRecord r : List.copyOf(rows)) {
      NodeRecord holder = r.leasedBy() == null ? null : nodes.get(r.leasedBy());
      if (r.hasValidLease(now) && holder != null && !isAlive(holder, now, nodeTimeout)) {
        replace(r, r.toBuilder().leaseExpiresAt(now).updatedAt(now));
        recovered++;
      }
    }
    return recovered;
  }

  int removeDeadNodes(String name, long term, Instant now, Duration nodeTimeout) {
    fence(name, term, now);
    int before = nodes.size();
    nodes.values().removeIf(r -> !isAlive(r, now, nodeTimeout));
    return before - nodes.size();
  }

  long purge(String name, long term, Set<JobStatus> statuses, Instant finishedBefore, Instant now) {
    fence(name, term, now);
    return purge(statuses, finishedBefore);
  }

  /** Compares two strings code point by code point (the order of their UTF-8 bytes). */
  static int byCodePoints(String a, String b) {
    return java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
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
