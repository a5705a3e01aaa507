package io.taskharbor.spi;

import io.taskharbor.api.internal.Checks;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The live jobs of every queue, as {@link Statistics#liveJobs} counts them.
 *
 * @param at the instant they were counted at
 * @param groups one entry per (queue, type) with at least one live job, ordered by queue then type
 * @param oldestDue per queue with a due READY job, the earliest instant one became due
 */
public record LiveJobs(Instant at, List<Group> groups, Map<String, Instant> oldestDue) {

  public LiveJobs {
    Objects.requireNonNull(at, "at");
    groups = List.copyOf(groups);
    oldestDue = Map.copyOf(oldestDue);
  }

  /**
   * The live jobs of one type in one queue.
   *
   * @param ready READY jobs that are due
   * @param scheduled READY jobs whose run_at is after the instant counted at
   * @param inflight INFLIGHT jobs, valid lease or not
   */
  public record Group(String queue, String type, long ready, long scheduled, long inflight) {
    public Group {
      Checks.queue(queue);
      Objects.requireNonNull(type, "type");
      if (ready < 0 || scheduled < 0 || inflight < 0) {
        throw new IllegalArgumentException("counts must not be negative: " + ready + ", " + scheduled + ", " + inflight);
      }
    }
  }
}
