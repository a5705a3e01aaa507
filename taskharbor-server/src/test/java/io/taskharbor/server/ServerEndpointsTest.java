package io.taskharbor.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobRequest;
import io.taskharbor.engine.PermanentFailure;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The endpoints of a running service, in this JVM, by real HTTP requests, against PostgreSQL. */
@Tag("postgres")
class ServerEndpointsTest {

  record Sleep(long millis) {}

  private String schema;
  private final List<TaskHarborServer> servers = new ArrayList<>();

  @BeforeEach
  void createSchema() {
    schema = TestDatabase.createSchema();
  }

  @AfterEach
  void stopAndDrop() {
    servers.forEach(TaskHarborServer::shutdown);
    TestDatabase.drop(schema);
  }

  private Map<String, String> env(String dsn, String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("DATABASE_URL", dsn, "METRICS_PORT",
        Integer.toString(Http.freePort()), "WORKER_POOL_SIZE", "2", "CLAIM_INTERVAL", "100ms",
        "METRICS_REFRESH_INTERVAL", "200ms"));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private TaskHarborServer start(TaskHarborServer server) {
    servers.add(server);
    return server.start();
  }

  private static TaskHarborServer withHandlers(TaskHarborServer server, CountDownLatch slowStarted) {
    return server
        .handle("test:ok", Sleep.class, job -> Thread.sleep(job.payload().millis()))
        .handle("test:fail", Sleep.class, job -> {
          if (job.attempt() < 2) {
            throw new IllegalStateException("fails on its first attempt");
          }
          throw new PermanentFailure("fails for good on its second attempt");
        })
        .handle("test:slow", Sleep.class, job -> {
          slowStarted.countDown();
          Thread.sleep(job.payload().millis());
        });
  }

  private static void await(String what, Duration within, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(within);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within " + within + ": " + what);
      }
      Thread.sleep(50);
    }
  }

  private static Predicate<String> line(String start) {
    return text -> text.lines().anyMatch(l -> l.startsWith(start));
  }

  @Test
  void metricsHealthAndReadyAfterJobsRan() throws Exception {
    TaskHarborServer server = withHandlers(TaskHarborServer.fromEnv(env(TestDatabase.dsn(schema),
        "ENQUEUE_EXAMPLES", "true")), new CountDownLatch(1))
        .examples(harbor -> {
          for (int i = 0; i < 3; i++) {
            harbor.enqueue(JobRequest.builder("test:ok", new Sleep(10)).build());
          }
          harbor.enqueue(JobRequest.builder("test:fail", new Sleep(0)).maxAttempts(3).build());
          // Due in an hour: the read's gauges show it as scheduled, not pending.
          harbor.enqueue(JobRequest.builder("test:ok", new Sleep(0)).runAt(Instant.now().plusSeconds(3600)).build());
        });
    start(server);
    int port = server.port();

    await("three successes and one dead letter in /metrics", Duration.ofSeconds(20), () -> {
      String text = Http.get(port, "/metrics").body();
      return line("tasks_completed_total{status=\"success\",type=\"test:ok\"} 3.0").test(text)
          && line("tasks_dead_letter_total{type=\"test:fail\"} 1.0").test(text);
    });
    HttpResponse<String> metrics = Http.get(port, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).hasValue(Endpoints.PROMETHEUS_TEXT);
    String text = metrics.body();
    assertThat(text).contains(
        "tasks_enqueued_total{type=\"test:ok\"} 4.0",
        "tasks_enqueued_total{type=\"test:fail\"} 1.0",
        "tasks_completed_total{status=\"failed\",type=\"test:fail\"} 1.0",
        "task_retries_total{attempt=\"1\",type=\"test:fail\"} 1.0",
        "worker_pool_capacity 2.0",
        "worker_pool_active 0.0",
        "task_duration_seconds_bucket{type=\"test:ok\",le=\"0.1\"} 3",
        "task_duration_seconds_bucket{type=\"test:ok\",le=\"600.0\"} 3",
        "task_duration_seconds_count{type=\"test:ok\"} 3",
        "# TYPE task_claim_duration_seconds histogram",
        "jvm_memory_used_bytes");
    await("the gauges of the read", Duration.ofSeconds(10), () -> {
      String t = Http.get(port, "/metrics").body();
      return line("tasks_pending{type=\"test:ok\"} 0.0").test(t) && line("tasks_running{type=\"test:ok\"} 0.0").test(t)
          && line("taskharbor_queue_depth{queue=\"default\",state=\"scheduled\"} 1.0").test(t)
          && line("taskharbor_queue_oldest_due_age_seconds{queue=\"default\"} 0.0").test(t);
    });
    assertThat(text).doesNotContain("leader_status").as("not distributed");

    HttpResponse<String> health = Http.get(port, "/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(health.body()).matches("\\{\"status\":\"healthy\",\"worker_id\":\"[^\"]+-\\d+-[^\"]+\","
        + "\"version\":\"[^\"]+\",\"distributed\":false}");

    assertThat(Http.get(port, "/ready").statusCode()).isEqualTo(200);
    assertThat(Http.get(port, "/ready").body()).isEqualTo("{\"status\":\"ready\"}");
    assertThat(Http.send(port, "/metrics", "POST").statusCode()).isEqualTo(405);
    assertThat(Http.get(port, "/nothing").statusCode()).isEqualTo(404);
    assertThat(Http.get(port, "/healthz").statusCode()).isEqualTo(404);
  }

  @Test
  void readyTurns503WhileStoppingAndTheRunningJobFinishes() throws Exception {
    CountDownLatch slowStarted = new CountDownLatch(1);
    TaskHarborServer server = withHandlers(TaskHarborServer.fromEnv(env(TestDatabase.dsn(schema),
        "ENQUEUE_EXAMPLES", "true", "SHUTDOWN_TIMEOUT", "10s")), slowStarted)
        .examples(harbor -> harbor.enqueue(JobRequest.builder("test:slow", new Sleep(1500)).build()));
    start(server);
    int port = server.port();
    assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(Http.get(port, "/ready").statusCode()).isEqualTo(200);

    CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::shutdown);
    await("/ready is 503 while the slow job finishes", Duration.ofSeconds(5),
        () -> Http.get(port, "/ready").statusCode() == 503);
    assertThat(Http.get(port, "/ready").body()).isEqualTo("{\"status\":\"stopping\"}");
    assertThat(stopping.isDone()).as("the running job is given time").isFalse();
    stopping.get(15, TimeUnit.SECONDS);
    await("the port is freed", Duration.ofSeconds(5), () -> {
      try {
        new java.net.Socket("127.0.0.1", port).close();
        return false;
      } catch (java.io.IOException e) {
        return true;
      }
    });
    try (var c = io.taskharbor.engine.TaskHarbor.connect(TestDatabase.dsn(schema))) {
      assertThat(c.list(io.taskharbor.api.JobQuery.builder().build()).items())
          .singleElement().satisfies(job -> assertThat(job.status()).isEqualTo(io.taskharbor.api.JobStatus.DONE));
    }
  }

  @Test
  void healthIs503WithAReasonWhenTheDatabaseCannotBeReached() throws Exception {
    URI target = URI.create(TestDatabase.dsn().replaceFirst("^postgres(ql)?://", "http://"));
    try (TcpProxy proxy = new TcpProxy(target.getHost(), target.getPort() < 0 ? 5432 : target.getPort())) {
      String viaProxy = TestDatabase.dsn(schema).replaceFirst("@[^/]+/", "@127.0.0.1:" + proxy.port() + "/");
      TaskHarborServer server = start(withHandlers(TaskHarborServer.fromEnv(env(
          TestDatabase.withOption(viaProxy, "connectTimeout", "1s"), "SHUTDOWN_TIMEOUT", "2s")),
          new CountDownLatch(1)));
      int port = server.port();
      assertThat(Http.get(port, "/health").statusCode()).isEqualTo(200);

      proxy.close();
      HttpResponse<String> health = Http.get(port, "/health");
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).startsWith("{\"status\":\"unhealthy\",\"worker_id\":")
          .contains("\"distributed\":false,\"reason\":\"database unreachable");
      assertThat(Http.get(port, "/ready").statusCode()).as("readiness is about the process, not the database")
          .isEqualTo(200);
    }
  }

  @Test
  void migrateCreatesAMissingSchemaAndWithoutItTheStartFailsNamingIt() throws Exception {
    String missing = schema + "_new";
    try {
      String dsn = TestDatabase.dsn(missing);
      IllegalArgumentException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
          IllegalArgumentException.class, () -> start(withHandlers(TaskHarborServer.fromEnv(env(dsn, "MIGRATE",
              "false")), new CountDownLatch(1))));
      assertThat(refused).hasMessageContaining("schema '" + missing + "' does not exist");

      TaskHarborServer server = start(withHandlers(TaskHarborServer.fromEnv(env(dsn)), new CountDownLatch(1)));
      assertThat(Http.get(server.port(), "/ready").statusCode()).isEqualTo(200);
      assertThat(Http.get(server.port(), "/health").statusCode()).isEqualTo(200);
    } finally {
      servers.forEach(TaskHarborServer::shutdown);
      TestDatabase.drop(missing);
    }
  }
}
