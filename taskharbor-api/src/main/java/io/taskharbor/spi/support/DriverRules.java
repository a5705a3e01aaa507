package io.taskharbor.spi.support;

import io.taskharbor.api.Detail;
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
import java.util.ArrayList;
import java.util.List;
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
    if (completion instanceof Completion.Cancel) {
      return "cancel";
    }
    return "release";
  }

  /**
   * Returns whether a completion of a job in {@code status} succeeds without changing anything, whatever the lease:
   * ack of a DONE job, fail of a DONE or DLQ job, cancel of a CANCELED job. Checked before lease validation.
   */
  public static boolean isTerminalNoOp(Completion completion, JobStatus status) {
    if (completion instanceof Completion.Ack) {
      return status == JobStatus.DONE;
    }
    if (completion instanceof Completion.Fail) {
      return status == JobStatus.DONE || status == JobStatus.DLQ;
    }
    if (completion instanceof Completion.Cancel) {
      return status == JobStatus.CANCELED;
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

  /** The text of the marker line that says how many older detail lines were dropped. */
  public static String droppedDetailsMarker(long dropped) {
    return "... " + dropped + " earlier line(s) dropped";
  }

  /**
   * Returns the details log after a completion added its lines: {@code stored} then {@code added}, keeping the newest
   * lines within {@link Detail#MAX_LINES} lines and {@link Detail#MAX_BYTES} bytes of UTF-8 in all; when lines are
   * dropped, the first line is a marker ({@link #droppedDetailsMarker}) counting every line dropped so far, stamped
   * with the instant of the oldest line kept. Every driver applies this, so the stored log is the same everywhere.
   */
  public static List<Detail> appendDetails(List<Detail> stored, List<Detail> added) {
    if (added.isEmpty()) {
      return stored;
    }
    long alreadyDropped = 0;
    List<Detail> all = new ArrayList<>(stored.size() + added.size());
    for (Detail d : stored) {
      if (all.isEmpty() && alreadyDropped == 0 && isMarker(d)) {
        alreadyDropped = markerCount(d);
        continue;
      }
      all.add(d);
    }
    all.addAll(added);
    int keepFrom = 0;
    long bytes = 0;
    for (Detail d : all) {
      bytes += Validation.utf8Length(d.text());
    }
    // Room for the marker line, if one is needed.
    while (all.size() - keepFrom > (alreadyDropped + keepFrom > 0 ? Detail.MAX_LINES - 1 : Detail.MAX_LINES)
        || bytes > (alreadyDropped + keepFrom > 0 ? Detail.MAX_BYTES - 64 : Detail.MAX_BYTES)) {
      bytes -= Validation.utf8Length(all.get(keepFrom).text());
      keepFrom++;
    }
    long dropped = alreadyDropped + keepFrom;
    List<Detail> kept = new ArrayList<>(all.size() - keepFrom + 1);
    if (dropped > 0) {
      Instant at = keepFrom < all.size() ? all.get(keepFrom).at() : added.get(added.size() - 1).at();
      kept.add(new Detail(at, droppedDetailsMarker(dropped)));
    }
    kept.addAll(all.subList(keepFrom, all.size()));
    return List.copyOf(kept);
  }

  private static boolean isMarker(Detail d) {
    return d.text().startsWith("... ") && d.text().endsWith(" earlier line(s) dropped");
  }

  private static long markerCount(Detail d) {
    String number = d.text().substring(4, d.text().length() - " earlier line(s) dropped".length());
    try {
      return Long.parseLong(number);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
