package io.taskharbor.spi;

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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Storage for jobs: the port that the engine drives. Implementations must be thread-safe and keep every rule below;
 * the TCK checks them.
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li><b>Time is an argument.</b> Every call that depends on time takes {@code now}; a driver never reads a clock
 *       for semantics. Drivers truncate instants and durations to microseconds.
 *   <li><b>Due and valid.</b> A READY job is due iff run_at (or, when null, created_at) &le; now. A lease is valid iff
 *       lease_expires_at &gt; now.
 *   <li><b>Strict lease validation</b> on extendLease and every completion, in this order: unknown id &rarr; {@link
 *       JobNotFoundException}; not INFLIGHT &rarr; {@link JobNotInflightException}; lease not valid at now &rarr;
 *       {@link LeaseExpiredException} (wins over a wrong token); other token &rarr; {@link LeaseMismatchException}. A
 *       refused call changes nothing. Before these: ack of a DONE job and fail of a DONE or DLQ job succeed and change
 *       nothing.
 *   <li><b>Bad arguments</b> are {@link IllegalArgumentException}s naming the field, thrown before storage is
 *       touched. A closed driver throws {@link IllegalStateException} from every call but {@link #close()}.
 *   <li>Storage failures are {@link io.taskharbor.api.DriverException}s, marked transient or not.
 * </ul>
 */
public interface Driver extends AutoCloseable {

  /** Returns the driver's name, such as {@code "memory"} or {@code "postgres"}. */
  String name();

  /**
   * Returns the optional extension of type {@code type} that this driver offers, such as {@link WakeUpNotifications}.
   * The engine and the TCK discover extensions here and never assume one: a driver without it returns empty, and the
   * TCK skips that extension's rules by name. A driver offers an extension by returning an implementation (often
   * itself) for its interface; the same call returns the same object every time. The default offers none, except
   * that it bridges a driver that still declares {@link Capability#WAKE_UP_NOTIFICATIONS} to {@link
   * WakeUpNotifications}.
   *
   * @param type the extension's interface
   * @return the extension, or empty when the driver does not offer it
   */
  @SuppressWarnings("deprecation")
  default <T> Optional<T> extension(Class<T> type) {
    java.util.Objects.requireNonNull(type, "type must not be null");
    if (type == WakeUpNotifications.class && capabilities().contains(Capability.WAKE_UP_NOTIFICATIONS)) {
      WakeUpNotifications bridge = this::subscribe;
      return Optional.of(type.cast(bridge));
    }
    return Optional.empty();
  }

  /**
   * Returns the optional capabilities this driver has. Default: none.
   *
   * @deprecated offer {@link WakeUpNotifications} through {@link #extension(Class)} instead; kept so that drivers
   *     written against the first SPI version keep working
   */
  @Deprecated
  default Set<Capability> capabilities() {
    return Set.of();
  }

  /**
   * Stores jobs as READY, in order, at {@code now} (their created_at). A job whose (queue, idempotency key) is taken
   * by a stored job, or by an earlier job of the same batch, is not stored; its result carries the existing id and
   * {@code created = false}.
   *
   * @return one result per job, in order
   * @throws DuplicateJobException if a job's id is already stored (or repeats within the batch); then nothing of the
   *     batch is stored
   */
  List<EnqueueResult> enqueue(List<NewJob> jobs, Instant now);

  /**
   * Leases up to {@code max} claimable jobs of {@code queue}: READY jobs that are due and INFLIGHT jobs whose lease is
   * no longer valid. Each gets a fresh token, lease_expires_at = now + lease and attempts + 1. Order: priority
   * descending, then the instant the job became claimable (run_at, else created_at; for an expired lease, its
   * expiry), then id. First, every INFLIGHT job of the queue whose lease is not valid and whose attempts reached
   * max_attempts moves to the DLQ with reason {@code "lease expired on the last attempt"}. Never blocks.
   *
   * @param max at least 1
   * @param lease positive
   * @return the leased jobs in reserve order; empty when none is claimable
   */
  List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease);

  /**
   * Reserves as {@link #reserve(String, int, Instant, Duration)} does, and records {@code holder} (the reserving node's
   * id) as each leased job's {@link JobRecord#leasedBy()} and {@code now} as its {@link JobRecord#startedAt()}. The
   * default ignores the holder, for drivers written against the first SPI version; every shipped driver records it,
   * and the TCK requires it.
   *
   * @param holder the node that reserves, or null
   */
  default List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease,
      @Nullable String holder) {
    return reserve(queue, max, now, lease);
  }

  /**
   * Extends a held lease to {@code now + lease}, never earlier than its current expiry, keeping the token.
   *
   * @return the new expiry
   * @throws JobNotFoundException if no job has this id
   * @throws JobNotInflightException if the job is not INFLIGHT
   * @throws LeaseExpiredException if the lease is no longer valid at {@code now} (checked before the token)
   * @throws LeaseMismatchException if the job is leased under another token
   */
  Instant extendLease(JobId id, LeaseToken token, Instant now, Duration lease);

  /**
   * Applies a batch of completions, each validated and applied independently, in order.
   *
   * @return one outcome per completion, in order
   */
  List<Outcome> complete(List<Completion> completions, Instant now);

  /** Returns the job with this id. */
  Optional<JobRecord> get(JobId id);

  /** Returns the job of {@code queue} that holds idempotency key {@code key}. */
  Optional<JobRecord> findByIdempotencyKey(String queue, String key);

  /** Lists jobs matching the query's filters, ordered by id, one page at a time. */
  Page<JobRecord> list(JobQuery query);

  /** Counts the queue's jobs by status; due and scheduled READY jobs are told apart at {@code now}. */
  QueueStats stats(String queue, Instant now);

  /**
   * Moves a DLQ job back to READY, due at {@code now}, clearing its DLQ reason and time; with {@code resetAttempts},
   * its attempt count goes back to 0.
   *
   * @throws JobNotFoundException if no such job exists
   * @throws InvalidJobStatusException if the job is not in the DLQ
   */
  void requeue(JobId id, boolean resetAttempts, Instant now);

  /**
   * Cancels a READY job (scheduled or due): it becomes CANCELED. Canceling a CANCELED job succeeds and changes
   * nothing.
   *
   * @throws JobNotFoundException if no such job exists
   * @throws InvalidJobStatusException if the job is INFLIGHT, DONE or DLQ
   */
  void cancel(JobId id, Instant now);

  /**
   * Deletes a job that is not INFLIGHT, freeing its idempotency key.
   *
   * @throws JobNotFoundException if no such job exists
   * @throws InvalidJobStatusException if the job is INFLIGHT (cancel it or wait for it to finish)
   */
  void delete(JobId id);

  /**
   * Deletes the jobs in the given terminal statuses that finished strictly before {@code finishedBefore}.
   *
   * @param statuses a non-empty subset of DONE, DLQ and CANCELED
   * @return how many jobs were deleted
   */
  long purge(Set<JobStatus> statuses, Instant finishedBefore);

  /**
   * Registers a wake-up listener, as {@link WakeUpNotifications#subscribe} does.
   *
   * @return a handle whose {@code close()} unregisters the listener
   * @throws UnsupportedOperationException if the driver lacks the capability
   * @deprecated use {@code extension(WakeUpNotifications.class)}; kept so that drivers written against the first SPI
   *     version keep working
   */
  @Deprecated
  default Subscription subscribe(Consumer<String> listener) {
    return extension(WakeUpNotifications.class)
        .orElseThrow(() -> new UnsupportedOperationException(name() + " driver has no wake-up notifications"))
        .subscribe(listener);
  }

  /** Releases the driver's resources. Idempotent. Afterwards every other call throws {@link IllegalStateException}. */
  @Override
  void close();

  /** A registration that can be cancelled. */
  interface Subscription extends AutoCloseable {
    /** Unregisters; idempotent. */
    @Override
    void close();
  }
}
