package io.taskharbor.engine;

import io.taskharbor.api.JobStatus;
import io.taskharbor.api.StaleTermException;
import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.LeaderLease;
import io.taskharbor.spi.NodeInfo;
import io.taskharbor.spi.NodeRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A small in-memory {@link Coordination} for the engine's tests of its cluster node (the TCK's coordination group
 * proves real drivers). It records leader-only calls, can be told to fail, and leaves job recovery to the test.
 */
final class FakeCoordination implements Coordination {
  private final Map<String, NodeRecord> nodes = new TreeMap<>();
  private final Map<String, LeaderLease> leases = new TreeMap<>();
  final List<String> leaderCalls = new CopyOnWriteArrayList<>();
  /** When set, every call fails with it, as when the database cannot be reached. */
  volatile RuntimeException failure;
  /** The server's clock; the engine's DatabaseClock reads it. */
  volatile java.time.InstantSource server = java.time.InstantSource.system();
  /** Told of each recoverOrphans call with the dead nodes' ids. */
  volatile Consumer<Set<String>> onRecover = dead -> { };

  private void maybeFail() {
    RuntimeException f = failure;
    if (f != null) {
      throw f;
    }
  }

  @Override
  public synchronized void register(NodeInfo node, Instant now) {
    maybeFail();
    nodes.put(node.id(), new NodeRecord(node, now, true));
  }

  @Override
  public synchronized boolean heartbeat(String nodeId, Instant now) {
    maybeFail();
    NodeRecord r = nodes.get(nodeId);
    if (r == null) {
      return false;
    }
    nodes.put(nodeId, new NodeRecord(r.node(), now, true));
    return true;
  }

  @Override
  public synchronized void deregister(String nodeId) {
    maybeFail();
    nodes.remove(nodeId);
  }

  @Override
  public synchronized List<NodeRecord> nodes(Instant now, Duration timeout) {
    maybeFail();
    List<NodeRecord> all = new ArrayList<>();
    for (NodeRecord r : nodes.values()) {
      all.add(new NodeRecord(r.node(), r.lastHeartbeat(), r.lastHeartbeat().plus(timeout).isAfter(now)));
    }
    return all;
  }

  @Override
  public synchronized LeaderLease acquire(String name, String nodeId, Instant now, Duration ttl) {
    maybeFail();
    LeaderLease current = leases.get(name);
    if (current != null && current.isValid(now) && !nodeId.equals(current.holder())) {
      return current;
    }
    long term = current == null ? 1 : current.isHeldBy(nodeId, now) ? current.term() : current.term() + 1;
    LeaderLease next = new LeaderLease(name, nodeId, term, now.plus(ttl));
    leases.put(name, next);
    return next;
  }

  @Override
  public synchronized LeaderLease renew(String name, String nodeId, long term, Instant now, Duration ttl) {
    maybeFail();
    LeaderLease current = check(name, term, now);
    if (!nodeId.equals(current.holder())) {
      throw new StaleTermException(name, term, current.term(), current.holder());
    }
    Instant expiry = now.plus(ttl);
    LeaderLease next = new LeaderLease(name, nodeId, term,
        expiry.isAfter(current.expiresAt()) ? expiry : current.expiresAt());
    leases.put(name, next);
    return next;
  }

  private LeaderLease check(String name, long term, Instant now) {
    LeaderLease current = leases.get(name);
    if (current == null || current.term() != term || !current.isValid(now)) {
      throw new StaleTermException(name, term, current == null ? 0 : current.term(),
          current == null ? null : current.holder());
    }
    return current;
  }

  @Override
  public synchronized void resign(String name, String nodeId, long term, Instant now) {
    maybeFail();
    LeaderLease current = leases.get(name);
    if (current != null && current.term() == term && nodeId.equals(current.holder())) {
      leases.put(name, new LeaderLease(name, null, term, null));
    }
  }

  @Override
  public synchronized Optional<LeaderLease> leader(String name) {
    maybeFail();
    return Optional.ofNullable(leases.get(name));
  }

  @Override
  public synchronized int recoverOrphans(String name, long term, Instant now, Duration nodeTimeout) {
    maybeFail();
    check(name, term, now);
    leaderCalls.add("recover:" + term);
    Set<String> dead = new java.util.TreeSet<>();
    for (NodeRecord r : nodes.values()) {
      if (!r.lastHeartbeat().plus(nodeTimeout).isAfter(now)) {
        dead.add(r.id());
      }
    }
    onRecover.accept(dead);
    return dead.size();
  }

  @Override
  public synchronized int removeDeadNodes(String name, long term, Instant now, Duration nodeTimeout) {
    maybeFail();
    check(name, term, now);
    leaderCalls.add("remove:" + term);
    int before = nodes.size();
    nodes.values().removeIf(r -> !r.lastHeartbeat().plus(nodeTimeout).isAfter(now));
    return before - nodes.size();
  }

  @Override
  public synchronized long purge(String name, long term, Set<JobStatus> statuses, Instant finishedBefore,
      Instant now) {
    maybeFail();
    check(name, term, now);
    leaderCalls.add("purge:" + term);
    return 0;
  }

  @Override
  public Instant serverTime() {
    maybeFail();
    return server.instant();
  }

  synchronized boolean registered(String nodeId) {
    return nodes.containsKey(nodeId);
  }
}
