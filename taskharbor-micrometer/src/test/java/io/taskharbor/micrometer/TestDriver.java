package io.taskharbor.micrometer;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Page;
import io.taskharbor.api.QueueStats;
import io.taskharbor.api.StaleTermException;
import io.taskharbor.driver.memory.MemoryDriver;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeaderLease;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.LiveJobs;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.NodeInfo;
import io.taskharbor.spi.NodeRecord;
import io.taskharbor.spi.Outcome;
import io.taskharbor.spi.Statistics;
import io.taskharbor.spi.WakeUpNotifications;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;

/**
 * The memory driver, counting every call that would reach a database, with the optional extensions this module's
 * tests need that the memory driver of this tree does not offer: {@link Statistics} (counted from the memory
 * driver's own jobs, as the extension's rules say) and, when asked for, {@link Coordination} (a node registry and
 * leader leases in memory, shared by every client on this driver; maintenance does nothing). Each call is recorded
 * with the thread that made it, so a test can tell a scrape's calls (none) from the workers'.
 */
final class TestDriver implements Driver {

  /** One driver call: what was called, and on which thread. */
  record Call(String method, String thread) {}

  private final MemoryDriver memory = new MemoryDriver();
  private final boolean statistics;
  private final @Nullable FakeCoordination coordination;
  final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
  /** When set, liveJobs fails with it, as when the database cannot be reached. */
  volatile @Nullable RuntimeException liveJobsFailure;

  private TestDriver(boolean statistics, boolean coordination) {
    this.statistics = statistics;
    this.coordination = coordination ? new FakeCoordination() : null;
  }

  /** The memory driver with the Statistics extension. */
  static TestDriver withStatistics() {
    return new TestDriver(true, false);
  }

  /** The memory driver with the Statistics and Coordination extensions (distributed mode). */
  static TestDriver distributed() {
    return new TestDriver(true, true);
  }

  /** The memory driver with no extension but its own wake-up notifications. */
  static TestDriver plain() {
    return new TestDriver(false, false);
  }

  private void record(String method) {
    calls.add(new Call(method, Thread.currentThread().getName()));
  }

  /** The calls made so far with this method name. */
  long count(String method) {
    return calls.stream().filter(c -> c.method().equals(method)).count();
  }

  /** The calls made so far on threads whose name starts with {@code prefix}. */
  List<Call> callsOn(String prefix) {
    return calls.stream().filter(c -> c.thread().startsWith(prefix)).toList();
  }

  @Override
  public String name() {
    return "test";
  }

  @Override
  public <T> Optional<T> extension(Class<T> type) {
    if (type == Statistics.class && statistics) {
      Statistics s = this::liveJobs;
      return Optional.of(type.cast(s));
    }
    if (type == Coordination.class && coordination != null) {
      return Optional.of(type.cast(coordination));
    }
    if (type == WakeUpNotifications.class) {
      return memory.extension(type);
    }
    return Optional.empty();
  }

  /** The Statistics extension: one consistent read of the memory driver's live jobs (READY and INFLIGHT). */
  private synchronized LiveJobs liveJobs(Instant now) {
    record("liveJobs");
    RuntimeException failure = liveJobsFailure;
    if (failure != null) {
      throw failure;
    }
    Map<List<String>, long[]> counts = new TreeMap<>((a, b) -> {
      int c = a.get(0).compareTo(b.get(0));
      return c != 0 ? c : a.get(1).compareTo(b.get(1));
    });
    Map<String, Instant> oldest = new TreeMap<>();
    String cursor = null;
    do {
      Page<JobRecord> page = memory.list(JobQuery.builder().status(JobStatus.READY, JobStatus.INFLIGHT)
          .limit(1000).cursor(cursor).build());
      for (JobRecord job : page.items()) {
        long[] c = counts.computeIfAbsent(List.of(job.queue(), job.type()), k -> new long[3]);
        if (job.status() == JobStatus.INFLIGHT) {
          c[2]++;
          continue;
        }
        Instant due = job.runAt() != null ? job.runAt() : job.createdAt();
        if (due.isAfter(now)) {
          c[1]++;
        } else {
          c[0]++;
          oldest.merge(job.queue(), due, (x, y) -> x.isBefore(y) ? x : y);
        }
      }
      cursor = page.nextCursor();
    } while (cursor != null);
    List<LiveJobs.Group> groups = new ArrayList<>();
    counts.forEach((k, c) -> groups.add(new LiveJobs.Group(k.get(0), k.get(1), c[0], c[1], c[2])));
    return new LiveJobs(now, groups, oldest);
  }

  @Override
  public List<EnqueueResult> enqueue(List<NewJob> jobs, Instant now) {
    record("enqueue");
    return memory.enqueue(jobs, now);
  }

  @Override
  public List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease) {
    record("reserve");
    return memory.reserve(queue, max, now, lease);
  }

  @Override
  public List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease, @Nullable String holder) {
    record("reserve");
    return memory.reserve(queue, max, now, lease, holder);
  }

  @Override
  public Instant extendLease(JobId id, LeaseToken token, Instant now, Duration lease) {
    record("extendLease");
    return memory.extendLease(id, token, now, lease);
  }

  @Override
  public List<Outcome> complete(List<Completion> completions, Instant now) {
    record("complete");
    return memory.complete(completions, now);
  }

  @Override
  public Optional<JobRecord> get(JobId id) {
    record("get");
    return memory.get(id);
  }

  @Override
  public Optional<JobRecord> findByIdempotencyKey(String queue, String key) {
    record("findByIdempotencyKey");
    return memory.findByIdempotencyKey(queue, key);
  }

  @Override
  public Page<JobRecord> list(JobQuery query) {
    record("list");
    return memory.list(query);
  }

  @Override
  public QueueStats stats(String queue, Instant now) {
    record("stats");
    return memory.stats(queue, now);
  }

  @Override
  public void requeue(JobId id, boolean resetAttempts, Instant now) {
    record("requeue");
    memory.requeue(id, resetAttempts, now);
  }

  @Override
  public void cancel(JobId id, Instant now) {
    record("cancel");
    memory.cancel(id, now);
  }

  @Override
  public void delete(JobId id) {
    record("delete");
    memory.delete(id);
  }

  @Override
  public long purge(Set<JobStatus> statuses, Instant finishedBefore) {
    record("purge");
    return memory.purge(statuses, finishedBefore);
  }

  @Override
  public void close() {
    memory.close();
  }

  /**
   * Node registry and leader leases in memory, with the SPI's rules for terms and fencing; the maintenance calls
   * check the term and do nothing else. Every call is recorded as a driver call.
   */
  private final class FakeCoordination implements Coordination {
    private final Map<String, NodeRecord> nodes = new TreeMap<>();
    private final Map<String, LeaderLease> leases = new TreeMap<>();

    @Override
    public synchronized void register(NodeInfo node, Instant now) {
      record("register");
      nodes.put(node.id(), new NodeRecord(node, now, true));
    }

    @Override
    public synchronized boolean heartbeat(String nodeId, Instant now) {
      record("heartbeat");
      NodeRecord r = nodes.get(nodeId);
      if (r == null) {
        return false;
      }
      nodes.put(nodeId, new NodeRecord(r.node(), now, true));
      return true;
    }

    @Override
    public synchronized void deregister(String nodeId) {
      record("deregister");
      nodes.remove(nodeId);
    }

    @Override
    public synchronized List<NodeRecord> nodes(Instant now, Duration timeout) {
      record("nodes");
      List<NodeRecord> all = new ArrayList<>();
      for (NodeRecord r : nodes.values()) {
        all.add(new NodeRecord(r.node(), r.lastHeartbeat(), r.lastHeartbeat().plus(timeout).isAfter(now)));
      }
      return all;
    }

    @Override
    public synchronized LeaderLease acquire(String name, String nodeId, Instant now, Duration ttl) {
      record("acquire");
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
      record("renew");
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
      record("resign");
      LeaderLease current = leases.get(name);
      if (current != null && current.term() == term && nodeId.equals(current.holder())) {
        leases.put(name, new LeaderLease(name, null, term, null));
      }
    }

    @Override
    public synchronized Optional<LeaderLease> leader(String name) {
      record("leader");
      return Optional.ofNullable(leases.get(name));
    }

    @Override
    public synchronized int recoverOrphans(String name, long term, Instant now, Duration nodeTimeout) {
      record("recoverOrphans");
      check(name, term, now);
      return 0;
    }

    @Override
    public synchronized int removeDeadNodes(String name, long term, Instant now, Duration nodeTimeout) {
      record("removeDeadNodes");
      check(name, term, now);
      return 0;
    }

    @Override
    public synchronized long purge(String name, long term, Set<JobStatus> statuses, Instant finishedBefore,
        Instant now) {
      record("purgeAsLeader");
      check(name, term, now);
      return 0;
    }

    @Override
    public Instant serverTime() {
      record("serverTime");
      return Instant.now();
    }
  }
}
