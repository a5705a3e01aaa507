package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStatus;
import io.taskharbor.engine.DistributedMode;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.LeaderLease;
import io.taskharbor.spi.NodeRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The engine's distributed mode on the PostgreSQL driver, two clients (two pools, as two processes would have) on one
 * schema: both register, one leads under the term stored in {@code th_leaders}, the jobs each runs carry its node id
 * as leased_by, and when the leader stops the other takes over under the next term.
 */
@Tag("postgres")
class DistributedModeTest {
  record Work(int n) {}

  private static final DistributedMode FAST = DistributedMode.builder().cluster("tests")
      .heartbeatInterval(Duration.ofMillis(100)).workerTimeout(Duration.ofSeconds(2))
      .leaderTerm(Duration.ofMillis(600)).cleanupInterval(Duration.ofMillis(100)).build();

  private String schema;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeEach
  void migrate() {
    schema = TestDatabase.createMigratedSchema();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    TestDatabase.drop(schema);
  }

  private TaskHarbor harbor() {
    PostgresDriver driver = PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(4).minIdle(1).build();
    opened.add(driver);
    TaskHarbor harbor = TaskHarbor.builder().driver(driver).distributed(FAST).build();
    opened.add(harbor);
    return harbor;
  }

  private Worker worker(TaskHarbor harbor) {
    Worker w = harbor.newWorker().queues("dist").concurrency(2).pollInterval(Duration.ofMillis(50))
        .leaseDuration(Duration.ofSeconds(2)).heartbeatInterval(Duration.ofMillis(200))
        .leaseSafetyMargin(Duration.ofMillis(300))
        .handle("work", Work.class, job -> { }).build();
    opened.add(w);
    w.start();
    return w;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void twoNodesShareTheJobsAndOneLeadsAtATime() throws Exception {
    TaskHarbor a = harbor();
    TaskHarbor b = harbor();
    Worker wa = worker(a);
    Worker wb = worker(b);
    for (int i = 0; i < 20; i++) {
      a.enqueue(JobRequest.builder("work", new Work(i)).queue("dist").build());
    }

    await("a leader is elected", () -> a.isLeader() || b.isLeader());
    await("every job is done", () -> a.stats("dist").done() == 20);
    assertThat(a.isLeader() && b.isLeader()).as("two leaders at once").isFalse();
    TaskHarbor leader = a.isLeader() ? a : b;
    TaskHarbor follower = leader == a ? b : a;
    long term = leader.leaderTerm().orElseThrow();
    PostgresDriver observer = PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(1).build();
    opened.add(observer);
    Coordination store = observer.extension(Coordination.class).orElseThrow();
    assertThat(store.leader("tests")).get().extracting(LeaderLease::holder, LeaderLease::term)
        .containsExactly(leader.nodeId(), term);
    assertThat(a.nodes()).extracting(NodeRecord::id).containsExactlyInAnyOrder(a.nodeId(), b.nodeId());
    assertThat(a.nodes()).allSatisfy(n -> assertThat(n.alive()).isTrue());
    List<JobRecord> done = a.list(JobQuery.builder().queue("dist").status(JobStatus.DONE).build()).items();
    assertThat(done).hasSize(20).allSatisfy(j -> {
      assertThat(j.leasedBy()).isIn(Set.of(a.nodeId(), b.nodeId()));
      assertThat(j.startedAt()).isNotNull();
    });

    (leader == a ? wa : wb).stop();

    await("the other node leads", follower::isLeader);
    assertThat(follower.leaderTerm().orElseThrow()).isGreaterThan(term);
    assertThat(follower.nodes()).extracting(NodeRecord::id).containsExactly(follower.nodeId());
  }
}
