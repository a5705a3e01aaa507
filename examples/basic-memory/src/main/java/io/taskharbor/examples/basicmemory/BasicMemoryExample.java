package io.taskharbor.examples.basicmemory;

import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.QueueStats;
import io.taskharbor.engine.Backoff;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The basic example on the in-memory driver: an immediate job, three scheduled jobs, a job that fails twice and then
 * succeeds, and one that always fails and ends in the dead-letter queue. A worker runs them; the program prints what
 * each handler does and a summary from {@code stats}, and exits by itself.
 */
public final class BasicMemoryExample {

  /** A greeting to print. */
  record Greeting(String name) {}

  /** A charge that may fail. */
  record Charge(String customer, int cents) {}

  private BasicMemoryExample() {}

  public static void main(String[] args) throws Exception {
    summary(run());
  }

  /** Runs the example and returns the final stats of the default queue. */
  static QueueStats run() throws InterruptedException {
    try (TaskHarbor harbor = TaskHarbor.connect("memory:")) {
      Instant now = Instant.now();
      harbor.enqueue(JobRequest.builder("greet", new Greeting("immediate job")).build());
      for (int i = 1; i <= 3; i++) {
        harbor.enqueue(JobRequest.builder("greet", new Greeting("scheduled job " + i))
            .runAt(now.plusMillis(300L * i)).build());
      }
      harbor.enqueue(JobRequest.builder("charge", new Charge("flaky-bank", 1999)).build());
      harbor.enqueue(JobRequest.builder("charge", new Charge("closed-account", 500)).maxAttempts(3).build());

      AtomicInteger flakyCalls = new AtomicInteger();
      try (Worker worker = harbor.newWorker()
          .concurrency(4)
          .pollInterval(Duration.ofMillis(50))
          .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(400)))
          .handle("greet", Greeting.class, job ->
              System.out.printf("greet:  hello from the %s (attempt %d)%n", job.payload().name(), job.attempt()))
          .handle("charge", Charge.class, job -> {
            Charge charge = job.payload();
            if (charge.customer().equals("closed-account")) {
              System.out.printf("charge: %s, attempt %d of %d: account closed, failing%n", charge.customer(),
                  job.attempt(), job.maxAttempts());
              throw new IllegalStateException("account of " + charge.customer() + " is closed");
            }
            if (flakyCalls.incrementAndGet() <= 2) {
              System.out.printf("charge: %s, attempt %d: bank timed out, will retry%n", charge.customer(),
                  job.attempt());
              throw new IllegalStateException("bank timed out");
            }
            System.out.printf("charge: %s, attempt %d: charged %d cents%n", charge.customer(), job.attempt(),
                charge.cents());
            job.setResult(java.util.Map.of("charged", charge.cents()));
          })
          .build()) {
        worker.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        QueueStats stats = harbor.stats("default");
        while (stats.done() + stats.dlq() < 6 && System.nanoTime() < deadline) {
          Thread.sleep(50);
          stats = harbor.stats("default");
        }
      }
      harbor.list(io.taskharbor.api.JobQuery.builder().status(JobStatus.DLQ).build()).items().forEach(job ->
          System.out.printf("dlq:    job %s (%s) after %d attempts: %s%n", job.id(), job.type(), job.attempts(),
              job.dlqReason()));
      return harbor.stats("default");
    }
  }

  private static void summary(QueueStats stats) {
    System.out.printf("summary of queue '%s': done %d, dlq %d, ready %d, scheduled %d, inflight %d%n",
        stats.queue(), stats.done(), stats.dlq(), stats.ready(), stats.scheduled(), stats.inflight());
  }
}
