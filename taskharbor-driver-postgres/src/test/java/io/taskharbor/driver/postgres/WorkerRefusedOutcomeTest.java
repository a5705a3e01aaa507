package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.QueueStats;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A handler's result that the driver refuses (over {@code maxPayloadBytes}) must not hold up the worker's other
 * outcomes, nor be retried for ever: the job ends in the DLQ with a reason that says its result could not be stored.
 */
@Tag("postgres")
class WorkerRefusedOutcomeTest {
  private static final String QUEUE = "refused-outcome";

  record Work(int n) {}

  private String schema;

  @BeforeEach
  void setUp() {
    schema = TestDatabase.createMigratedSchema();
  }

  @AfterEach
  void tearDown() {
    TestDatabase.drop(schema);
  }

  @Test
  @DisplayName("an ack result over maxPayloadBytes sends the job to the DLQ saying so; the other jobs end DONE")
  void anOversizedResultEndsInTheDlqAndDoesNotStallTheOthers() throws Exception {
    try (PostgresDriver driver = PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).maxPayloadBytes(1024).build();
        TaskHarbor harbor = TaskHarbor.builder().driver(driver).build()) {
      List<JobRequest> requests = new ArrayList<>();
      for (int n = 0; n < 40; n++) {
        requests.add(JobRequest.builder("work", new Work(n)).queue(QUEUE).build());
      }
      List<JobId> ids = harbor.enqueueAll(requests).stream().map(r -> r.id()).toList();
      JobId big = ids.get(11);

      try (Worker worker = harbor.newWorker().queues(QUEUE).concurrency(8).pollInterval(Duration.ofMillis(20))
          .handle("work", Work.class, job -> job.setResult(Map.of("text", job.id().equals(big) ? "x".repeat(5_000)
              : "small")))
          .build()) {
        worker.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        QueueStats stats = harbor.stats(QUEUE);
        while (stats.done() + stats.dlq() < 40 && System.nanoTime() < deadline) {
          Thread.sleep(20);
          stats = harbor.stats(QUEUE);
        }
        assertThat(stats.done()).as("jobs done").isEqualTo(39);
        assertThat(stats.dlq()).as("jobs in the DLQ").isEqualTo(1);
      }
      JobRecord record = harbor.get(big).orElseThrow();
      assertThat(record.status()).isEqualTo(JobStatus.DLQ);
      assertThat(record.dlqReason()).contains("result could not be stored").contains("maxPayloadBytes");
      assertThat(record.result()).isNull();
    }
  }
}
