package io.taskharbor.engine.internal;

import io.taskharbor.api.JobStatus;
import io.taskharbor.api.StaleTermException;
import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.LeaderLease;
import io.taskharbor.spi.NodeInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process as a node of a distributed cluster: it registers while workers run, heartbeats, takes part in the
 * leader election, and, while it leads, runs the maintenance under its term.
 *
 * <p><b>Safety.</b> Two rules keep one leader acting at a time, whatever the pauses and partitions. The store refuses
 * every leader-only call whose term is not the current valid one (fencing), so a deposed leader that wakes up cannot
 * act. And a leader stops its duties by its own clock a safety margin before its lease ends, so it does not even try
 * once another node may lead. Likewise {@link #aliveUntil()} tells the workers when the others will count this node
 * dead (its last heartbeat the store took, plus the worker timeout): they stop reserving and give up their running jobs
 * before that, so the leader's recovery of this node's jobs never overlaps with their run here.
 *
 * <p>One thread keeps the registration and the lease (heartbeat, acquire, renew), another runs maintenance, so a slow
 * purge never delays a renewal. Thread-safe.
 */
public final class ClusterNode implements NodeLease {
  private static final Logger log = LoggerFactory.getLogger("io.taskharbor.engine.Cluster");

  /**
   * The validated settings.
   *
   * @param cluster the leader lease's name
   * @param margin how long before its term ends a leader stops its duties, by its own clock
   */
  public record Settings(String cluster, Duration heartbeatInterval, Duration workerTimeout, Duration leaderTerm,
      Duration cleanupInterval, Duration retention, @Nullable Duration dlqRetention, Duration margin) {}

  private final Settings settings;
  private final Coordination coordination;
  private final InstantSource clock;
  private final Listeners listeners;
  private final String nodeId;
  private final Supplier<NodeInfo> info;
  private @Nullable ScheduledThreadPoolExecutor keeper;
  private volatile @Nullable ScheduledThreadPoolExecutor maintainer;
  private int workers;

  /** The instant sent with the last heartbeat (or registration) the store took; null while not registered. */
  private volatile @Nullable Instant lastBeat;
  /** The term this node leads under, and until when by the lease; 0 and null while it does not lead. */
  private volatile long term;
  private volatile @Nullable Instant termEnds;
  private @Nullable ScheduledFuture<?> maintenance;
  /** Guards the leadership's state changes, apart from the lifecycle lock (a renewal must never wait for a stop). */
  private final Object leadership = new Object();

  /**
   * @param info what to register: called at each (re)registration, so it reflects the workers running then
   */
  public ClusterNode(Settings settings, Coordination coordination, InstantSource clock, Listeners listeners,
      String nodeId, Supplier<NodeInfo> info) {
    this.settings = settings;
    this.coordination = Objects.requireNonNull(coordination, "coordination");
    this.clock = clock;
    this.listeners = listeners;
    this.nodeId = NodeInfo.checkId(nodeId);
    this.info = info;
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public Instant aliveUntil() {
    Instant beat = lastBeat;
    return beat == null ? Instant.EPOCH : beat.plus(settings.workerTimeout());
  }

  /** Returns whether this node leads now: it holds a term, and its lease does not end within the margin. */
  public boolean isLeader() {
    Instant ends = termEnds;
    return term > 0 && ends != null && now().isBefore(ends.minus(settings.margin()));
  }

  /** Returns the term this node leads under, or 0 when it does not lead. */
  public long term() {
    return isLeader() ? term : 0;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  // ------------------------------------------------------------------------------------------------ lifecycle

  /** A worker of this process starts: the first one registers the node and starts its duties. */
  public synchronized void workerStarted() {
    workers++;
    if (workers == 1) {
      start();
    } else {
      register(); // the node's queues and threads changed
    }
  }

  /** A worker of this process stopped: the last one resigns the leadership and deregisters the node. */
  public synchronized void workerStopped() {
    if (workers == 0) {
      return;
    }
    workers--;
    if (workers == 0) {
      stop();
    } else {
      register();
    }
  }

  private void start() {
    register(); // first, so that the workers may reserve at once; a failure here is the worker's start failing
    ScheduledThreadPoolExecutor k = new ScheduledThreadPoolExecutor(1, WorkerRuntime.daemons("taskharbor-node-"));
    ScheduledThreadPoolExecutor m = new ScheduledThreadPoolExecutor(1,
        WorkerRuntime.daemons("taskharbor-leader-"));
    k.setRemoveOnCancelPolicy(true);
    m.setRemoveOnCancelPolicy(true);
    // Both before the first election, which runs at once on the keeper's thread: a node elected before it could see
    // the maintainer scheduled no maintenance, and led its whole term without recovering a dead node's jobs.
    keeper = k;
    maintainer = m;
    long beat = settings.heartbeatInterval().toNanos();
    k.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.NANOSECONDS);
    long elect = settings.leaderTerm().dividedBy(3).toNanos();
    k.scheduleWithFixedDelay(this::elect, 0, elect, TimeUnit.NANOSECONDS);
    log.info("node {} joined cluster {}", nodeId, settings.cluster());
  }

  private void stop() {
    ScheduledThreadPoolExecutor k = keeper;
    ScheduledThreadPoolExecutor m = maintainer;
    keeper = null;
    maintainer = null;
    if (k != null) {
      k.shutdownNow();
      awaitQuietly(k);
    }
    if (m != null) {
      m.shutdownNow();
      awaitQuietly(m);
    }
    long held = term;
    if (held > 0) {
      try {
        coordination.resign(settings.cluster(), nodeId, held, now());
      } catch (RuntimeException e) {
        log.warn("node {} could not resign term {} (its lease will simply lapse): {}", nodeId, held, e.toString());
      }
      stepDown("it stops");
    }
    try {
      coordination.deregister(nodeId);
    } catch (RuntimeException e) {
      log.warn("node {} could not deregister (the leader will remove it once it counts as dead): {}", nodeId,
          e.toString());
    }
    lastBeat = null;
    log.info("node {} left cluster {}", nodeId, settings.cluster());
  }

  private static void awaitQuietly(ScheduledThreadPoolExecutor pool) {
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------------------------------------ registry

  private void register() {
    Instant at = now();
    coordination.register(info.get(), at);
    lastBeat = at;
  }

  private void heartbeat() {
    Instant at = now();
    try {
      if (coordination.heartbeat(nodeId, at)) {
        lastBeat = at;
      } else {
        log.warn("node {} was removed from the registry (counted dead); registering again", nodeId);
        register();
      }
    } catch (RuntimeException e) {
      listeners.storageError("nodeHeartbeat", e);
      log.warn("node {} could not heartbeat (its workers stop reserving at {} and give up their jobs before): {}",
          nodeId, aliveUntil(), e.toString());
    }
  }

  // ------------------------------------------------------------------------------------------------ leadership

  private void elect() {
    Instant at = now();
    try {
      if (term > 0) {
        renew(at);
      } else if (lastBeat != null) {
        acquire(at);
      }
    } catch (RuntimeException e) {
      listeners.storageError("leader", e);
      log.warn("node {} could not {} the leadership: {}", nodeId, term > 0 ? "renew" : "acquire", e.toString());
    }
    Instant ends = termEnds;
    if (term > 0 && ends != null && !now().isBefore(ends.minus(settings.margin()))) {
      stepDown("its lease ends at " + ends + " and could not be renewed in time");
    }
  }

  private void acquire(Instant at) {
    LeaderLease lease = coordination.acquire(settings.cluster(), nodeId, at, settings.leaderTerm());
    if (lease.isHeldBy(nodeId, at)) {
      term = lease.term();
      termEnds = lease.expiresAt();
      log.info("node {} leads cluster {} under term {}", nodeId, settings.cluster(), lease.term());
      listeners.leadershipChanged(nodeId, true, lease.term());
      scheduleMaintenance();
    }
  }

  private void renew(Instant at) {
    try {
      LeaderLease lease = coordination.renew(settings.cluster(), nodeId, term, at, settings.leaderTerm());
      termEnds = lease.expiresAt();
    } catch (StaleTermException e) {
      stepDown("the store refused term " + e.term() + " (current term " + e.currentTerm() + ")");
    }
  }

  private void scheduleMaintenance() {
    synchronized (leadership) {
      ScheduledThreadPoolExecutor m = maintainer;
      if (m == null) {
        return;
      }
      if (maintenance != null) {
        maintenance.cancel(false);
      }
      long every = settings.cleanupInterval().toNanos();
      maintenance = m.scheduleWithFixedDelay(this::maintain, 0, every, TimeUnit.NANOSECONDS);
    }
  }

  private void stepDown(String why) {
    long held;
    synchronized (leadership) {
      held = term;
      if (held == 0) {
        return;
      }
      term = 0;
      termEnds = null;
      if (maintenance != null) {
        maintenance.cancel(false);
        maintenance = null;
      }
    }
    log.warn("node {} stopped leading cluster {} (term {}): {}", nodeId, settings.cluster(), held, why);
    listeners.leadershipChanged(nodeId, false, held);
  }

  // ------------------------------------------------------------------------------------------------ maintenance

  /** The leader's duties, each under the term in hand, and only while the lease holds beyond the margin. */
  private void maintain() {
    long held = term;
    if (held == 0) {
      return;
    }
    int recovered = 0;
    int removed = 0;
    long purged = 0;
    try {
      if (!isLeader()) {
        return;
      }
      // One instant for both: a node that turned dead between the two calls would otherwise be removed before its
      // jobs were recovered, and they would wait out their leases.
      Instant at = now();
      recovered = coordination.recoverOrphans(settings.cluster(), held, at, settings.workerTimeout());
      if (!isLeader()) {
        return;
      }
      removed = coordination.removeDeadNodes(settings.cluster(), held, at, settings.workerTimeout());
      if (!isLeader()) {
        return;
      }
      purged = coordination.purge(settings.cluster(), held, EnumSet.of(JobStatus.DONE, JobStatus.CANCELED),
          at.minus(settings.retention()), at);
      Duration dlq = settings.dlqRetention();
      if (dlq != null && isLeader()) {
        purged += coordination.purge(settings.cluster(), held, Set.of(JobStatus.DLQ), at.minus(dlq), now());
      }
      if (recovered > 0 || removed > 0) {
        log.info("leader {} (term {}) recovered {} job(s) of dead nodes, removed {} dead node(s), purged {} job(s)",
            nodeId, held, recovered, removed, purged);
      }
      listeners.maintained(nodeId, held, recovered, removed, purged);
    } catch (StaleTermException e) {
      stepDown("the store refused term " + e.term() + " during maintenance (current term " + e.currentTerm() + ")");
    } catch (RuntimeException e) {
      listeners.storageError("maintenance", e);
      log.warn("leader {} (term {}): maintenance failed, will run again: {}", nodeId, held, e.toString());
    }
  }

  @Override
  public String toString() {
    return "ClusterNode[" + nodeId + (isLeader() ? ", leader of term " + term : "") + "]";
  }
}
