package io.taskharbor.driver.memory;

import io.taskharbor.api.CancelRequestedException;
import io.taskharbor.api.DuplicateJobException;
import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.InvalidJobStatusException;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobNotFoundException;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStateException;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Page;
import io.taskharbor.api.QueueOverview;
import io.taskharbor.api.QueueSettings;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.support.Validation;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.Definitions;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.JobControls;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.LiveJobs;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
import io.taskharbor.spi.QueueControls;
import io.taskharbor.spi.Statistics;
import io.taskharbor.spi.WakeUpNotifications;
import io.taskharbor.spi.support.DriverRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory driver: every rule of {@link Driver}, in the heap, thread-safe.
 *
 * <p><b>Why it is built this way.</b> Reserve is the hot path, so each queue keeps its claimable jobs (READY and
 * INFLIGHT) in one ordered set per priority level, ordered by the instant the job becomes claimable ({@code
 * available_at}: run_at or created_at while READY, the lease expiry while INFLIGHT) and then by id. Reserve walks the
 * priority levels from the highest and takes each level's head while it is due, so it visits only the jobs it leases
 * plus one per level: a backlog of scheduled jobs or held leases costs nothing. Expired leases on their last attempt,
 * which reserve must move to the DLQ first, sit in a second set ordered by expiry, so that sweep is as cheap. Every
 * mutation removes a job from the indexes, changes it and puts it back, so an index never holds a stale key.
 *
 * <p>One lock guards all state. Against a finer scheme it trades away parallelism between queues, which an
 * in-process queue rarely needs (a handler takes far longer than a reserve), for operations that are atomic as a
 * whole (a batch enqueue is all or nothing) and obviously correct. Listeners are told outside the lock.
 *
 * <p>Records handed out are immutable snapshots. Payloads and results are kept as the JSON text they were given, up to
 * {@value DriverRules#MAX_PAYLOAD_BYTES_OPTION} bytes of UTF-8 each ({@link DriverRules#DEFAULT_MAX_PAYLOAD_BYTES},
 * 1 MiB, unless {@link Builder#maxPayloadBytes} or the URI option {@code memory:?maxPayloadBytes=...} says
 * otherwise), the same limit and default as the PostgreSQL driver's, so that code tested on memory does not fail in
 * production: a larger payload refuses its whole enqueue batch, a larger ack result its whole completion batch, with
 * an {@link IllegalArgumentException} naming the field.
 *
 * <p>It offers {@link WakeUpNotifications}, {@link Coordination}, {@link Statistics}, {@link QueueControls}, {@link
 * JobControls} and {@link Definitions}. Queue settings, definitions and the cancel requests live under the same lock
 * as the jobs, so reserve reads a queue's settings and its valid leases and leases jobs in one step: a concurrency
 * limit holds across every client of the instance. A queue with the default settings pays one map look-up; a limited
 * queue counts its valid leases by walking only the not-yet-claimable tail of its index. The
 * coordination state (the node registry and the leader leases) lives in the driver instance, under the same lock as
 * the jobs: every client of one {@code MemoryDriver} (every engine of one JVM given this instance) sees the same
 * nodes and leaders, and a leader's fenced call checks its term and changes jobs in one step. Its {@link
 * Coordination#serverTime()} is the JVM's clock ({@link Instant#now()}, to the microsecond): the store is the JVM.
 */
public final class MemoryDriver implements Driver {

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<JobId, MemoryJob> jobs = new HashMap<>();
  private final java.util.TreeMap<JobId, MemoryJob> byId = new java.util.TreeMap<>();
  private final Map<String, QueueIndex> queues = new HashMap<>();
  /** How many jobs reserves have looked at, in all (guarded by the lock; read by tests of the indexes' cost). */
  private long reserveLookups;
  private final Map<KeyRef, MemoryJob> keys = new HashMap<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private final Supplier<LeaseToken> tokens;
  private final int maxPayloadBytes;
  private final List<Consumer<JobId>> cancelListeners = new CopyOnWriteArrayList<>();
  private final WakeUpNotifications notifications = new WakeUpNotifications() {
    @Override
    public Subscription subscribe(Consumer<String> listener) {
      return listen(listener);
    }

    @Override
    public Subscription subscribeCancels(Consumer<JobId> listener) {
      Objects.requireNonNull(listener, "listener must not be null");
      ensureOpen();
      cancelListeners.add(listener);
      return () -> cancelListeners.remove(listener);
    }
  };
  private final MemoryCoordination coordination = new MemoryCoordination();
  private final Statistics statistics = this::liveJobs;
  private final MemoryControls controls = new MemoryControls();
  private final MemoryDefinitions definitions = new MemoryDefinitions(lock, this::ensureOpen);
  /** The queues' settings other than the defaults, by queue (guarded by the lock). */
  private final Map<String, QueueSettings> settings = new HashMap<>();
  /** The registered nodes by id, in code point order (guarded by the lock). */
  private final java.util.TreeMap<String, NodeEntry> nodes = new java.util.TreeMap<>(CoordinationChecks.CODE_POINTS);
  /** The leader leases by name, valid or not (guarded by the lock). */
  private final Map<String, io.taskharbor.spi.LeaderLease> leases = new HashMap<>();
  private volatile boolean closed;

  /** Returns a driver over new, empty storage, with the default payload limit of 1 MiB. */
  public MemoryDriver() {
    this(LeaseToken::random);
  }

  MemoryDriver(Supplier<LeaseToken> tokens) {
    this(tokens, DriverRules.DEFAULT_MAX_PAYLOAD_BYTES);
  }

  private MemoryDriver(Supplier<LeaseToken> tokens, int maxPayloadBytes) {
    this.tokens = tokens;
    this.maxPayloadBytes = maxPayloadBytes;
  }

  /** Returns a builder, for a driver with options other than the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the largest payload or ack result this driver stores, in UTF-8 bytes. */
  public int maxPayloadBytes() {
    return maxPayloadBytes;
  }

  @Override
  public String name() {
    return "memory";
  }

  /**
   * Offers {@link WakeUpNotifications} (enqueue, retry, release and requeue tell subscribers of the queue), {@link
   * Coordination} (the nodes and leaders of this instance), {@link Statistics}, {@link QueueControls}, {@link
   * JobControls} and {@link Definitions}; each is one object for the life of the driver.
   */
  @Override
  public <T> Optional<T> extension(Class<T> type) {
    Objects.requireNonNull(type, "type must not be null");
    if (type == WakeUpNotifications.class) {
      return Optional.of(type.cast(notifications));
    }
    if (type == Coordination.class) {
      return Optional.of(type.cast(coordination));
    }
    if (type == Statistics.class) {
      return Optional.of(type.cast(statistics));
    }
    if (type == QueueControls.class || type == JobControls.class) {
      return Optional.of(type.cast(controls));
    }
    if (type == Definitions.class) {
      return Optional.of(type.cast(definitions));
    }
    return Optional.empty();
  }

  // ------------------------------------------------------------------------------------------------ enqueue

  @Override
  public List<EnqueueResult> enqueue(List<NewJob> batch, Instant now) {
    Objects.requireNonNull(batch, "jobs must not be null");
    for (NewJob job : batch) {
      Objects.requireNonNull(job, "jobs must not contain null");
      Validation.payloadSize(job.payload(), maxPayloadBytes, "payload", job.id());
    }
    Instant at = Validation.now(now);
    List<EnqueueResult> results = new ArrayList<>(batch.size());
    Set<String> touched = new LinkedHashSet<>();
    lock.lock();
    try {
      ensureOpen();
      Map<KeyRef, JobId> stagedKeys = new HashMap<>();
      Set<JobId> stagedIds = new HashSet<>();
      List<NewJob> accepted = new ArrayList<>(batch.size());
      for (NewJob job : batch) {
        if (job.idempotencyKey() != null) {
          KeyRef key = new KeyRef(job.queue(), job.idempotencyKey());
          MemoryJob holder = keys.get(key);
          JobId holderId = holder != null ? holder.id : stagedKeys.get(key);
          if (holderId != null) {
            results.add(new EnqueueResult(holderId, false));
            continue;
          }
          stagedKeys.put(key, job.id());
        }
        if (jobs.containsKey(job.id()) || !stagedIds.add(job.id())) {
          throw new DuplicateJobException(job.id());
        }
        accepted.add(job);
        results.add(new EnqueueResult(job.id(), true));
      }
      for (NewJob job : accepted) {
        MemoryJob stored = new MemoryJob(job, at);
        jobs.put(stored.id, stored);
        byId.put(stored.id, stored);
        if (stored.idempotencyKey != null) {
          keys.put(new KeyRef(stored.queue, stored.idempotencyKey), stored);
        }
        index(stored);
        touched.add(stored.queue);
      }
    } finally {
      lock.unlock();
    }
    announce(touched);
    return List.copyOf(results);
  }

  // ------------------------------------------------------------------------------------------------ reserve

  /** Reserves with no holder: leased_by becomes null, as {@link #reserve(String, int, Instant, Duration, String)}. */
  @Override
  public List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease) {
    return reserve(queue, max, now, lease, null);
  }

  /**
   * Reserves, recording {@code holder} as each leased job's leased_by and {@code now} as its started_at. Both stay on
   * the job after it leaves INFLIGHT (they describe its latest attempt); the next reservation overwrites them.
   */
  @Override
  public List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease, @Nullable String holder) {
    Validation.queue(queue);
    Validation.max(max);
    Instant at = Validation.now(now);
    Duration leaseFor = Validation.lease(lease);
    String by = CoordinationChecks.holder(holder);
    lock.lock();
    try {
      ensureOpen();
      QueueIndex q = queues.get(queue);
      if (q == null) {
        return List.of();
      }
      sweepExpiredLastAttempts(q, at);
      int room = room(queue, q, max, at);
      List<LeasedJob> leased = new ArrayList<>(Math.min(room, 64));
      for (Integer priority : List.copyOf(q.claimable.keySet())) {
        while (leased.size() < room) {
          MemoryJob head = q.firstClaimable(priority);
          reserveLookups++;
          if (head == null || head.availableAt().isAfter(at)) {
            break;
          }
          unindex(head);
          head.status = JobStatus.INFLIGHT;
          head.leaseToken = tokens.get();
          head.leaseExpiresAt = at.plus(leaseFor);
          head.attempts++;
          head.updatedAt = at;
          head.leasedBy = by;
          head.startedAt = at;
          index(head);
          leased.add(new LeasedJob(head.toRecord()));
        }
        if (leased.size() >= room) {
          break;
        }
      }
      return List.copyOf(leased);
    } finally {
      lock.unlock();
    }
  }

  /**
   * How many jobs this reserve may lease: {@code max}, none on a paused queue, and under a concurrency limit L at most
   * L minus the queue's valid leases at {@code now}. A queue with the default settings costs one look-up.
   */
  private int room(String queue, QueueIndex q, int max, Instant now) {
    QueueSettings s = settings.get(queue);
    if (s == null) {
      return max;
    }
    if (s.paused()) {
      return 0;
    }
    Integer limit = s.concurrencyLimit();
    return limit == null ? max : (int) Math.max(0, Math.min(max, limit - q.countValidLeases(now)));
  }

  /**
   * Cancels every INFLIGHT job of the queue whose cancel was requested and whose lease ended (its holder died before it
   * could), then moves every INFLIGHT job whose lease expired on its last attempt to the DLQ.
   */
  private void sweepExpiredLastAttempts(QueueIndex q, Instant now) {
    while (!q.cancelPending.isEmpty()) {
      MemoryJob job = q.cancelPending.first();
      if (job.hasValidLease(now)) {
        break;
      }
      unindex(job);
      job.status = JobStatus.CANCELED;
      job.finishedAt = now;
      job.clearLease();
      job.updatedAt = now;
      index(job);
    }
    while (!q.lastAttemptLeases.isEmpty()) {
      MemoryJob job = q.lastAttemptLeases.first();
      if (job.leaseExpiresAt == null || job.leaseExpiresAt.isAfter(now)) {
        return;
      }
      unindex(job);
      job.status = JobStatus.DLQ;
      job.dlqReason = DriverRules.LAST_ATTEMPT_EXPIRED;
      job.dlqFailedAt = now;
      job.finishedAt = now;
      job.clearLease();
      job.updatedAt = now;
      index(job);
    }
  }

  // ------------------------------------------------------------------------------------------------ leases

  @Override
  public Instant extendLease(JobId id, LeaseToken token, Instant now, Duration lease) {
    Objects.requireNonNull(id, "id must not be null");
    Objects.requireNonNull(token, "token must not be null");
    Instant at = Validation.now(now);
    Duration leaseFor = Validation.lease(lease);
    lock.lock();
    try {
      ensureOpen();
      MemoryJob job = validateLease(id, token, at, "extendLease");
      if (job.cancelRequestedAt != null) {
        throw new CancelRequestedException(id);
      }
      Instant extended = at.plus(leaseFor);
      Instant current = Objects.requireNonNull(job.leaseExpiresAt);
      unindex(job);
      if (extended.isAfter(current)) {
        job.leaseExpiresAt = extended;
      }
      job.updatedAt = at;
      index(job);
      return Objects.requireNonNull(job.leaseExpiresAt);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Outcome> complete(List<Completion> completions, Instant now) {
    Objects.requireNonNull(completions, "completions must not be null");
    for (Completion c : completions) {
      Objects.requireNonNull(c, "completions must not contain null");
      if (c instanceof Completion.Ack ack && ack.result() != null) {
        Validation.payloadSize(ack.result(), maxPayloadBytes, "result", ack.id());
      }
    }
    Instant at = Validation.now(now);
    List<Outcome> outcomes = new ArrayList<>(completions.size());
    Set<String> touched = new LinkedHashSet<>();
    lock.lock();
    try {
      ensureOpen();
      for (Completion c : completions) {
        outcomes.add(completeOne(c, at, touched));
      }
    } finally {
      lock.unlock();
    }
    announce(touched);
    return List.copyOf(outcomes);
  }

  private Outcome completeOne(Completion completion, Instant now, Set<String> touched) {
    MemoryJob existing = jobs.get(completion.id());
    if (existing != null && DriverRules.isTerminalNoOp(completion, existing.status)) {
      return Outcome.ok(completion.id());
    }
    MemoryJob job;
    try {
      job = validateLease(completion.id(), completion.token(), now, DriverRules.operation(completion));
    } catch (JobStateException e) {
      return Outcome.refused(e);
    }
    unindex(job);
    job.details = DriverRules.appendDetails(job.details, completion.details());
    boolean runsAgain = completion instanceof Completion.Retry || completion instanceof Completion.Release;
    if (completion instanceof Completion.Cancel || (runsAgain && job.cancelRequestedAt != null)) {
      job.status = JobStatus.CANCELED; // the cancel wins over running again
      job.finishedAt = now;
    } else if (completion instanceof Completion.Ack ack) {
      job.status = JobStatus.DONE;
      job.result = ack.result();
      job.finishedAt = now;
    } else if (completion instanceof Completion.Retry retry) {
      job.status = JobStatus.READY;
      job.runAt = retry.runAt() != null ? retry.runAt() : now;
      job.lastError = retry.error();
      touched.add(job.queue);
    } else if (completion instanceof Completion.Fail fail) {
      job.status = JobStatus.DLQ;
      job.dlqReason = fail.reason();
      job.dlqFailedAt = now;
      job.finishedAt = now;
      job.lastError = fail.error();
    } else if (completion instanceof Completion.Release release) {
      job.status = JobStatus.READY;
      job.runAt = release.runAt() != null ? release.runAt() : now;
      job.attempts--;
      touched.add(job.queue);
    }
    job.clearLease();
    job.updatedAt = now;
    index(job);
    return Outcome.ok(completion.id());
  }

  /** Strict lease validation: not found, not inflight, expired (wins over a wrong token), wrong token. */
  private MemoryJob validateLease(JobId id, LeaseToken token, Instant now, String operation) {
    MemoryJob job = jobs.get(id);
    JobStateException refusal = job == null
        ? DriverRules.leaseRefusal(id, null, null, null, token, now, operation)
        : DriverRules.leaseRefusal(id, job.status, job.leaseExpiresAt, job.leaseToken, token, now, operation);
    if (refusal != null) {
      throw refusal;
    }
    return Objects.requireNonNull(job);
  }

  // ------------------------------------------------------------------------------------------------ reads

  @Override
  public Optional<JobRecord> get(JobId id) {
    Objects.requireNonNull(id, "id must not be null");
    lock.lock();
    try {
      ensureOpen();
      return Optional.ofNullable(jobs.get(id)).map(MemoryJob::toRecord);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<JobRecord> findByIdempotencyKey(String queue, String key) {
    Validation.queue(queue);
    Validation.idempotencyKey(key);
    lock.lock();
    try {
      ensureOpen();
      return Optional.ofNullable(keys.get(new KeyRef(queue, key))).map(MemoryJob::toRecord);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Page<JobRecord> list(JobQuery query) {
    Objects.requireNonNull(query, "query must not be null");
    lock.lock();
    try {
      ensureOpen();
      JobId after = query.cursorId();
      Map<JobId, MemoryJob> from = after == null ? byId : byId.tailMap(after, false);
      List<JobRecord> items = new ArrayList<>();
      boolean more = false;
      for (MemoryJob job : from.values()) {
        if (!cheapMatch(query, job)) {
          continue;
        }
        JobRecord record = job.toRecord();
        if (!query.matches(record)) {
          continue;
        }
        if (items.size() == query.limit()) {
          more = true;
          break;
        }
        items.add(record);
      }
      String next = more ? items.get(items.size() - 1).id().toString() : null;
      return new Page<>(List.copyOf(items), next);
    } finally {
      lock.unlock();
    }
  }

  /** Filters on the stored fields before a record is built for {@link JobQuery#matches}. */
  private static boolean cheapMatch(JobQuery query, MemoryJob job) {
    return (query.queue() == null || query.queue().equals(job.queue))
        && (query.statuses().isEmpty() || query.statuses().contains(job.status))
        && (query.type() == null || query.type().equals(job.type))
        && (query.leasedBy() == null || query.leasedBy().equals(job.leasedBy));
  }

  @Override
  public QueueStats stats(String queue, Instant now) {
    Validation.queue(queue);
    Instant at = Validation.now(now);
    lock.lock();
    try {
      ensureOpen();
      return statsLocked(queue, queues.get(queue), at);
    } finally {
      lock.unlock();
    }
  }

  private static QueueStats statsLocked(String queue, @Nullable QueueIndex q, Instant at) {
    if (q == null) {
      return QueueStats.empty(queue);
    }
    long scheduled = q.countScheduled(at);
    return QueueStats.builder(queue).ready(q.count(JobStatus.READY) - scheduled).scheduled(scheduled)
        .inflight(q.count(JobStatus.INFLIGHT)).done(q.count(JobStatus.DONE)).dlq(q.count(JobStatus.DLQ))
        .canceled(q.count(JobStatus.CANCELED)).paused(q.count(JobStatus.PAUSED)).build();
  }

  // ------------------------------------------------------------------------------------------------ admin

  @Override
  public void requeue(JobId id, boolean resetAttempts, Instant now) {
    Objects.requireNonNull(id, "id must not be null");
    Instant at = Validation.now(now);
    String queue;
    lock.lock();
    try {
      ensureOpen();
      MemoryJob job = existing(id);
      if (job.status != JobStatus.DLQ) {
        throw new InvalidJobStatusException(id, job.status, "requeue", "DLQ");
      }
      unindex(job);
      job.status = JobStatus.READY;
      job.runAt = at;
      job.dlqReason = null;
      job.dlqFailedAt = null;
      job.finishedAt = null;
      job.cancelRequestedAt = null;
      if (resetAttempts) {
        job.attempts = 0;
      }
      job.updatedAt = at;
      index(job);
      queue = job.queue;
    } finally {
      lock.unlock();
    }
    announce(Set.of(queue));
  }

  @Override
  public void cancel(JobId id, Instant now) {
    Objects.requireNonNull(id, "id must not be null");
    Instant at = Validation.now(now);
    lock.lock();
    try {
      ensureOpen();
      MemoryJob job = existing(id);
      if (job.status == JobStatus.CANCELED) {
        return;
      }
      if (job.status != JobStatus.READY && job.status != JobStatus.PAUSED) {
        throw new InvalidJobStatusException(id, job.status, "cancel", "READY or PAUSED");
      }
      cancelNow(job, at);
    } finally {
      lock.unlock();
    }
  }

  /** A READY or PAUSED job becomes CANCELED, finished at {@code now}. */
  private void cancelNow(MemoryJob job, Instant now) {
    unindex(job);
    job.status = JobStatus.CANCELED;
    job.finishedAt = now;
    job.updatedAt = now;
    index(job);
  }

  // ------------------------------------------------------------------------------------------------ controls

  /**
   * {@link QueueControls} and {@link JobControls} over this driver's storage, under its lock: reserve reads the
   * settings in the same step as it leases.
   */
  private final class MemoryControls implements QueueControls, JobControls {

    @Override
    public QueueSettings settings(String queue) {
      Validation.queue(queue);
      lock.lock();
      try {
        ensureOpen();
        return settings.getOrDefault(queue, QueueSettings.DEFAULT);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public QueueSettings update(String queue, QueueSettings wanted, Instant now) {
      Validation.queue(queue);
      Objects.requireNonNull(wanted, "settings must not be null (use QueueSettings.DEFAULT for the defaults)");
      Validation.now(now);
      lock.lock();
      try {
        ensureOpen();
        if (wanted.isDefault()) {
          settings.remove(queue);
        } else {
          settings.put(queue, wanted);
        }
        return wanted;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public List<QueueOverview> queues(Instant now) {
      Instant at = Validation.now(now);
      lock.lock();
      try {
        ensureOpen();
        java.util.TreeSet<String> names = new java.util.TreeSet<>(CoordinationChecks.CODE_POINTS);
        names.addAll(settings.keySet());
        queues.forEach((name, q) -> {
          if (!q.isEmpty()) {
            names.add(name);
          }
        });
        List<QueueOverview> all = new ArrayList<>(names.size());
        for (String name : names) {
          QueueIndex q = queues.get(name);
          all.add(new QueueOverview(name, settings.getOrDefault(name, QueueSettings.DEFAULT),
              statsLocked(name, q, at), q == null ? 0 : q.countValidLeases(at)));
        }
        return List.copyOf(all);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void pause(JobId id, Instant now) {
      change(id, now, "pause", JobStatus.READY, JobStatus.PAUSED);
    }

    @Override
    public void resume(JobId id, Instant now) {
      change(id, now, "resume", JobStatus.PAUSED, JobStatus.READY);
    }

    /** Moves a job from {@code from} to {@code to}; a job in {@code to} already is left alone. */
    private void change(JobId id, Instant now, String operation, JobStatus from, JobStatus to) {
      Objects.requireNonNull(id, "id must not be null");
      Instant at = Validation.now(now);
      lock.lock();
      try {
        ensureOpen();
        MemoryJob job = existing(id);
        if (job.status == to) {
          return;
        }
        if (job.status != from) {
          throw new InvalidJobStatusException(id, job.status, operation, from.name());
        }
        unindex(job);
        job.status = to;
        job.updatedAt = at;
        index(job);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void requestCancel(JobId id, Instant now) {
      Objects.requireNonNull(id, "id must not be null");
      Instant at = Validation.now(now);
      boolean told = false;
      lock.lock();
      try {
        ensureOpen();
        MemoryJob job = existing(id);
        switch (job.status) {
          case CANCELED -> {
            // already canceled: nothing changes
          }
          case READY, PAUSED -> cancelNow(job, at);
          case INFLIGHT -> {
            if (job.cancelRequestedAt == null) {
              unindex(job);
              job.cancelRequestedAt = at;
              job.updatedAt = at;
              index(job);
              told = true;
            }
          }
          default -> throw new InvalidJobStatusException(id, job.status, "cancel", "READY, PAUSED or INFLIGHT");
        }
      } finally {
        lock.unlock();
      }
      if (told) {
        announceCancel(id);
      }
    }

    @Override
    public String toString() {
      return "MemoryDriver.controls";
    }
  }

  @Override
  public void delete(JobId id) {
    Objects.requireNonNull(id, "id must not be null");
    lock.lock();
    try {
      ensureOpen();
      MemoryJob job = existing(id);
      if (job.status == JobStatus.INFLIGHT) {
        throw new InvalidJobStatusException(id, job.status, "delete", "READY, PAUSED, DONE, DLQ or CANCELED");
      }
      remove(job);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long purge(Set<JobStatus> statuses, Instant finishedBefore) {
    Set<JobStatus> wanted = Validation.purgeStatuses(statuses);
    Instant before = Validation.instant(finishedBefore, "finishedBefore");
    lock.lock();
    try {
      ensureOpen();
      return purgeLocked(wanted, before);
    } finally {
      lock.unlock();
    }
  }

  private long purgeLocked(Set<JobStatus> wanted, Instant before) {
    List<MemoryJob> doomed = new ArrayList<>();
    for (MemoryJob job : jobs.values()) {
      if (wanted.contains(job.status) && job.finishedAt != null && job.finishedAt.isBefore(before)) {
        doomed.add(job);
      }
    }
    doomed.forEach(this::remove);
    return doomed.size();
  }

  // ------------------------------------------------------------------------------------------------ statistics

  /** One aggregate pass over the live jobs only (each queue's claimable index holds its READY and INFLIGHT jobs). */
  private LiveJobs liveJobs(Instant now) {
    Instant at = Validation.now(now);
    lock.lock();
    try {
      ensureOpen();
      java.util.TreeMap<String, java.util.TreeMap<String, long[]>> counts = new java.util.TreeMap<>();
      Map<String, Instant> oldestDue = new HashMap<>();
      for (Map.Entry<String, QueueIndex> q : queues.entrySet()) {
        for (java.util.NavigableSet<MemoryJob> level : q.getValue().claimable.values()) {
          for (MemoryJob job : level) {
            long[] c = counts.computeIfAbsent(job.queue, k -> new java.util.TreeMap<>(CoordinationChecks.CODE_POINTS))
                .computeIfAbsent(job.type, k -> new long[3]);
            if (job.status == JobStatus.INFLIGHT) {
              c[2]++;
            } else if (job.availableAt().isAfter(at)) {
              c[1]++;
            } else {
              c[0]++;
              oldestDue.merge(job.queue, job.availableAt(), (a, b) -> a.isBefore(b) ? a : b);
            }
          }
        }
      }
      List<LiveJobs.Group> groups = new ArrayList<>();
      counts.forEach((queue, types) -> types.forEach(
          (type, c) -> groups.add(new LiveJobs.Group(queue, type, c[0], c[1], c[2]))));
      return new LiveJobs(at, groups, oldestDue);
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------------------------------------ coordination

  /** A registered node: what it registered and its last heartbeat (guarded by the lock). */
  private static final class NodeEntry {
    final io.taskharbor.spi.NodeInfo node;
    Instant lastHeartbeat;

    NodeEntry(io.taskharbor.spi.NodeInfo node, Instant lastHeartbeat) {
      this.node = node;
      this.lastHeartbeat = lastHeartbeat;
    }

    boolean isAliveAt(Instant now, Duration timeout) {
      return lastHeartbeat.plus(timeout).isAfter(now);
    }
  }

  /**
   * {@link Coordination} over this driver's storage. Every call holds the driver's lock, so a leader-only call checks
   * its term and makes its change in one step, and two acquisitions never overlap.
   */
  private final class MemoryCoordination implements Coordination {

    @Override
    public void register(io.taskharbor.spi.NodeInfo node, Instant now) {
      Objects.requireNonNull(node, "node must not be null");
      Instant at = Validation.now(now);
      lock.lock();
      try {
        ensureOpen();
        nodes.put(node.id(), new NodeEntry(node, at));
      } finally {
        lock.unlock();
      }
    }

    @Override
    public boolean heartbeat(String nodeId, Instant now) {
      String id = CoordinationChecks.nodeId(nodeId);
      Instant at = Validation.now(now);
      lock.lock();
      try {
        ensureOpen();
        NodeEntry entry = nodes.get(id);
        if (entry == null) {
          return false;
        }
        entry.lastHeartbeat = at;
        return true;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void deregister(String nodeId) {
      String id = CoordinationChecks.nodeId(nodeId);
      lock.lock();
      try {
        ensureOpen();
        nodes.remove(id);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public List<io.taskharbor.spi.NodeRecord> nodes(Instant now, Duration timeout) {
      Instant at = Validation.now(now);
      Duration silence = Validation.positive(timeout, "timeout");
      lock.lock();
      try {
        ensureOpen();
        List<io.taskharbor.spi.NodeRecord> all = new ArrayList<>(nodes.size());
        for (NodeEntry e : nodes.values()) {
          all.add(new io.taskharbor.spi.NodeRecord(e.node, e.lastHeartbeat, e.isAliveAt(at, silence)));
        }
        return List.copyOf(all);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public io.taskharbor.spi.LeaderLease acquire(String name, String nodeId, Instant now, Duration ttl) {
      String lease = CoordinationChecks.name(name);
      String id = CoordinationChecks.nodeId(nodeId);
      Instant at = Validation.now(now);
      Instant until = at.plus(Validation.positive(ttl, "ttl"));
      lock.lock();
      try {
        ensureOpen();
        io.taskharbor.spi.LeaderLease current = leases.get(lease);
        io.taskharbor.spi.LeaderLease next;
        if (current == null) {
          next = new io.taskharbor.spi.LeaderLease(lease, id, 1, until);
        } else if (current.isHeldBy(id, at)) {
          next = new io.taskharbor.spi.LeaderLease(lease, id, current.term(), later(current.expiresAt(), until));
        } else if (current.isValid(at)) {
          return current;
        } else {
          next = new io.taskharbor.spi.LeaderLease(lease, id, current.term() + 1, until);
        }
        leases.put(lease, next);
        return next;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public io.taskharbor.spi.LeaderLease renew(String name, String nodeId, long term, Instant now, Duration ttl) {
      String lease = CoordinationChecks.name(name);
      String id = CoordinationChecks.nodeId(nodeId);
      long presented = CoordinationChecks.term(term);
      Instant at = Validation.now(now);
      Instant until = at.plus(Validation.positive(ttl, "ttl"));
      lock.lock();
      try {
        ensureOpen();
        io.taskharbor.spi.LeaderLease current = fence(lease, presented, at);
        if (!id.equals(current.holder())) {
          throw new io.taskharbor.api.StaleTermException(lease, presented, current.term(), current.holder());
        }
        io.taskharbor.spi.LeaderLease next =
            new io.taskharbor.spi.LeaderLease(lease, id, presented, later(current.expiresAt(), until));
        leases.put(lease, next);
        return next;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void resign(String name, String nodeId, long term, Instant now) {
      String lease = CoordinationChecks.name(name);
      String id = CoordinationChecks.nodeId(nodeId);
      long presented = CoordinationChecks.term(term);
      Validation.now(now);
      lock.lock();
      try {
        ensureOpen();
        io.taskharbor.spi.LeaderLease current = leases.get(lease);
        if (current != null && current.term() == presented && id.equals(current.holder())) {
          leases.put(lease, new io.taskharbor.spi.LeaderLease(lease, null, presented, null));
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public Optional<io.taskharbor.spi.LeaderLease> leader(String name) {
      String lease = CoordinationChecks.name(name);
      lock.lock();
      try {
        ensureOpen();
        return Optional.ofNullable(leases.get(lease));
      } finally {
        lock.unlock();
      }
    }

    @Override
    public int recoverOrphans(String name, long term, Instant now, Duration nodeTimeout) {
      String lease = CoordinationChecks.name(name);
      long presented = CoordinationChecks.term(term);
      Instant at = Validation.now(now);
      Duration timeout = Validation.positive(nodeTimeout, "nodeTimeout");
      lock.lock();
      try {
        ensureOpen();
        fence(lease, presented, at);
        Set<String> dead = new HashSet<>();
        nodes.forEach((id, e) -> {
          if (!e.isAliveAt(at, timeout)) {
            dead.add(id);
          }
        });
        if (dead.isEmpty()) {
          return 0;
        }
        List<MemoryJob> orphans = new ArrayList<>();
        for (QueueIndex q : queues.values()) {
          for (java.util.NavigableSet<MemoryJob> level : q.claimable.values()) {
            for (MemoryJob job : level) {
              if (job.status == JobStatus.INFLIGHT && job.leasedBy != null && dead.contains(job.leasedBy)
                  && Objects.requireNonNull(job.leaseExpiresAt).isAfter(at)) {
                orphans.add(job);
              }
            }
          }
        }
        for (MemoryJob job : orphans) {
          unindex(job);
          job.leaseExpiresAt = at;
          job.updatedAt = at;
          index(job);
        }
        return orphans.size();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public int removeDeadNodes(String name, long term, Instant now, Duration nodeTimeout) {
      String lease = CoordinationChecks.name(name);
      long presented = CoordinationChecks.term(term);
      Instant at = Validation.now(now);
      Duration timeout = Validation.positive(nodeTimeout, "nodeTimeout");
      lock.lock();
      try {
        ensureOpen();
        fence(lease, presented, at);
        int before = nodes.size();
        nodes.values().removeIf(e -> !e.isAliveAt(at, timeout));
        return before - nodes.size();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public long purge(String name, long term, Set<JobStatus> statuses, Instant finishedBefore, Instant now) {
      String lease = CoordinationChecks.name(name);
      long presented = CoordinationChecks.term(term);
      Set<JobStatus> wanted = Validation.purgeStatuses(statuses);
      Instant before = Validation.instant(finishedBefore, "finishedBefore");
      Instant at = Validation.now(now);
      lock.lock();
      try {
        ensureOpen();
        fence(lease, presented, at);
        return purgeLocked(wanted, before);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public Instant serverTime() {
      ensureOpen();
      return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    /** The lease of {@code name} if {@code term} is its term and it is valid at {@code now}; else refused. */
    private io.taskharbor.spi.LeaderLease fence(String name, long term, Instant now) {
      io.taskharbor.spi.LeaderLease current = leases.get(name);
      if (current == null || current.term() != term || !current.isValid(now)) {
        throw new io.taskharbor.api.StaleTermException(name, term, current == null ? 0 : current.term(),
            current == null ? null : current.holder());
      }
      return current;
    }

    private Instant later(@Nullable Instant a, Instant b) {
      return a != null && a.isAfter(b) ? a : b;
    }

    @Override
    public String toString() {
      return "MemoryDriver.coordination";
    }
  }

  // ------------------------------------------------------------------------------------------------ notifications

  private Subscription listen(Consumer<String> listener) {
    Objects.requireNonNull(listener, "listener must not be null");
    ensureOpen();
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Tells the cancel subscribers, outside the lock, that the running job {@code id} was asked to cancel. */
  private void announceCancel(JobId id) {
    for (Consumer<JobId> listener : cancelListeners) {
      try {
        listener.accept(id);
      } catch (RuntimeException ignored) {
        // as for the queue wake-ups: a listener's failure is its own
      }
    }
  }

  private void announce(Set<String> queueNames) {
    if (queueNames.isEmpty() || listeners.isEmpty()) {
      return;
    }
    for (String queue : queueNames) {
      for (Consumer<String> listener : listeners) {
        try {
          listener.accept(queue);
        } catch (RuntimeException ignored) {
          // A listener's failure is its own: notifications are hints, and the others must still hear.
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ lifecycle

  /** Drops every job and listener; idempotent. Afterwards every other call throws {@link IllegalStateException}. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      jobs.clear();
      byId.clear();
      queues.clear();
      keys.clear();
      listeners.clear();
      cancelListeners.clear();
      nodes.clear();
      leases.clear();
      settings.clear();
    } finally {
      lock.unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the memory driver is closed: open a new one with Drivers.open(\"memory:\")");
    }
  }

  @Override
  public String toString() {
    return "MemoryDriver";
  }

  // ------------------------------------------------------------------------------------------------ indexes

  private MemoryJob existing(JobId id) {
    MemoryJob job = jobs.get(id);
    if (job == null) {
      throw new JobNotFoundException(id);
    }
    return job;
  }

  private void index(MemoryJob job) {
    queues.computeIfAbsent(job.queue, q -> new QueueIndex()).add(job);
  }

  private void unindex(MemoryJob job) {
    QueueIndex q = queues.get(job.queue);
    if (q != null) {
      q.remove(job);
    }
  }

  private void remove(MemoryJob job) {
    unindex(job);
    jobs.remove(job.id);
    byId.remove(job.id);
    if (job.idempotencyKey != null) {
      keys.remove(new KeyRef(job.queue, job.idempotencyKey));
    }
  }

  /** Visible for tests: how many priority levels the queue's claimable index holds. */
  int priorityLevels(String queue) {
    lock.lock();
    try {
      QueueIndex q = queues.get(queue);
      return q == null ? 0 : q.claimable.size();
    } finally {
      lock.unlock();
    }
  }

  private record KeyRef(String queue, String key) {}

  /** How many jobs reserves have looked at so far: the leased ones, plus about one per priority level per call. */
  long reserveLookups() {
    lock.lock();
    try {
      return reserveLookups;
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------------------------------------ options

  /**
   * Builds a {@link MemoryDriver} with options other than the defaults. Each option is also a query option of the
   * driver URI, by the same name: {@code memory:?maxPayloadBytes=2048}. Not thread-safe.
   */
  public static final class Builder {
    /** The smallest payload limit: the shortest JSON documents ({@code {}}, {@code ""}) take 2 bytes. */
    static final int MIN_PAYLOAD_BYTES = 2;

    /** The largest payload limit, the PostgreSQL driver's too: 256 MiB. */
    static final int MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;

    /** Every option's name. */
    static final Set<String> OPTIONS = Set.of(DriverRules.MAX_PAYLOAD_BYTES_OPTION);

    private int maxPayloadBytes = DriverRules.DEFAULT_MAX_PAYLOAD_BYTES;

    private Builder() {}

    /**
     * The largest payload or ack result, in UTF-8 bytes; default 1 MiB (1048576), as the PostgreSQL driver's.
     *
     * @throws IllegalArgumentException unless 2 &le; {@code maxPayloadBytes} &le; 268435456 (256 MiB)
     */
    public Builder maxPayloadBytes(int maxPayloadBytes) {
      if (maxPayloadBytes < MIN_PAYLOAD_BYTES || maxPayloadBytes > MAX_PAYLOAD_BYTES) {
        throw new IllegalArgumentException(DriverRules.MAX_PAYLOAD_BYTES_OPTION + " must be between "
            + MIN_PAYLOAD_BYTES + " and " + MAX_PAYLOAD_BYTES + " (256 MiB) but was " + maxPayloadBytes);
      }
      this.maxPayloadBytes = maxPayloadBytes;
      return this;
    }

    /**
     * Sets an option by its URI name, from text.
     *
     * @throws IllegalArgumentException for an unknown option or a bad value, naming the option
     */
    public Builder option(String key, String value) {
      Objects.requireNonNull(key, "key must not be null");
      Objects.requireNonNull(value, "value must not be null");
      if (!OPTIONS.contains(key)) {
        throw new IllegalArgumentException("unknown option '" + key + "': the memory driver's options are " + OPTIONS);
      }
      int bytes;
      try {
        bytes = Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be a whole number but was '" + value + "'", e);
      }
      return maxPayloadBytes(bytes);
    }

    /** Returns a driver over new, empty storage with these options. */
    public MemoryDriver build() {
      return new MemoryDriver(LeaseToken::random, maxPayloadBytes);
    }
  }
}
