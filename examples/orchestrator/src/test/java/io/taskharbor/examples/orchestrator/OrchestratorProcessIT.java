package io.taskharbor.examples.orchestrator;

import static io.taskharbor.examples.orchestrator.OrchestratorProcess.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStatus;
import io.taskharbor.driver.postgres.PostgresDriver;
import io.taskharbor.engine.TaskHarbor;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator's executable jar as real processes on PostgreSQL ({@code TASKHARBOR_TEST_DSN}, each test in a
 * schema of its own): readiness, health, metrics after jobs ran, SIGTERM, a bad variable, and two instances in
 * distributed mode of which exactly one leads. Each prints one {@code orchestrator:} line with what it measured.
 */
@Tag("postgres")
class OrchestratorProcessIT {

  /** Not a password the database checks (the test server trusts local connections): one that must never show. */
  private static final String PASSWORD = "n0t-shown-anywhere";

  private String base;
  private String schema;
  private String dsn;

  @BeforeEach
  void createSchema() throws SQLException {
    String env = System.getenv("TASKHARBOR_TEST_DSN");
    if (env == null || env.isBlank()) {
      String message = "set TASKHARBOR_TEST_DSN, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable";
      if (System.getenv("CI") != null) {
        Assertions.fail(message);
      }
      Assumptions.abort(message);
    }
    base = env.trim();
    schema = "th_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    sql("CREATE SCHEMA " + schema);
    dsn = base + (base.contains("?") ? "&" : "?") + "schema=" + schema + "&poolSize=4&minIdle=1";
  }

  @AfterEach
  void dropSchema() throws SQLException {
    if (schema != null) {
      sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = PostgresDriver.connect(base); Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("DATABASE_URL", dsn.replaceFirst("://([^@/]+)@",
        "://$1:" + PASSWORD + "@"), "CLAIM_INTERVAL", "100ms", "WORKER_POOL_SIZE", "4",
        "METRICS_REFRESH_INTERVAL", "500ms"));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private TaskHarbor client() {
    return TaskHarbor.connect(dsn.replace("poolSize=4&minIdle=1", "poolSize=1&minIdle=0"));
  }

  private static Map<String, JobStatus> statusByType(TaskHarbor harbor) {
    return harbor.list(JobQuery.builder().limit(100).build()).items().stream()
        .collect(Collectors.toMap(j -> j.type() + "#" + j.id(), JobRecord::status));
  }

  @Test
  void servesHealthReadyAndMetricsThenStopsOnSigtermWithStatusZero() throws Exception {
    try (OrchestratorProcess p = OrchestratorProcess.start("single", freePort(), env("ENQUEUE_EXAMPLES", "true",
        "SHUTDOWN_TIMEOUT", "2s", "TASKHARBOR_DNS", "a typo"))) {
      Duration ready = p.awaitReady(Duration.ofSeconds(60));

      HttpResponse<String> health = p.get("/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).startsWith("{\"status\":\"healthy\",\"worker_id\":\"")
          .endsWith("\"distributed\":false}");

      p.await("the five example:task jobs and the dead-lettered example:fail in /metrics", Duration.ofSeconds(60),
          () -> {
            try {
              String m = p.metrics();
              return value(m, "tasks_completed_total{status=\"success\",type=\"example:task\"}") == 5.0
                  && value(m, "tasks_dead_letter_total{type=\"example:fail\"}") == 1.0;
            } catch (IOException | InterruptedException e) {
              return false;
            }
          });
      String metrics = p.metrics();
      for (String name : List.of("tasks_enqueued_total", "tasks_completed_total", "task_retries_total",
          "tasks_dead_letter_total", "tasks_pending", "tasks_running", "worker_pool_active", "worker_pool_capacity",
          "task_duration_seconds_bucket", "task_claim_duration_seconds_bucket", "taskharbor_queue_depth",
          "taskharbor_queue_oldest_due_age_seconds")) {
        assertThat(metrics).as(name).contains("\n" + name);
      }
      assertThat(value(metrics, "tasks_enqueued_total{type=\"example:task\"}")).isEqualTo(5.0);
      assertThat(value(metrics, "task_retries_total{attempt=\"1\",type=\"example:fail\"}")).isEqualTo(1.0);
      assertThat(value(metrics, "worker_pool_capacity")).isEqualTo(4.0);
      assertThat(value(metrics, "worker_pool_active")).as("example:slow runs for 20 s").isEqualTo(1.0);
      int scrapeBytes = metrics.getBytes(StandardCharsets.UTF_8).length;
      String rss = Files.status(p.process.pid(), "VmRSS");

      Instant term = Instant.now();
      p.process.destroy(); // SIGTERM
      assertThat(p.process.waitFor(2 + 10, TimeUnit.SECONDS)).as("exits by itself").isTrue();
      Duration stop = Duration.between(term, Instant.now());
      assertThat(p.process.exitValue()).isZero();
      assertThat(stop).as("within SHUTDOWN_TIMEOUT (2 s) and the closing").isLessThan(Duration.ofSeconds(6));

      try (TaskHarbor harbor = client()) {
        Map<String, JobStatus> jobs = statusByType(harbor);
        assertThat(jobs.entrySet().stream().filter(e -> e.getKey().startsWith("example:slow#")).map(Map.Entry::getValue))
            .as("the running slow job was released at SIGTERM").containsExactly(JobStatus.READY);
        assertThat(jobs.entrySet().stream().filter(e -> e.getKey().startsWith("example:task#")).map(Map.Entry::getValue))
            .hasSize(5).containsOnly(JobStatus.DONE);
      }

      List<String> out = p.stdoutLines();
      assertThat(out).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
      assertThat(out).anySatisfy(line -> assertThat(line).contains("\"level\":\"WARN\"",
          "unknown variable TASKHARBOR_DNS ignored"));
      assertThat(String.join("\n", out)).contains("\"level\":\"INFO\"", "ready: worker", "SIGTERM received",
          "\"job.type\":\"example:fail\"").doesNotContain(PASSWORD);
      assertThat(p.stderrLines()).isEmpty();
      assertThat(health.body() + metrics).doesNotContain(PASSWORD);
      System.out.printf("orchestrator: start to ready %d ms, idle-ish RSS %s, one /metrics scrape %d bytes, "
          + "SIGTERM to exit %d ms%n", ready.toMillis(), rss, scrapeBytes, stop.toMillis());
    }
  }

  @Test
  void aBadVariableEndsItAtStartWithOneLine() throws Exception {
    try (OrchestratorProcess p = OrchestratorProcess.start("bad", freePort(), env("WORKER_POOL_SIZE", "lots"))) {
      assertThat(p.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.process.exitValue()).isEqualTo(2);
      assertThat(p.stderrLines()).containsExactly("taskharbor-server: WORKER_POOL_SIZE='lots' is not an integer: "
          + "expected an integer from 1 to 1000");
      assertThat(p.stdoutLines()).isEmpty();
    }
    try (OrchestratorProcess p = OrchestratorProcess.start("nodsn", freePort(), Map.of())) {
      assertThat(p.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.process.exitValue()).isEqualTo(2);
      assertThat(p.stderrLines()).singleElement().asString().startsWith("taskharbor-server: DATABASE_URL is not set");
    }
  }

  @Test
  void twoInstancesInDistributedModeShareTheWorkAndExactlyOneLeads() throws Exception {
    String[] distributed = {"DISTRIBUTED_MODE", "true", "HEARTBEAT_INTERVAL", "250ms", "WORKER_TIMEOUT", "1500ms",
        "LEADER_TERM", "1200ms", "CLEANUP_INTERVAL", "500ms", "SHUTDOWN_TIMEOUT", "5s"};
    try (OrchestratorProcess a = OrchestratorProcess.start("node-a", freePort(), env(distributed));
        OrchestratorProcess b = OrchestratorProcess.start("node-b", freePort(), env(distributed))) {
      a.awaitReady(Duration.ofSeconds(60));
      b.awaitReady(Duration.ofSeconds(60));
      int jobs = 40;
      try (TaskHarbor harbor = client()) {
        for (int i = 0; i < jobs; i++) {
          harbor.enqueue(JobRequest.builder("example:task", new Orchestrator.Example("shared " + i, 100)).build());
        }
        a.await("every job done", Duration.ofSeconds(60), () -> harbor.list(JobQuery.builder().limit(100)
            .status(JobStatus.DONE).build()).items().size() == jobs);
        Set<String> nodes = harbor.list(JobQuery.builder().limit(100).build()).items().stream()
            .map(JobRecord::leasedBy).collect(Collectors.toSet());
        assertThat(nodes).as("both instances ran jobs").hasSize(2);
      }
      a.await("exactly one instance reports leader_status 1", Duration.ofSeconds(20), () -> {
        try {
          return leaderStatus(a) + leaderStatus(b) == 1.0;
        } catch (IOException | InterruptedException e) {
          return false;
        }
      });
      assertThat(Set.of(leaderStatus(a), leaderStatus(b))).containsExactlyInAnyOrder(0.0, 1.0);
      String leader = leaderStatus(a) == 1.0 ? a.metrics() : b.metrics();
      assertThat(value(leader, "workers_total")).isEqualTo(2.0);
      assertThat(a.get("/health").body()).contains("\"distributed\":true");
      a.process.destroy();
      b.process.destroy();
      assertThat(a.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(b.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(a.process.exitValue()).isZero();
      assertThat(b.process.exitValue()).isZero();
    }
  }

  private static double leaderStatus(OrchestratorProcess p) throws IOException, InterruptedException {
    return p.metrics().lines().filter(l -> l.startsWith("leader_status{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** /proc/&lt;pid&gt;/status fields (Linux). */
  private static final class Files {
    static String status(long pid, String field) throws IOException {
      return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", Long.toString(pid), "status")).stream()
          .filter(l -> l.startsWith(field + ":")).map(l -> l.substring(field.length() + 1).trim()).findFirst()
          .orElse("?");
    }
  }
}
