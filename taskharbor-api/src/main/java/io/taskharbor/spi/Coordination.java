package io.taskharbor.spi;

import io.taskharbor.api.JobStatus;
import io.taskharbor.api.StaleTermException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An optional driver extension ({@link Driver#extension(Class)}) for distributed mode: many worker processes on one
 * store, coordinated through the store alone. It holds a registry of nodes with their heartbeats, leader leases with a
 * fencing term, and the maintenance only a leader does.
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li><b>Time is an argument</b>, as everywhere in the SPI: a node is <i>alive</i> at {@code now} iff its last
 *       heartbeat + {@code timeout} &gt; now; a leader lease is <i>valid</i> iff its expiry &gt; now. Both boundaries
 *       are exact, to the microsecond.
 *   <li><b>One leader per name, with a term.</b> {@link #acquire} succeeds when no valid lease exists or the caller
 *       holds the valid one. The term grows by one whenever the lease passes to a holder after a gap (it lapsed, or was
 *       resigned) or to another node, and stays when the holder re-acquires or renews a valid lease; two calls never
 *       get the same term for different holders.
 *   <li><b>Fencing.</b> Every leader-only call takes the caller's term and is refused with {@link
 *       StaleTermException}, changing nothing, unless that term is the current one and its lease is valid at {@code
 *       now}. A deposed leader that wakes from a pause therefore cannot act.
 *   <li><b>Orphans.</b> {@link #recoverOrphans} ends, at {@code now}, the leases of INFLIGHT jobs whose holder ({@code
 *       leased_by}) is a registered node that is dead at {@code now}: the jobs are claimable at once, and the old
 *       tokens stay refused (the lease is no longer valid, so a late completion is a {@code LeaseExpiredException}).
 *   <li>Bad arguments are {@link IllegalArgumentException}s naming the field, before anything is touched; a closed
 *       driver throws {@link IllegalStateException}.
 * </ul>
 *
 * Implementations are thread-safe; calls from many processes must keep the rules (the PostgreSQL driver does it with
 * row locks).
 */
public interface Coordination {

  /** Registers a node, or registers it again with new details; its last heartbeat becomes {@code now}. */
  void register(NodeInfo node, Instant now);

  /**
   * Records a heartbeat of a node.
   *
   * @return false when the node is not registered (it was removed as dead, or never registered): register again
   */
  boolean heartbeat(String nodeId, Instant now);

  /** Removes a node from the registry; removing an unknown node does nothing. */
  void deregister(String nodeId);

  /** Returns every registered node, ordered by id, alive or dead at {@code now} after {@code timeout} of silence. */
  List<NodeRecord> nodes(Instant now, Duration timeout);

  /**
   * Becomes (or stays) the leader of {@code name} for {@code ttl} from {@code now}, if no other node holds a valid
   * lease.
   *
   * @return the lease as it is after the call: held by {@code nodeId} when acquired, else by the current leader
   */
  LeaderLease acquire(String name, String nodeId, Instant now, Duration ttl);

  /**
   * Extends the caller's valid lease to {@code now + ttl} (never earlier than it was), keeping the term.
   *
   * @throws StaleTermException if {@code term} is not the current term held by {@code nodeId}, or its lease is no
   *     longer valid at {@code now}
   */
  LeaderLease renew(String name, String nodeId, long term, Instant now, Duration ttl);

  /** Gives up the lease of {@code term} if {@code nodeId} holds it (valid or not); anything else does nothing. */
  void resign(String name, String nodeId, long term, Instant now);

  /** Returns the lease of {@code name}, valid or not, or empty if no node ever held it. */
  Optional<LeaderLease> leader(String name);

  /**
   * Leader-only: ends the leases of the INFLIGHT jobs held by registered nodes that are dead at {@code now}.
   *
   * @return how many jobs were recovered
   * @throws StaleTermException if {@code term} is not current and valid at {@code now}
   */
  int recoverOrphans(String name, long term, Instant now, Duration nodeTimeout);

  /**
   * Leader-only: removes the nodes that are dead at {@code now}.
   *
   * @return how many nodes were removed
   * @throws StaleTermException if {@code term} is not current and valid at {@code now}
   */
  int removeDeadNodes(String name, long term, Instant now, Duration nodeTimeout);

  /**
   * Leader-only: deletes the jobs in the given finished statuses that finished before {@code finishedBefore}, as
   * {@link Driver#purge} does.
   *
   * @return how many jobs were deleted
   * @throws StaleTermException if {@code term} is not current and valid at {@code now}
   */
  long purge(String name, long term, Set<JobStatus> statuses, Instant finishedBefore, Instant now);

  /**
   * Returns the store's own clock, read as close to the store as the driver can (a database's {@code now()}). The
   * engine's {@code DatabaseClock} estimates its offset from this; no rule above reads it.
   */
  Instant serverTime();
}
