package io.taskharbor.tck;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobStatus;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One step of a property-test sequence: a call to make on a driver, as plain data. Steps never hold driver values
 * (lease tokens, instants): they name them relatively ("the current token of the job reserved last", "now + 10s"),
 * and each side of a comparison resolves them against what it has seen so far, so the same step means the same thing
 * on two drivers whose tokens differ. Each step's {@code toString()} is the step as a failure report prints it.
 */
public sealed interface Action {

  /** Enqueues one job or a batch; ids come from {@link Actions#JOB_IDS}, so duplicates and re-enqueues happen. */
  record Enqueue(List<JobSpec> jobs) implements Action {
    public Enqueue {
      jobs = List.copyOf(jobs);
    }

    @Override
    public String toString() {
      return (jobs.size() == 1 ? "enqueue " : "enqueue batch ")
          + jobs.stream().map(JobSpec::toString).collect(Collectors.joining(" + "));
    }
  }

  /**
   * A job to enqueue. {@code id} is a fixed id, or null for a fresh one: the first id of {@link Actions#JOB_IDS} that
   * was not stored after the previous step nor taken by an earlier job of the batch (J0 when all are). {@code runAt}
   * is an offset from now, or null for none.
   */
  record JobSpec(
      @Nullable JobId id,
      String queue,
      String type,
      String payload,
      int priority,
      @Nullable Duration runAt,
      @Nullable String key,
      int maxAttempts,
      @Nullable Duration timeout) {
    public JobSpec {
      Objects.requireNonNull(queue, "queue");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(payload, "payload");
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder(id == null ? "fresh id" : Actions.label(id)).append(" in ").append(queue).append(" type=").append(type);
      if (key != null) {
        b.append(" key=").append(key);
      }
      if (runAt != null) {
        b.append(" runAt=").append(Actions.offset(runAt));
      }
      if (priority != 0) {
        b.append(" priority=").append(priority);
      }
      b.append(" maxAttempts=").append(maxAttempts);
      if (timeout != null) {
        b.append(" timeout=").append(Actions.duration(timeout));
      }
      return b.append(" payload=").append(payload).toString();
    }
  }

  /**
   * Reserves up to {@code max} jobs of {@code queue}; a null queue is the queue of the first job (in id order) that
   * was READY and due after the previous step, else the first of {@link Actions#QUEUES}. A null {@code holder} calls
   * the four-argument reserve, any other the five-argument one with that node as holder.
   */
  record Reserve(@Nullable String queue, int max, Duration lease, @Nullable String holder) implements Action {
    /** A reserve without a holder (the four-argument call). */
    public Reserve(@Nullable String queue, int max, Duration lease) {
      this(queue, max, lease, null);
    }

    @Override
    public String toString() {
      return "reserve " + (queue == null ? "the queue of a due job" : queue) + " max=" + max + " lease="
          + Actions.duration(lease) + (holder == null ? "" : " holder=" + holder);
    }
  }

  /** Extends the lease of a job. */
  record ExtendLease(JobRef job, TokenChoice token, Duration lease) implements Action {
    @Override
    public String toString() {
      return "extendLease " + job + " token=" + token + " lease=" + Actions.duration(lease);
    }
  }

  /** Completes one job or a batch. */
  record Complete(List<CompletionSpec> items) implements Action {
    public Complete {
      items = List.copyOf(items);
    }

    @Override
    public String toString() {
      return (items.size() == 1 ? "complete " : "complete batch ")
          + items.stream().map(CompletionSpec::toString).collect(Collectors.joining(" + "));
    }
  }

  /** One completion of a {@link Complete} step. */
  sealed interface CompletionSpec {
    JobRef job();

    TokenChoice token();
  }

  /** Ack with a result (JSON, or null for none). */
  record Ack(JobRef job, TokenChoice token, @Nullable String result) implements CompletionSpec {
    @Override
    public String toString() {
      return "ack " + job + " token=" + token + (result == null ? "" : " result=" + result);
    }
  }

  /** Retry at now + {@code runAt} (now when null) with an error. */
  record Retry(JobRef job, TokenChoice token, @Nullable Duration runAt, @Nullable String error)
      implements CompletionSpec {
    @Override
    public String toString() {
      return "retry " + job + " token=" + token + (runAt == null ? "" : " runAt=" + Actions.offset(runAt))
          + (error == null ? "" : " error=\"" + error + "\"");
    }
  }

  /** Fail to the DLQ. */
  record Fail(JobRef job, TokenChoice token, String reason, @Nullable String error) implements CompletionSpec {
    @Override
    public String toString() {
      return "fail " + job + " token=" + token + " reason=\"" + reason + "\""
          + (error == null ? "" : " error=\"" + error + "\"");
    }
  }

  /** Release at now + {@code runAt} (now when null). */
  record Release(JobRef job, TokenChoice token, @Nullable Duration runAt) implements CompletionSpec {
    @Override
    public String toString() {
      return "release " + job + " token=" + token + (runAt == null ? "" : " runAt=" + Actions.offset(runAt));
    }
  }

  /**
   * Cancel of a job whose cancel was requested ({@link io.taskharbor.spi.Completion.Cancel}); drawn only by the
   * controls profile.
   */
  record CancelRunning(JobRef job, TokenChoice token) implements CompletionSpec {
    @Override
    public String toString() {
      return "cancel-completion " + job + " token=" + token;
    }
  }

  /** Cancels a job. */
  record Cancel(JobRef job) implements Action {
    @Override
    public String toString() {
      return "cancel " + job;
    }
  }

  /** Requeues a job from the DLQ. */
  record Requeue(JobRef job, boolean resetAttempts) implements Action {
    @Override
    public String toString() {
      return "requeue " + job + (resetAttempts ? " resetAttempts" : "");
    }
  }

  /** Deletes a job. */
  record Delete(JobRef job) implements Action {
    @Override
    public String toString() {
      return "delete " + job;
    }
  }

  /** Purges jobs in {@code statuses} finished before now + {@code finishedBefore}. */
  record Purge(Set<JobStatus> statuses, Duration finishedBefore) implements Action {
    public Purge {
      statuses = Set.copyOf(statuses);
    }

    @Override
    public String toString() {
      return "purge " + statuses.stream().sorted().map(Enum::name).collect(Collectors.joining(","))
          + " finishedBefore=" + Actions.offset(finishedBefore);
    }
  }

  /** Moves the shared clock forward. */
  record AdvanceClock(Duration step) implements Action {
    @Override
    public String toString() {
      return "advance clock by " + Actions.duration(step);
    }
  }

  /** Reads one job. */
  record Get(JobRef job) implements Action {
    @Override
    public String toString() {
      return "get " + job;
    }
  }

  /** Lists with filters, walking every page from {@code startAfter} (a cursor) or from the start. */
  record ListJobs(
      @Nullable String queue, Set<JobStatus> statuses, @Nullable String type, int limit, @Nullable JobId startAfter,
      @Nullable String leasedBy)
      implements Action {
    public ListJobs {
      statuses = Set.copyOf(statuses);
    }

    /** A listing without the leasedBy filter. */
    public ListJobs(
        @Nullable String queue, Set<JobStatus> statuses, @Nullable String type, int limit, @Nullable JobId startAfter) {
      this(queue, statuses, type, limit, startAfter, null);
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder("list");
      if (queue != null) {
        b.append(" queue=").append(queue);
      }
      if (!statuses.isEmpty()) {
        b.append(" statuses=").append(statuses.stream().sorted().map(Enum::name).collect(Collectors.joining(",")));
      }
      if (type != null) {
        b.append(" type=").append(type);
      }
      b.append(" limit=").append(limit);
      if (startAfter != null) {
        b.append(" after=").append(Actions.label(startAfter));
      }
      if (leasedBy != null) {
        b.append(" leasedBy=").append(leasedBy);
      }
      return b.toString();
    }
  }

  /** Reads a queue's counts. */
  record Stats(String queue) implements Action {
    @Override
    public String toString() {
      return "stats " + queue;
    }
  }

  /** Looks a job up by (queue, idempotency key). */
  record FindByKey(String queue, String key) implements Action {
    @Override
    public String toString() {
      return "findByIdempotencyKey " + queue + " " + key;
    }
  }

  // ---------------------------------------------------------------- coordination and statistics

  /** A step that needs the {@link io.taskharbor.spi.Coordination} extension on both sides; skipped otherwise. */
  sealed interface CoordinationStep extends Action {}

  /**
   * Registers node {@code node} (of {@link Actions#NODES}) serving {@code queues} with {@code poolSize} threads,
   * started {@code startedAgo} before now.
   */
  record Register(String node, List<String> queues, int poolSize, Duration startedAgo) implements CoordinationStep {
    public Register {
      queues = List.copyOf(queues);
    }

    @Override
    public String toString() {
      return "register " + node + " queues=" + queues + " poolSize=" + poolSize + " startedAt="
          + Actions.offset(startedAgo.negated());
    }
  }

  /** A heartbeat of {@code node}. */
  record Heartbeat(String node) implements CoordinationStep {
    @Override
    public String toString() {
      return "heartbeat " + node;
    }
  }

  /** Deregisters {@code node}. */
  record Deregister(String node) implements CoordinationStep {
    @Override
    public String toString() {
      return "deregister " + node;
    }
  }

  /** Lists the nodes with {@code timeout}. */
  record Nodes(Duration timeout) implements CoordinationStep {
    @Override
    public String toString() {
      return "nodes timeout=" + Actions.duration(timeout);
    }
  }

  /** {@code node} (or {@link Actions#HOLDER}, the holder the run saw last) acquires lease {@code name}. */
  record Acquire(String name, String node, Duration ttl) implements CoordinationStep {
    @Override
    public String toString() {
      return "acquire " + name + " by " + node + " ttl=" + Actions.duration(ttl);
    }
  }

  /** {@code node} renews lease {@code name} under {@code term}. */
  record Renew(String name, String node, TermChoice term, Duration ttl) implements CoordinationStep {
    @Override
    public String toString() {
      return "renew " + name + " by " + node + " term=" + term + " ttl=" + Actions.duration(ttl);
    }
  }

  /** {@code node} resigns lease {@code name} of {@code term}. */
  record Resign(String name, String node, TermChoice term) implements CoordinationStep {
    @Override
    public String toString() {
      return "resign " + name + " by " + node + " term=" + term;
    }
  }

  /** Reads lease {@code name}. */
  record Leader(String name) implements CoordinationStep {
    @Override
    public String toString() {
      return "leader " + name;
    }
  }

  /** The leader's recovery of orphans under {@code term}. */
  record RecoverOrphans(String name, TermChoice term, Duration nodeTimeout) implements CoordinationStep {
    @Override
    public String toString() {
      return "recoverOrphans " + name + " term=" + term + " nodeTimeout=" + Actions.duration(nodeTimeout);
    }
  }

  /** The leader's removal of dead nodes under {@code term}. */
  record RemoveDeadNodes(String name, TermChoice term, Duration nodeTimeout) implements CoordinationStep {
    @Override
    public String toString() {
      return "removeDeadNodes " + name + " term=" + term + " nodeTimeout=" + Actions.duration(nodeTimeout);
    }
  }

  /** The leader's purge under {@code term} of jobs in {@code statuses} finished before now + {@code finishedBefore}. */
  record LeaderPurge(String name, TermChoice term, Set<JobStatus> statuses, Duration finishedBefore)
      implements CoordinationStep {
    public LeaderPurge {
      statuses = Set.copyOf(statuses);
    }

    @Override
    public String toString() {
      return "leader purge " + name + " term=" + term + " "
          + statuses.stream().sorted().map(Enum::name).collect(Collectors.joining(",")) + " finishedBefore="
          + Actions.offset(finishedBefore);
    }
  }

  /**
   * A step of queue or job controls (the {@link io.taskharbor.spi.QueueControls} and {@link
   * io.taskharbor.spi.JobControls} extensions): run only when both drivers offer both, else skipped on both sides.
   */
  sealed interface ControlStep extends Action {}

  /** Stores a queue's settings: paused or not, and a concurrency limit (null for none). */
  record SetQueue(String queue, boolean paused, @Nullable Integer limit) implements ControlStep {
    @Override
    public String toString() {
      return "set queue " + queue + (paused ? " paused" : " running") + " limit=" + limit;
    }
  }

  /** Lists every queue with its settings, counts and valid leases. */
  record Overview() implements ControlStep {
    @Override
    public String toString() {
      return "queues overview";
    }
  }

  /** Pauses a job. */
  record PauseJob(JobRef job) implements ControlStep {
    @Override
    public String toString() {
      return "pause " + job;
    }
  }

  /** Resumes a job. */
  record ResumeJob(JobRef job) implements ControlStep {
    @Override
    public String toString() {
      return "resume " + job;
    }
  }

  /** Asks to cancel a job (at once unless it runs). */
  record RequestCancel(JobRef job) implements ControlStep {
    @Override
    public String toString() {
      return "requestCancel " + job;
    }
  }

  /** Counts the live jobs (the {@link io.taskharbor.spi.Statistics} extension; skipped without it on both sides). */
  record CountLiveJobs() implements Action {
    @Override
    public String toString() {
      return "liveJobs";
    }
  }

  /** Which term a leader-only step presents, resolved by each side against the leases it has seen for the name. */
  enum TermChoice {
    /** The highest term seen for the name (1 if none). */
    LATEST,
    /** The one before it (at least 1): a deposed leader's. */
    PREVIOUS,
    /** The one after it: a term never granted yet. */
    NEXT;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Names a job: a fixed id, or one the run has seen. */
  sealed interface JobRef {}

  /** A fixed id of {@link Actions#JOB_IDS}, stored or not. */
  record PoolId(JobId id) implements JobRef {
    @Override
    public String toString() {
      return Actions.label(id);
    }
  }

  /**
   * The {@code k}-th job (modulo their number, from 0) that an enqueue of this run created; a fixed id while none
   * was created.
   */
  record Created(int k) implements JobRef {
    @Override
    public String toString() {
      return "created#" + k;
    }
  }

  /**
   * The job that reserve handed out {@code k} reservations ago (0 = the last one, modulo their number); {@link
   * Created} while none was reserved.
   */
  record Reserved(int k) implements JobRef {
    @Override
    public String toString() {
      return "reserved#" + k;
    }
  }

  /**
   * The {@code k}-th job (modulo their number, from 0, in id order) that had {@code status} after the previous step;
   * {@link Created} while there is none.
   */
  record InStatus(JobStatus status, int k) implements JobRef {
    public InStatus {
      Objects.requireNonNull(status, "status");
    }

    @Override
    public String toString() {
      return status.name().toLowerCase(java.util.Locale.ROOT) + "#" + k;
    }
  }

  /** Which lease token a step presents, resolved by each side against the tokens it received. */
  enum TokenChoice {
    /** The last token reserve gave for the job (a random one if it never gave one). */
    CURRENT,
    /** The token before the current one for the job: a stale worker's (a random one if there is none). */
    STALE,
    /** The current token of another job (a random one if there is none). */
    FOREIGN,
    /** A fresh random token. */
    RANDOM;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
