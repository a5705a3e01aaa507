package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.QueueStats;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real worker whose database connections are cut mid-run (through a TCP proxy, never by restarting the shared
 * server): it logs the errors, backs off, resumes by itself when the connection comes back, and loses no job; and,
 * cut off mid-job, it gives the job up before its lease ends by its own clock, so that a second worker that still
 * reaches the database never runs the job at the same time.
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

  @Test
  @DisplayName("the cut-off worker cancels its handler before the lease ends; the other worker starts it only after")
  void twoExecutionsNeverOverlap() throws Exception {
    AtomicReference<Instant> firstEnded = new AtomicReference<>();
    AtomicReference<Instant> secondStarted = new AtomicReference<>();
    CountDownLatch firstRunning = new CountDownLatch(1);
    try (TaskHarbor direct = TaskHarbor.connect(TestDatabase.dsn(schema));
        TaskHarbor proxied = TaskHarbor.connect(proxiedDsn())) {
      JobId id = direct.enqueue(JobRequest.builder("work", new Work(1)).queue(QUEUE).build()).id();
      try (Worker cutOff = proxied.newWorker().queues(QUEUE).concurrency(1).pollInterval(Duration.ofMillis(20))
          .leaseDuration(Duration.ofSeconds(4)).heartbeatInterval(Duration.ofSeconds(1))
          .leaseSafetyMargin(Duration.ofMillis(1500)).shutdownTimeout(Duration.ofSeconds(1))
          .handle("work", Work.class, job -> {
            firstRunning.countDown();
            try {
              Thread.sleep(60_000); // runs until cancelled
            } finally {
              firstEnded.set(Instant.now());
            }
          }).build()) {
        cutOff.start();
        assertThat(firstRunning.await(20, TimeUnit.SECONDS)).isTrue();
        Instant leaseEnds = direct.get(id).orElseThrow().leaseExpiresAt();

        proxy.cut();
        try (Worker healthy = direct.newWorker().queues(QUEUE).concurrency(1).pollInterval(Duration.ofMillis(20))
            .handle("work", Work.class, job -> secondStarted.compareAndSet(null, Instant.now())).build()) {
          healthy.start();
          awaitJobDone(direct, id);
        }

        assertThat(firstEnded.get()).as("the cut-off worker's handler was cancelled").isNotNull();
        assertThat(firstEnded.get()).as("cancelled before the second execution began")
            .isBefore(secondStarted.get());
        assertThat(secondStarted.get()).as("the second execution began once the first lease had ended")
            .isAfterOrEqualTo(leaseEnds.minusMillis(50));
        assertThat(cutOff.metrics().lostLeases()).as("the give-up is counted as a lost lease").isEqualTo(1);
        assertThat(cutOff.metrics().heartbeatErrors()).isPositive();
      }
      JobRecord done = direct.get(id).orElseThrow();
      assertThat(done.status()).isEqualTo(JobStatus.DONE);
      assertThat(done.attempts()).isEqualTo(2);
    }
  }

  private static void awaitJobDone(TaskHarbor harbor, JobId id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (harbor.get(id).orElseThrow().status() != JobStatus.DONE) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("job " + id + " not done after 60 s: " + harbor.get(id).orElseThrow());
      }
      Thread.sleep(20);
    }
  }
}
