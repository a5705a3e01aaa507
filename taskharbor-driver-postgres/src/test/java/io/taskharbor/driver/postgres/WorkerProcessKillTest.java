package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStatus;
import io.taskharbor.driver.postgres.CrashingWorkerMain.Work;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A worker process killed with SIGKILL mid-run, while it holds running and prefetched jobs: its leases stay in the
 * database until they expire, then another worker runs every one of those jobs (once more, the kill's attempt counted)
 * and every other job exactly once.
 */
@Tag("postgres")
class WorkerProcessKillTest {
  private static final String QUEUE = "process-kill";
  private static final int JOBS = 20;

  private String schema;
  private Process child;

  @BeforeEach
  void setUp() {
    schema = TestDatabase.createMigratedSchema();
  }

  @AfterEach
  void tearDown() {
    if (child != null) {
      child.destroyForcibly();
    }
    if (schema != null) {
      TestDatabase.drop(schema);
    }
  }

  @Test
  @DisplayName("the jobs of a worker killed with SIGKILL (running and prefetched) run again elsewhere once their "
      + "leases expire; every job ends DONE")
  void aKilledWorkersJobsRunAgainElsewhere() throws Exception {
    try (TaskHarbor harbor = TaskHarbor.connect(TestDatabase.dsn(schema))) {
      List<JobRequest> requests = new ArrayList<>();
      for (int n = 0; n < JOBS; n++) {
        requests.add(JobRequest.builder("work", new Work(n)).queue(QUEUE).build());
      }
      List<JobId> ids = harbor.enqueueAll(requests).stream().map(r -> r.id()).toList();

      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          CrashingWorkerMain.class.getName(), TestDatabase.dsn(schema), QUEUE)
          .redirectErrorStream(true)
          .start();
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      Set<Integer> startedInChild = ConcurrentHashMap.newKeySet();
      Thread reader = new Thread(() -> out.lines().forEach(line -> {
        if (line.startsWith("started ")) {
          startedInChild.add(Integer.parseInt(line.substring("started ".length())));
        }
      }));
      reader.setDaemon(true);
      reader.start();
      awaitUntil("the child runs 2 jobs and holds 3 more", Duration.ofSeconds(60),
          () -> startedInChild.size() == 2 && harbor.stats(QUEUE).inflight() == 5);

      child.destroyForcibly(); // SIGKILL: no shutdown hook runs, nothing is released
      assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
      List<JobId> held = ids.stream().filter(id -> status(harbor, id) == JobStatus.INFLIGHT).toList();
      assertThat(held).as("jobs still leased by the dead worker").hasSize(5);

      Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
      try (Worker worker = harbor.newWorker().queues(QUEUE).concurrency(4).pollInterval(Duration.ofMillis(50))
          .handle("work", Work.class, job -> runs.computeIfAbsent(job.payload().n(), k -> new AtomicInteger())
              .incrementAndGet())
          .build()) {
        worker.start();
        awaitUntil("every job is DONE", Duration.ofSeconds(30), () -> harbor.stats(QUEUE).done() == JOBS);
      }

      assertThat(runs).hasSize(JOBS).allSatisfy((n, count) -> assertThat(count).as("runs of job %d", n).hasValue(1));
      for (JobId id : ids) {
        JobRecord r = harbor.get(id).orElseThrow();
        assertThat(r.attempts()).as("attempts of %s", id).isEqualTo(held.contains(id) ? 2 : 1);
      }
    }
  }

  private static JobStatus status(TaskHarbor harbor, JobId id) {
    return harbor.get(id).orElseThrow().status();
  }

  private static void awaitUntil(String what, Duration timeout, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + what);
      }
      Thread.sleep(10);
    }
  }
}
