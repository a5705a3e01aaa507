package io.taskharbor.spi.support;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobNotFoundException;
import io.taskharbor.api.JobNotInflightException;
import io.taskharbor.api.JobStateException;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseExpiredException;
import io.taskharbor.api.LeaseMismatchException;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.spi.Completion;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The rules of the {@link io.taskharbor.spi.Driver} contract that every driver applies the same way, written once:
 * the order of lease validation, the terminal no-ops, the name of each completion's operation, what purge may delete,
 * and the fixed texts that drivers store. A driver that uses these agrees with the TCK's reference model by
 * construction. Stateless and thread-safe.
 */
public final class DriverRules {

  /** The DLQ reason of a job whose lease expired on its last attempt, as reserve's sweep stores it. */
  public static final String LAST_ATTEMPT_EXPIRED = "lease expired on the last attempt";

  /** The statuses purge may delete: the finished ones. */
  public static final Set<JobStatus> PURGEABLE = Set.of(JobStatus.DONE, JobStatus.DLQ, JobStatus.CANCELED);

  /** The largest payload or result every shipped driver accepts by default: 1 MiB of UTF-8. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

  /** The name of the option (a URI query parameter or a builder setting) that sets the payload limit. */
  public static final String MAX_PAYLOAD_BYTES_OPTION = "maxPayloadBytes";

  private DriverRules() {}

  /** Returns the operation a completion performs, as refusals name it: ack, retry, fail or release. */
  public static String operation(Completion completion) {
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

  /**
   * Returns whether a completion of a job in {@code status} succeeds without changing anything, whatever the lease:
   * ack of a DONE job, fail of a DONE or DLQ job. Checked before lease validation.
   */
  public static boolean isTerminalNoOp(Completion completion, JobStatus status) {
    if (completion instanceof Completion.Ack) {
      return status == JobStatus.DONE;
    }
    if (completion instanceof Completion.Fail) {
      return status == JobStatus.DONE || status == JobStatus.DLQ;
    }
    return false;
  }

  /**
   * Strict lease validation, in the contract's order: unknown job, not INFLIGHT, lease no longer valid at {@code now}
   * (which wins over a wrong token), another token.
   *
   * @param status the stored job's status, or null when no job has the id
   * @param expiry the stored lease expiry (null unless INFLIGHT)
   * @param held the stored lease token (null unless INFLIGHT)
   * @return null when the presented lease is valid, else the refusal to throw or report
   */
  public static @Nullable JobStateException leaseRefusal(JobId id, @Nullable JobStatus status,
      @Nullable Instant expiry, @Nullable LeaseToken held, LeaseToken presented, Instant now, String operation) {
    if (status == null) {
      return new JobNotFoundException(id);
    }
    if (status != JobStatus.INFLIGHT) {
      return new JobNotInflightException(id, status, operation);
    }
    Instant expiresAt = Objects.requireNonNull(expiry, "an INFLIGHT job has a lease expiry");
    if (!expiresAt.isAfter(now)) {
      return new LeaseExpiredException(id, expiresAt, now);
    }
    if (!presented.equals(held)) {
      return new LeaseMismatchException(id);
    }
    return null;
  }
}
