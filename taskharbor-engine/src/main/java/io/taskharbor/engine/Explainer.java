package io.taskharbor.engine;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.QueueSettings;
import io.taskharbor.engine.Explanation.Reason;
import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.NodeRecord;
import io.taskharbor.spi.QueueControls;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Works out {@link TaskHarbor#explain}'s answer from the job, the queue's settings and the node registry. */
final class Explainer {
  private Explainer() {}

  static Explanation explain(JobRecord job, Instant now, Driver driver, @Nullable DistributedMode distributed) {
    String queue = job.queue();
    switch (job.status()) {
      case DONE, DLQ, CANCELED -> {
        String why = job.status() == JobStatus.DLQ ? " in the dead-letter queue: " + job.dlqReason()
            : job.status() == JobStatus.DONE ? " done" : " canceled";
        return of(job, Reason.FINISHED, "finished at " + job.finishedAt() + ":" + why, job.finishedAt(),
            job.leasedBy(), null, List.of());
      }
      case PAUSED -> {
        return of(job, Reason.JOB_PAUSED, "the job is paused: resume it to run it", null, null, null, List.of());
      }
      case INFLIGHT -> {
        Instant expiry = job.leaseExpiresAt();
        Instant beat = lastHeartbeat(driver, job.leasedBy(), now, distributed);
        if (expiry == null || !expiry.isAfter(now)) {
          return of(job, Reason.LEASE_EXPIRED, "its lease ended at " + expiry + " (held by " + job.leasedBy()
              + "): any worker of queue " + queue + " may take it again", expiry, job.leasedBy(), beat, List.of());
        }
        if (job.cancelRequestedAt() != null) {
          return of(job, Reason.CANCEL_REQUESTED, "a cancel was requested at " + job.cancelRequestedAt()
              + "; node " + job.leasedBy() + " stops it at its next heartbeat", expiry, job.leasedBy(), beat,
              List.of());
        }
        return of(job, Reason.RUNNING, "running on node " + job.leasedBy() + " since " + job.startedAt()
            + ", leased until " + expiry + (beat == null ? "" : " (last heartbeat of the node " + beat + ")"),
            expiry, job.leasedBy(), beat, List.of());
      }
      default -> {
        // READY
      }
    }
    Instant due = job.runAt() != null ? job.runAt() : job.createdAt();
    Optional<QueueControls> controls = driver.extension(QueueControls.class);
    QueueSettings settings = controls.map(c -> c.settings(queue)).orElse(QueueSettings.DEFAULT);
    if (settings.paused()) {
      return of(job, Reason.QUEUE_PAUSED, "queue " + queue + " is paused: resume the queue to run its jobs",
          due, null, null, List.of());
    }
    if (due.isAfter(now)) {
      if (job.attempts() > 0 && job.lastError() != null) {
        return of(job, Reason.RETRYING, "retrying at " + due + " after attempt " + job.attempts() + " of "
            + job.maxAttempts() + " failed: " + firstLine(job.lastError()), due, job.leasedBy(), null, List.of());
      }
      return of(job, Reason.SCHEDULED, "scheduled: due at " + due, due, null, null, List.of());
    }
    Integer limit = settings.concurrencyLimit();
    if (limit != null) {
      List<JobId> holders = validHolders(driver, queue, now, limit);
      if (holders.size() >= limit) {
        return of(job, Reason.QUEUE_AT_LIMIT, "queue " + queue + " is at its concurrency limit of " + limit
            + ": it runs again when one of " + holders + " ends", due, null, null, holders);
      }
    }
    if (distributed != null) {
      Optional<Coordination> coordination = driver.extension(Coordination.class);
      if (coordination.isPresent()) {
        boolean served = coordination.get().nodes(now, distributed.workerTimeout()).stream()
            .anyMatch(n -> n.alive() && n.node().queues().contains(queue));
        if (!served) {
          return of(job, Reason.NO_LIVE_NODE, "no live node serves queue " + queue + ": start a worker for it",
              due, null, null, List.of());
        }
      }
    }
    return of(job, Reason.WAITING_FOR_A_WORKER, "due since " + due + ": the next free worker of queue " + queue
        + " takes it, after the jobs that were due before it", due, null, null, List.of());
  }

  private static Explanation of(JobRecord job, Reason reason, String message, @Nullable Instant at,
      @Nullable String node, @Nullable Instant beat, List<JobId> holders) {
    return new Explanation(job, reason, message, at, node, beat, holders);
  }

  private static List<JobId> validHolders(Driver driver, String queue, Instant now, int limit) {
    List<JobId> holders = new ArrayList<>();
    String cursor = null;
    do {
      var page = driver.list(JobQuery.builder().queue(queue).status(JobStatus.INFLIGHT).limit(1000).cursor(cursor)
          .build());
      for (JobRecord r : page.items()) {
        if (r.hasValidLease(now) && holders.size() < Math.max(limit, 100)) {
          holders.add(r.id());
        }
      }
      cursor = page.nextCursor();
    } while (cursor != null && holders.size() < limit);
    return holders;
  }

  private static @Nullable Instant lastHeartbeat(Driver driver, @Nullable String node, Instant now,
      @Nullable DistributedMode distributed) {
    if (node == null || distributed == null) {
      return null;
    }
    return driver.extension(Coordination.class)
        .flatMap(c -> c.nodes(now, distributed.workerTimeout()).stream().filter(n -> n.id().equals(node)).findFirst())
        .map(NodeRecord::lastHeartbeat).orElse(null);
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
