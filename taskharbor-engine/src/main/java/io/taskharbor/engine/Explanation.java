package io.taskharbor.engine;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Why a job is, or is not, running: {@link TaskHarbor#explain}'s answer, "why isn't my job running?" in one structured
 * value. {@link #reason()} says which case holds; the fields that case needs are set, the others are null or empty;
 * {@link #message()} says it in a sentence for people.
 *
 * @param job the job as read
 * @param reason which case holds
 * @param message the case in a sentence
 * @param at the instant the case is about: when it is due, until when it is leased, when it finished
 * @param node the node that holds (or last held) the lease, or null
 * @param lastHeartbeat that node's last heartbeat, in distributed mode, or null
 * @param holders for {@link Reason#QUEUE_AT_LIMIT}: the jobs of the queue that hold valid leases
 */
public record Explanation(JobRecord job, Reason reason, String message, @Nullable Instant at, @Nullable String node,
    @Nullable Instant lastHeartbeat, List<JobId> holders) {

  /** The cases. */
  public enum Reason {
    /** READY and due: a worker serving the queue will take it; it waits only for its turn. */
    WAITING_FOR_A_WORKER,
    /** READY, due at {@link #at()}. */
    SCHEDULED,
    /** READY, due again at {@link #at()} after a failed attempt (its last error is in the job). */
    RETRYING,
    /** PAUSED: it runs only once resumed. */
    JOB_PAUSED,
    /** Due, but its queue is paused. */
    QUEUE_PAUSED,
    /** Due, but its queue holds as many valid leases as its concurrency limit allows ({@link #holders()}). */
    QUEUE_AT_LIMIT,
    /** Due, but no live node serves its queue (distributed mode). */
    NO_LIVE_NODE,
    /** INFLIGHT: leased by {@link #node()} until {@link #at()}. */
    RUNNING,
    /** INFLIGHT with a cancel requested: its worker will stop it at its next heartbeat. */
    CANCEL_REQUESTED,
    /** INFLIGHT, but its lease ended at {@link #at()}: it is claimable again (its holder stopped extending it). */
    LEASE_EXPIRED,
    /** DONE, DLQ or CANCELED, at {@link #at()}. */
    FINISHED
  }

  public Explanation {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    holders = List.copyOf(holders);
  }

  /** Returns the job's id. */
  public JobId id() {
    return job.id();
  }

  /** Returns the job's status when it was read. */
  public JobStatus status() {
    return job.status();
  }
}
