package io.taskharbor.tck;

import io.taskharbor.api.JobStatus;
import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.LeaderLease;
import io.taskharbor.spi.NodeInfo;
import io.taskharbor.spi.NodeRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A {@link Coordination} that hands every call to another (the model's); the broken drivers override one rule. */
class ForwardingCoordination implements Coordination {
  protected final Coordination inner;

  ForwardingCoordination(Coordination inner) {
    this.inner = inner;
  }

  @Override
  public void register(NodeInfo node, Instant now) {
    inner.register(node, now);
  }

  @Override
  public boolean heartbeat(String nodeId, Instant now) {
    return inner.heartbeat(nodeId, now);
  }

  @Override
  public void deregister(String nodeId) {
    inner.deregister(nodeId);
  }

  @Override
  public List<NodeRecord> nodes(Instant now, Duration timeout) {
    return inner.nodes(now, timeout);
  }

  @Override
  public LeaderLease acquire(String name, String nodeId, Instant now, Duration ttl) {
    return inner.acquire(name, nodeId, now, ttl);
  }

  @Override
  public LeaderLease renew(String name, String nodeId, long term, Instant now, Duration ttl) {
    return inner.renew(name, nodeId, term, now, ttl);
  }

  @Override
  public void resign(String name, String nodeId, long term, Instant now) {
    inner.resign(name, nodeId, term, now);
  }

  @Override
  public Optional<LeaderLease> leader(String name) {
    return inner.leader(name);
  }

  @Override
  public int recoverOrphans(String name, long term, Instant now, Duration nodeTimeout) {
    return inner.recoverOrphans(name, term, now, nodeTimeout);
  }

  @Override
  public int removeDeadNodes(String name, long term, Instant now, Duration nodeTimeout) {
    return inner.removeDeadNodes(name, term, now, nodeTimeout);
  }

  @Override
  public long purge(String name, long term, Set<JobStatus> statuses, Instant finishedBefore, Instant now) {
    return inner.purge(name, term, statuses, finishedBefore, now);
  }

  @Override
  public Instant serverTime() {
    return inner.serverTime();
  }
}
