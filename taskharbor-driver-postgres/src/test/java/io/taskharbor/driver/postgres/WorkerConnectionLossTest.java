package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobRequest;
import io.taskharbor.api.QueueStats;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real worker whose database connections are cut mid-run (through a TCP proxy, never by restarting the shared
 * server): it logs the errors, backs off, resumes by itself when the connection comes back, and loses no job.
 */
@Tag("postgres")
class WorkerConnectionLossTest {
  private static final String QUEUE = "connection-loss";
  private static final int JOBS = 400;

  record Work(int n) {}

  private String schema;
  private CuttableProxy proxy;

  @BeforeEach
  void setUp() throws Exception {
    schema = TestDatabase.createMigratedSchema();
    URI server = URI.create(TestDatabase.dsn());
    proxy = new CuttableProxy(server.getHost(), server.getPort() < 0 ? 5432 : server.getPort());
  }

  @AfterEach
  void tearDown() {
    if (proxy != null) {
      proxy.close();
    }
    if (schema != null) {
      TestDatabase.drop(schema);
    }
  }

  private String proxiedDsn() {
    URI server = URI.create(TestDatabase.dsn(schema));
    String dsn = server.getScheme() + "://" + (server.getRawUserInfo() == null ? "" : server.getRawUserInfo() + "@")
        + "127.0.0.1:" + proxy.port() + server.getRawPath() + (server.getRawQuery() == null ? "" : "?"
        + server.getRawQuery());
    return TestDatabase.withOption(TestDatabase.withOption(dsn, "connectTimeout", "1s"), "poolSize", "4");
  }

  @Test
  @DisplayName("a worker whose connections are cut mid-run backs off, resumes by itself, and every job ends DONE")
  void workerSurvivesACutConnection() throws Exception {
    Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
    try (TaskHarbor direct = TaskHarbor.connect(TestDatabase.dsn(schema));
        TaskHarbor proxied = TaskHarbor.connect(proxiedDsn())) {
      List<JobRequest> requests = new ArrayList<>();
      for (int n = 0; n < JOBS; n++) {
        requests.add(JobRequest.builder("work", new Work(n)).queue(QUEUE).build());
      }
      direct.enqueueAll(requests);

      try (Worker worker = proxied.newWorker()
          .queues(QUEUE)
          .concurrency(4)
          .pollInterval(Duration.ofMillis(20))
          .leaseDuration(Duration.ofSeconds(5))
          .handle("work", Work.class, job -> {
            runs.computeIfAbsent(job.payload().n(), k -> new AtomicInteger()).incrementAndGet();
            Thread.sleep(5);
          })
          .build()) {
        worker.start();
        awaitDone(direct, JOBS / 4);

        proxy.cut();
        Thread.sleep(2_000);
        long doneWhileCut = direct.stats(QUEUE).done();
        Thread.sleep(500);
        assertThat(direct.stats(QUEUE).done()).as("no progress while the connection is cut")
            .isEqualTo(doneWhileCut);
        proxy.restore();

        awaitDone(direct, JOBS);
        assertThat(worker.metrics().reserveErrors() + worker.metrics().completionErrors())
            .as("the worker saw the failures").isPositive();
      }
      QueueStats stats = direct.stats(QUEUE);
      assertThat(stats.done()).isEqualTo(JOBS);
      assertThat(stats.dlq() + stats.ready() + stats.scheduled() + stats.inflight()).isZero();
      assertThat(runs).hasSize(JOBS);
    }
  }

  private static void awaitDone(TaskHarbor harbor, long count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (harbor.stats(QUEUE).done() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + harbor.stats(QUEUE).done() + " of " + count + " jobs done after 90 s");
      }
      Thread.sleep(20);
    }
  }
}
