package io.taskharbor.examples.idempotenttasks;

import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStateException;
import io.taskharbor.api.QueueStats;
import io.taskharbor.driver.postgres.PostgresDriver;
import io.taskharbor.engine.Backoff;
import io.taskharbor.engine.JobContext;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import io.taskharbor.engine.event.WorkerListener;
import io.taskharbor.examples.support.ExampleEnv;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The worker: processes {@code process_order} tasks of the queue {@code orders} until it is stopped (Ctrl-C or
 * SIGTERM: it stops taking tasks, lets the running ones finish, and exits). A failed attempt is retried after a
 * backoff of about a second, then two; after the third the task is in the dead-letter queue.
 *
 * <p>Usage: {@code TaskWorker <name> [--exit-when-idle]}. The name prefixes every line and is stored in each result
 * as {@code processedBy}. With {@code --exit-when-idle} it exits by itself once the queue holds nothing ready,
 * scheduled (a retry waiting for its backoff) or running, by this worker or any other. Start several at once, with
 * different names: each task is run by one of them at a time, and completed by exactly one.
 */
public final class TaskWorker {
  private static final Duration IDLE_CHECK = Duration.ofMillis(500);

  private TaskWorker() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2 || args[0].startsWith("-")
        || args.length == 2 && !args[1].equals("--exit-when-idle")) {
      System.err.println("usage: TaskWorker <name> [--exit-when-idle]   (for example: TaskWorker worker-1)");
      System.exit(2);
    }
    run(ExampleEnv.dsn(), args[0], args.length == 2);
  }

  /** Runs the worker named {@code name} against the database of {@code dsn} until it is stopped (or idle). */
  static void run(String dsn, String name, boolean exitWhenIdle) throws Exception {
    String prefix = "[" + name + "] ";
    CountDownLatch stopRequested = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    // Ctrl-C and SIGTERM run shutdown hooks: this one asks the loop below to stop, and holds the JVM until it has.
    Thread hook = new Thread(() -> {
      System.out.println(prefix + "Shutting down...");
      stopRequested.countDown();
      try {
        stopped.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "taskworker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    try (PostgresDriver driver = PostgresDriver.open(dsn);
        TaskHarbor harbor = TaskHarbor.builder().driver(driver).build()) {
      driver.migrate(); // creates or updates the th_jobs table; safe to repeat, and safe for workers starting at once

      Worker worker = harbor.newWorker()
          .queues(Orders.QUEUE)
          .concurrency(4)
          .backoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)))
          .handle(Orders.TYPE, Order.class, job -> processOrder(job, name, prefix))
          .listener(new LeaseWatch(prefix))
          .build();
      System.out.println(prefix + "Task Worker started");
      System.out.println(prefix + "database: " + ExampleEnv.redacted(dsn));
      System.out.println("Processing loop active - waiting for tasks...");
      try {
        worker.start();
        while (!stopRequested.await(IDLE_CHECK.toMillis(), TimeUnit.MILLISECONDS)) {
          if (exitWhenIdle && isIdle(harbor.stats(Orders.QUEUE))) {
            break;
          }
        }
      } finally {
        worker.close(); // graceful: no new tasks, running ones finish (up to 10 s), their outcomes are stored
        System.out.println(prefix + "Task Worker stopped");
      }
    } finally {
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it was what stopped the worker
      }
    }
  }

  /**
   * The handler. Returning completes the task (with the result set here); throwing fails the attempt, and TaskHarbor
   * retries it while attempts remain, else moves it to the dead-letter queue. The lines are printed as the handler
   * hands its outcome over; the worker stores it right after, in a batch.
   */
  private static void processOrder(JobContext<Order> job, String name, String prefix) throws InterruptedException {
    Order order = job.payload();
    System.out.printf("%sProcessing: %s (%s) - attempt %d/%d%n", prefix, job.id(), job.type(), job.attempt(),
        job.maxAttempts());
    try {
      String message = Orders.process(order, job.attempt());
      job.setResult(new OrderResult(order.orderId(), order.amount(), message, name));
      System.out.printf("%s✓ Completed: %s - %s%n", prefix, job.id(), message);
    } catch (Orders.ProcessingFailed e) {
      if (job.attempt() < job.maxAttempts()) {
        System.out.printf("%s↻ Retry queued: %s - %s (attempt %d/%d)%n", prefix, job.id(), e.getMessage(),
            job.attempt(), job.maxAttempts());
      } else {
        System.out.printf("%s✗ Failed permanently: %s - %s (attempt %d/%d, now in the DLQ)%n", prefix, job.id(),
            e.getMessage(), job.attempt(), job.maxAttempts());
      }
      throw e;
    }
  }

  /** Nothing left to do: no task ready, scheduled for a retry, or running anywhere. */
  private static boolean isIdle(QueueStats stats) {
    return stats.ready() + stats.scheduled() + stats.inflight() == 0;
  }

  /**
   * Says when this worker lost a task: its lease ran out before a heartbeat could extend it (a long pause, a network
   * partition), so another worker may run it again, and this worker's outcome was not stored. It never happens in a
   * healthy run.
   */
  private static final class LeaseWatch implements WorkerListener {
    private final String prefix;

    LeaseWatch(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public void leaseLost(JobRecord job) {
      System.out.printf("%s! Lease lost: %s - another worker may process it again%n", prefix, job.id());
    }

    @Override
    public void completionRefused(JobRecord job, JobStateException refusal) {
      System.out.printf("%s! Outcome refused: %s - %s%n", prefix, job.id(), refusal.getMessage());
    }
  }
}
