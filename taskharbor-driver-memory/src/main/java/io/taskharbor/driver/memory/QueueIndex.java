package io.taskharbor.driver.memory;

import io.taskharbor.api.JobStatus;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The indexes of one queue: claimable jobs per priority level (highest first) in reserve order, last-attempt leases
 * by expiry, and a count per status. Not thread-safe: the driver's lock guards it.
 */
final class QueueIndex {

  final TreeMap<Integer, NavigableSet<MemoryJob>> claimable = new TreeMap<>(Comparator.reverseOrder());
  final NavigableSet<MemoryJob> lastAttemptLeases = new TreeSet<>(MemoryJob.BY_LEASE_EXPIRY);
  /** INFLIGHT jobs whose cancel was requested, by expiry: reserve cancels them once their lease ended. */
  final NavigableSet<MemoryJob> cancelPending = new TreeSet<>(MemoryJob.BY_LEASE_EXPIRY);
  private final Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);

  void add(MemoryJob job) {
    counts.merge(job.status, 1L, Long::sum);
    if (job.isClaimableState()) {
      claimable.computeIfAbsent(job.priority, p -> new TreeSet<>(MemoryJob.BY_AVAILABILITY)).add(job);
    }
    if (job.isOnLastAttempt()) {
      lastAttemptLeases.add(job);
    }
    if (job.isCancelPending()) {
      cancelPending.add(job);
    }
  }

  void remove(MemoryJob job) {
    counts.merge(job.status, -1L, Long::sum);
    if (job.isClaimableState()) {
      NavigableSet<MemoryJob> level = claimable.get(job.priority);
      if (level != null) {
        level.remove(job);
        if (level.isEmpty()) {
          claimable.remove(job.priority);
        }
      }
    }
    if (job.isOnLastAttempt()) {
      lastAttemptLeases.remove(job);
    }
    if (job.isCancelPending()) {
      cancelPending.remove(job);
    }
  }

  /** The first job of a priority level in reserve order, claimable or not yet. */
  @Nullable MemoryJob firstClaimable(int priority) {
    NavigableSet<MemoryJob> level = claimable.get(priority);
    return level == null || level.isEmpty() ? null : level.first();
  }

  long count(JobStatus status) {
    return counts.getOrDefault(status, 0L);
  }

  /** Whether the queue holds any job, in any status. */
  boolean isEmpty() {
    return counts.values().stream().allMatch(n -> n == 0);
  }

  /** INFLIGHT jobs whose lease is valid at {@code now} (what a concurrency limit counts). */
  long countValidLeases(Instant now) {
    return countNotYetClaimable(now, JobStatus.INFLIGHT);
  }

  /** READY jobs not yet due at {@code now}. */
  long countScheduled(Instant now) {
    return countNotYetClaimable(now, JobStatus.READY);
  }

  /**
   * Jobs in {@code status} that are not claimable at {@code now} (scheduled READY jobs, valid INFLIGHT leases): walks
   * only the not-yet-claimable tail of each level, so the due backlog costs nothing.
   */
  private long countNotYetClaimable(Instant now, JobStatus status) {
    long n = 0;
    for (NavigableSet<MemoryJob> level : claimable.values()) {
      for (MemoryJob job : level.descendingSet()) {
        if (!job.availableAt().isAfter(now)) {
          break;
        }
        if (job.status == status) {
          n++;
        }
      }
    }
    return n;
  }
}
