package io.taskharbor.examples.basicpostgres;

import io.taskharbor.examples.support.ExampleEnv;
import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.QueueStats;
import io.taskharbor.driver.postgres.PostgresDriver;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The basic example on PostgreSQL: migrate the schema, enqueue an immediate job, a few scheduled ones and one with an
 * idempotency key (twice), run a worker until they are done, print the queue's stats.
 *
 * <p>The database comes from {@code TASKHARBOR_DSN} (or a {@code .env} file at the repository root), else {@code
 * postgres://postgres@127.0.0.1:5432/postgres}. Jobs go to the queue {@code basic-example}; running the example again
 * adds new jobs beside the old ones, and the idempotent one is not created twice.
 */
public final class BasicPostgresExample {

  /** A greeting to print. */
  record Greeting(String name) {}

  private static final String QUEUE = "basic-example";

  private BasicPostgresExample() {}

  public static void main(String[] args) throws Exception {
    run(ExampleEnv.dsn());
  }

  /** Runs the example against the database of {@code dsn}; returns the queue's stats at the end. */
  static QueueStats run(String dsn) throws Exception {
    System.out.println("database: " + ExampleEnv.redacted(dsn));

    try (PostgresDriver driver = PostgresDriver.open(dsn);
        TaskHarbor harbor = TaskHarbor.builder().driver(driver).build()) {
      driver.migrate();
      System.out.println("schema migrated");

      Instant now = Instant.now();
      CountDownLatch ran = new CountDownLatch(4);
      harbor.enqueue(JobRequest.builder("greet", new Greeting("immediate")).queue(QUEUE).build());
      for (int i = 1; i <= 2; i++) {
        harbor.enqueue(JobRequest.builder("greet", new Greeting("scheduled +" + i * 500 + " ms"))
            .queue(QUEUE).runAt(now.plusMillis(i * 500L)).build());
      }
      EnqueueResult first = harbor.enqueue(JobRequest.builder("greet", new Greeting("idempotent"))
          .queue(QUEUE).idempotencyKey("basic-example-greeting").build());
      EnqueueResult again = harbor.enqueue(JobRequest.builder("greet", new Greeting("idempotent, resent"))
          .queue(QUEUE).idempotencyKey("basic-example-greeting").build());
      System.out.printf("idempotent job %s: first enqueue created=%s, second created=%s (same id: %s)%n",
          first.id(), first.created(), again.created(), again.id().equals(first.id()));
      long expected = first.created() ? 4 : 3;

      try (Worker worker = harbor.newWorker()
          .queues(QUEUE)
          .concurrency(4)
          .handle("greet", Greeting.class, job -> {
            System.out.printf("  hello, %s (job %s, attempt %d)%n", job.payload().name(), job.id(), job.attempt());
            ran.countDown();
          })
          .build()) {
        worker.start();
        for (long left = 4 - expected; left > 0; left--) {
          ran.countDown();
        }
        if (!ran.await(30, TimeUnit.SECONDS)) {
          System.out.println("jobs did not all run within 30 s; is another worker consuming queue " + QUEUE + "?");
        }
      } // close() waits for the last outcomes to reach the database

      QueueStats stats = harbor.stats(QUEUE);
      System.out.printf("queue %s: ready %d, scheduled %d, inflight %d, done %d, dlq %d%n", QUEUE, stats.ready(),
          stats.scheduled(), stats.inflight(), stats.done(), stats.dlq());
      return stats;
    }
  }
}
