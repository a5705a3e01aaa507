package io.taskharbor.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.taskharbor.api.JobRequest;
import io.taskharbor.engine.DistributedMode;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Distributed mode, two clients on one coordination-capable driver, each with its own registry as two processes
 * would have: only the leader reads and exports the gauges of the database and {@code workers_total}; every node
 * exports its own {@code leader_status} and {@code taskharbor_leader_term}; when the leadership passes, the old
 * leader removes its gauges and the new one exports them, so {@code sum()} across the two stays right.
 */
class LeaderExportTest {

  record Work(int n) {}

  private static final DistributedMode MODE = DistributedMode.builder().heartbeatInterval(Duration.ofMillis(100))
      .workerTimeout(Duration.ofSeconds(10)).leaderTerm(Duration.ofMillis(300)).cleanupInterval(Duration.ofSeconds(1))
      .build();

  private final TestDriver driver = TestDriver.distributed();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** One process: a client in distributed mode with its metrics, registry and worker. */
  private final class Node {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final TaskHarborMetrics metrics = TaskHarborMetrics.builder(registry).gaugeRefreshInterval(Duration.ofMillis(100))
        .build();
    final TaskHarbor harbor = TaskHarbor.builder().driver(driver).distributed(MODE).listener(metrics).build();
    final Worker worker = harbor.newWorker().queues("work").pollInterval(Duration.ofMillis(50))
        .handle("quick", Work.class, job -> { }).build();

    Node() {
      toClose.add(metrics);
      toClose.add(harbor);
      toClose.add(worker);
      metrics.bindTo(harbor);
    }

    Scrape scrape() {
      return Scrape.of(registry);
    }

    String leaderStatus() {
      return "leader_status{worker_id=\"" + harbor.nodeId() + "\"}";
    }

    String leaderTerm() {
      return "taskharbor_leader_term{worker_id=\"" + harbor.nodeId() + "\"}";
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    driver.close();
  }

  @Test
  @DisplayName("only the leader exports the database's gauges and workers_total; they move with the leadership")
  void onlyTheLeaderExportsTheDatabasesGauges() throws Exception {
    Node a = new Node();
    Node b = new Node();
    for (int i = 0; i < 3; i++) {
      a.harbor.enqueue(JobRequest.builder("quick", new Work(i)).queue("idle").build()); // a queue no worker serves
    }
    a.worker.start();
    b.worker.start();
    Scrape.await("one leader", a::scrape, s -> a.harbor.isLeader() != b.harbor.isLeader());
    Node leader = a.harbor.isLeader() ? a : b;
    Node follower = leader == a ? b : a;

    Scrape l = Scrape.await("the leader's gauges", leader::scrape, s -> s.has("tasks_pending")
        && s.has("workers_total") && s.value("workers_total") == 2);
    Scrape f = follower.scrape();
    assertThat(l.value("tasks_pending{type=\"quick\"}")).isEqualTo(3);
    assertThat(l.value("taskharbor_queue_depth{queue=\"idle\",state=\"ready\"}")).isEqualTo(3);
    assertThat(l.value(leader.leaderStatus())).isEqualTo(1);
    assertThat(l.value(leader.leaderTerm())).isEqualTo(leader.harbor.leaderTerm().orElseThrow());
    assertThat(l.type).containsEntry("workers_total", "gauge");
    assertThat(l.help).containsEntry("workers_total", "Number of registered workers (distributed mode)")
        .containsEntry("leader_status", "1 if this worker is leader, 0 otherwise");
    assertThat(f.value(follower.leaderStatus())).isZero();
    assertThat(f.value(follower.leaderTerm())).isZero();
    assertThat(f.of("tasks_pending", "tasks_running", "taskharbor_queue_depth",
        "taskharbor_queue_oldest_due_age_seconds", "workers_total")).as(f.text).isEmpty();
    assertThat(driver.callsOn("taskharbor-metrics-" + follower.harbor.nodeId()))
        .as("a follower's timer reads nothing").isEmpty();
    assertThat(driver.callsOn("taskharbor-metrics-" + leader.harbor.nodeId())).extracting(TestDriver.Call::method)
        .containsOnly("liveJobs", "nodes");
    // What the seed's alerts sum across instances.
    assertThat(l.value(leader.leaderStatus()) + f.value(follower.leaderStatus())).isEqualTo(1);

    leader.worker.stop(); // its node resigns and leaves the registry
    Scrape took = Scrape.await("the other node to lead and export", follower::scrape, s -> s.has("tasks_pending")
        && s.value(follower.leaderStatus()) == 1 && s.has("workers_total") && s.value("workers_total") == 1);
    Scrape old = leader.scrape();
    assertThat(took.value("tasks_pending{type=\"quick\"}")).isEqualTo(3);
    assertThat(took.value(follower.leaderTerm())).isGreaterThan(l.value(leader.leaderTerm()));
    assertThat(old.value(leader.leaderStatus())).isZero();
    assertThat(old.of("tasks_pending", "tasks_running", "taskharbor_queue_depth",
        "taskharbor_queue_oldest_due_age_seconds", "workers_total")).as("the old leader's gauges are gone")
        .isEmpty();
  }
}
