package io.taskharbor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskharbor.api.DriverException;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.engine.event.TaskHarborListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The engine's cluster node on a fake coordination store: registration with the first worker, one leader at a time
 * with growing terms, maintenance under the term, stepping down before the term ends when the store cannot be
 * reached, and a node that cannot heartbeat reserving nothing more and giving its jobs up in time. The TCK's
 * coordination group and the multi-process test prove the same on real drivers.
 */
class ClusterNodeTest {
  record Work(int n) {}

  private static final DistributedMode FAST = DistributedMode.builder().heartbeatInterval(Duration.ofMillis(50))
      .workerTimeout(Duration.ofMillis(400)).leaderTerm(Duration.ofMillis(600)).cleanupInterval(Duration.ofMillis(50))
      .build();

  private final FakeDriver driver = new FakeDriver();
  private final FakeCoordination coordination = new FakeCoordination();
  private final List<Worker> workers = new ArrayList<>();
  private final List<String> leadership = new CopyOnWriteArrayList<>();
  private final TaskHarborListener recorder = new TaskHarborListener() {
    @Override
    public void leadershipChanged(String nodeId, boolean leader, long term) {
      leadership.add(nodeId + (leader ? " leads " : " stops ") + term);
    }
  };

  ClusterNodeTest() {
    driver.coordination = coordination;
  }

  @AfterEach
  void stop() {
    workers.forEach(Worker::close);
  }

  private TaskHarbor harbor() {
    return TaskHarbor.builder().driver(driver).distributed(FAST).listener(recorder).build();
  }

  private Worker start(TaskHarbor harbor) {
    Worker w = harbor.newWorker().queues("q").concurrency(1).leaseDuration(Duration.ofSeconds(1))
        .heartbeatInterval(Duration.ofMillis(100)).leaseSafetyMargin(Duration.ofMillis(150))
        .handle("work", Work.class, job -> { }).build();
    workers.add(w);
    w.start();
    return w;
  }

  @Test
  @DisplayName("the first worker registers the node; the last one to stop deregisters it")
  void registrationFollowsTheWorkers() throws Exception {
    TaskHarbor harbor = harbor();
    assertThat(coordination.registered(harbor.nodeId())).isFalse();
    Worker first = start(harbor);
    Worker second = start(harbor);
    assertThat(coordination.registered(harbor.nodeId())).isTrue();
    assertThat(harbor.nodes()).singleElement().satisfies(n -> {
      assertThat(n.id()).isEqualTo(harbor.nodeId());
      assertThat(n.alive()).isTrue();
      assertThat(n.node().poolSize()).isEqualTo(2);
      assertThat(n.node().queues()).containsExactly("q");
      assertThat(n.node().pid()).isEqualTo(ProcessHandle.current().pid());
    });
    assertThat(harbor.nodeId()).matches("[a-z0-9.-]+-" + ProcessHandle.current().pid() + "-[a-z0-9]{6}");
    first.stop();
    assertThat(coordination.registered(harbor.nodeId())).isTrue();
    second.stop();
    assertThat(coordination.registered(harbor.nodeId())).isFalse();
  }

  @Test
  @DisplayName("of two nodes one leads at a time; when it stops, the other takes over under a higher term")
  void oneLeaderAtATime() throws Exception {
    TaskHarbor a = harbor();
    TaskHarbor b = harbor();
    Worker wa = start(a);
    start(b);
    Await.until("a leader is elected", () -> a.isLeader() || b.isLeader());
    for (int i = 0; i < 50; i++) {
      assertThat(a.isLeader() && b.isLeader()).as("two leaders at once").isFalse();
      Thread.sleep(5);
    }
    // Under a loaded machine a leader may miss a renewal and be re-elected: take the term it holds once it maintained.
    Await.until("the leader ran its maintenance", () -> {
      TaskHarbor now = a.isLeader() ? a : b.isLeader() ? b : null;
      return now != null && coordination.leaderCalls.contains("purge:" + now.leaderTerm().orElse(0));
    });
    TaskHarbor leader = a.isLeader() ? a : b;
    TaskHarbor follower = leader == a ? b : a;
    long first = leader.leaderTerm().orElseThrow();
    assertThat(coordination.leaderCalls).contains("recover:" + first, "remove:" + first);

    (leader == a ? wa : workers.get(1)).stop();

    Await.until("the other node leads", follower::isLeader);
    long next = follower.leaderTerm().orElseThrow();
    assertThat(next).as("a higher term").isGreaterThan(first);
    assertThat(leader.isLeader()).isFalse();
    assertThat(leadership).containsSubsequence(leader.nodeId() + " leads " + first,
        leader.nodeId() + " stops " + first, follower.nodeId() + " leads " + next);
  }

  @Test
  @DisplayName("a leader that cannot reach the store stops leading before its term ends, by its own clock")
  void aLeaderThatCannotRenewStepsDown() throws Exception {
    TaskHarbor harbor = harbor();
    start(harbor);
    Await.until("it leads", harbor::isLeader);
    long term = harbor.leaderTerm().orElseThrow();
    java.time.Instant ends = coordination.leader(FAST.cluster()).orElseThrow().expiresAt();
    coordination.failure = new DriverException("connection refused (simulated)", null, true);

    Await.until("it stops leading", () -> !harbor.isLeader());

    assertThat(harbor.clock().instant()).as("before the term's lease ends").isBefore(ends);
    Await.until("the listeners hear it", () -> leadership.contains(harbor.nodeId() + " stops " + term));
    int calls = coordination.leaderCalls.size();
    Thread.sleep(200);
    assertThat(coordination.leaderCalls).as("no maintenance without the lease").hasSize(calls);
    coordination.failure = null;
  }

  @Test
  @DisplayName("a node that cannot heartbeat reserves nothing more and gives its running jobs up before the others "
      + "could count it dead")
  void aNodeThatCannotHeartbeatStopsHoldingJobs() throws Exception {
    TaskHarbor harbor = harbor();
    JobId running = driver.add("q", "block", "{\"n\":1}", 3);
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger cancelled = new AtomicInteger();
    Worker w = harbor.newWorker().queues("q").concurrency(2).leaseDuration(Duration.ofSeconds(30))
        .heartbeatInterval(Duration.ofSeconds(10)).leaseSafetyMargin(Duration.ofMillis(150))
        .pollInterval(Duration.ofMillis(10))
        .handle("block", Work.class, job -> {
          started.countDown();
          try {
            Thread.sleep(30_000);
          } catch (InterruptedException e) {
            cancelled.incrementAndGet();
            throw e;
          }
        }).build();
    workers.add(w);
    w.start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    long beforeFailure = System.nanoTime();
    coordination.failure = new DriverException("connection refused (simulated)", null, true);

    Await.until("the running job is given up", () -> cancelled.get() == 1);
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - beforeFailure);

    assertThat(tookMillis).as("given up within the worker timeout (400 ms) of the last heartbeat")
        .isLessThan(400);
    Thread.sleep(20); // a reserve in flight at that moment may still end
    int reserves = driver.reserves.size();
    JobId later = driver.add("q", "block", "{\"n\":2}", 3);
    Thread.sleep(150);
    assertThat(driver.reserves.size()).as("no reserve once the node could be counted dead").isEqualTo(reserves);
    assertThat(driver.job(later).status()).isEqualTo(JobStatus.READY);
    assertThat(w.metrics().lostLeases()).isEqualTo(1);
    JobRecord stillLeased = driver.job(running);
    assertThat(stillLeased.status()).as("nothing was reported for it").isEqualTo(JobStatus.INFLIGHT);
    coordination.failure = null;
  }

  @Test
  @DisplayName("distributed settings are checked, and a driver without coordination is refused by name")
  void settingsAreChecked() {
    assertThatThrownBy(() -> DistributedMode.builder().heartbeatInterval(Duration.ofSeconds(20)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workerTimeout")
        .hasMessageContaining("heartbeatInterval");
    assertThatThrownBy(() -> DistributedMode.builder().leaderTerm(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaderTerm");
    assertThatThrownBy(() -> DistributedMode.builder().cleanupInterval(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cleanupInterval");
    assertThatThrownBy(() -> DistributedMode.builder().cluster(" ").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster");
    DistributedMode defaults = DistributedMode.defaults();
    assertThat(defaults.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.workerTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.leaderTerm()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.cleanupInterval()).isEqualTo(Duration.ofMinutes(1));

    FakeDriver plain = new FakeDriver();
    assertThatThrownBy(() -> TaskHarbor.builder().driver(plain).distributed().build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fake")
        .hasMessageContaining("Coordination");
    TaskHarbor harbor = harbor();
    assertThatThrownBy(() -> harbor.newWorker().leaseDuration(Duration.ofSeconds(10))
        .leaseSafetyMargin(Duration.ofMillis(380)).handle("work", Work.class, job -> { }).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workerTimeout")
        .hasMessageContaining("leaseSafetyMargin");
  }

  @Test
  @DisplayName("outside distributed mode nothing registers and no node leads")
  void notDistributed() throws Exception {
    TaskHarbor harbor = TaskHarbor.builder().driver(driver).build();
    Worker w = harbor.newWorker().queues("q").handle("work", Work.class, job -> { }).build();
    workers.add(w);
    w.start();
    Thread.sleep(100);
    assertThat(harbor.isDistributed()).isFalse();
    assertThat(harbor.isLeader()).isFalse();
    assertThat(harbor.leaderTerm()).isEmpty();
    assertThat(coordination.registered(harbor.nodeId())).isFalse();
    assertThat(coordination.leaderCalls).isEmpty();
  }
}
