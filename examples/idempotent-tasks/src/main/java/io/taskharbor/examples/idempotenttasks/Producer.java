package io.taskharbor.examples.idempotenttasks;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.Page;
import io.taskharbor.driver.postgres.PostgresDriver;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.examples.support.ExampleEnv;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The producer: submits orders as {@code process_order} tasks with idempotency keys, shows that resubmitting an order
 * returns the task it already has, looks results up by id and by key, lists tasks by status, and purges completed
 * tasks older than 24 hours. Then it exits.
 *
 * <p>Usage: {@code Producer [--wait]}. With {@code --wait}, demo 4 first waits (up to a minute) until a worker has
 * finished the orders, so that it shows their results. The database comes from {@code TASKHARBOR_DSN} (or a {@code
 * .env} file), read by {@link ExampleEnv}. Running it again submits nothing new: every order's key is already held,
 * until its task is purged.
 */
public final class Producer {
  private static final Duration WAIT_LIMIT = Duration.ofSeconds(60);

  private Producer() {}

  public static void main(String[] args) throws Exception {
    boolean wait = false;
    for (String arg : args) {
      if (arg.equals("--wait")) {
        wait = true;
      } else {
        System.err.println("unknown argument '" + arg + "'; usage: Producer [--wait]");
        System.exit(2);
      }
    }
    System.exit(run(ExampleEnv.dsn(), wait) ? 0 : 1);
  }

  /** Runs the five demos against the database of {@code dsn}; returns whether every check held. */
  static boolean run(String dsn, boolean wait) throws Exception {
    System.out.println("=== Idempotent Task Producer ===");
    System.out.println("database: " + ExampleEnv.redacted(dsn));

    try (PostgresDriver driver = PostgresDriver.open(dsn);
        TaskHarbor harbor = TaskHarbor.builder().driver(driver).build()) {
      driver.migrate(); // creates or updates the th_jobs table; safe to repeat

      // Demo 1: a task with an idempotency key.
      System.out.println();
      System.out.println("--- Demo 1: Basic Task Submission ---");
      Order first = new Order("12345", new BigDecimal("99.99"));
      EnqueueResult submitted = harbor.enqueue(Orders.request(first));
      System.out.printf("✓ %s task: %s (key: %s)%n", submitted.created() ? "Submitted" : "Already submitted",
          submitted.id(), first.idempotencyKey());

      // Demo 2: the same key again stores nothing and returns the task that holds it.
      System.out.println();
      System.out.println("--- Demo 2: Idempotent Deduplication ---");
      System.out.println("Attempting to submit same order again (should dedupe)...");
      EnqueueResult again = harbor.enqueue(Orders.request(first));
      boolean deduplicated = !again.created() && again.id().equals(submitted.id());
      if (deduplicated) {
        System.out.println("✓ Deduplicated! Returned existing task: " + again.id());
      } else {
        System.out.println("✗ Not deduplicated: got " + again.id() + " (created: " + again.created() + ")");
      }

      // Demo 3: distinct keys make distinct tasks. The last order is over the payment gateway's limit: it fails
      // every attempt and ends in the dead-letter queue.
      System.out.println();
      System.out.println("--- Demo 3: Submitting Multiple Unique Tasks ---");
      List<Order> orders = List.of(first,
          new Order("12346", new BigDecimal("49.99")),
          new Order("12347", new BigDecimal("199.99")),
          new Order("12348", new BigDecimal("29.99")),
          new Order("12349", new BigDecimal("1249.99")));
      Map<Order, JobId> ids = new LinkedHashMap<>();
      ids.put(first, submitted.id());
      for (Order order : orders.subList(1, orders.size())) {
        EnqueueResult r = harbor.enqueue(Orders.request(order));
        ids.put(order, r.id());
        System.out.printf("✓ %s: %s (%s, %s)%n", r.created() ? "Submitted" : "Already submitted", r.id(),
            order.idempotencyKey(), order.price());
      }

      // Demo 4: read the tasks back by id, by idempotency key, and by status.
      System.out.println();
      System.out.println("--- Demo 4: Looking Up Results ---");
      boolean finished = true;
      if (wait) {
        System.out.printf("Waiting for a worker to finish the orders (up to %d s)...%n", WAIT_LIMIT.toSeconds());
        finished = awaitFinished(harbor, ids.values());
        if (!finished) {
          System.out.println("✗ Timed out: not every order is finished; is a worker running?");
        }
      }
      JobRecord byId = harbor.get(submitted.id()).orElseThrow();
      System.out.printf("✓ By id: %s - %s%n", byId.id(), describe(harbor, byId));
      Optional<JobRecord> byKey = harbor.findByIdempotencyKey(Orders.QUEUE, first.idempotencyKey());
      boolean sameTask = byKey.map(job -> job.id().equals(submitted.id())).orElse(false);
      System.out.printf("%s By key: %s -> %s (%s)%n", sameTask ? "✓" : "✗", first.idempotencyKey(),
          byKey.map(job -> job.id().toString()).orElse("none"), sameTask ? "same task" : "not the task of demo 1");
      for (Order order : orders.subList(1, orders.size())) {
        JobRecord job = harbor.get(ids.get(order)).orElseThrow();
        System.out.printf("  %s: %s%n", order.idempotencyKey(), describe(harbor, job));
      }
      for (JobStatus status : List.of(JobStatus.DONE, JobStatus.DLQ)) {
        Page<JobRecord> page = harbor.list(JobQuery.builder().queue(Orders.QUEUE).status(status).limit(10).build());
        System.out.printf("✓ Listed %s: %s%s%n", status, page.items().isEmpty() ? "none" : page.items().stream()
            .map(job -> job.idempotencyKey() != null ? job.idempotencyKey() : job.id().toString())
            .collect(Collectors.joining(", ")), page.hasNext() ? ", ..." : "");
      }

      // Demo 5: completed tasks are kept (and hold their keys) until purged; purge those older than 24 hours.
      System.out.println();
      System.out.println("--- Demo 5: Cleanup ---");
      long purged = harbor.purge(Set.of(JobStatus.DONE), Instant.now().minus(Duration.ofHours(24)));
      System.out.printf("✓ Purged %d completed task(s) older than 24h%n", purged);

      return deduplicated && sameTask && finished;
    }
  }

  /** Waits until every task is finished (DONE, DLQ or CANCELED), or the wait limit passes; returns which. */
  private static boolean awaitFinished(TaskHarbor harbor, Iterable<JobId> ids) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
    List<JobId> pending = new ArrayList<>();
    ids.forEach(pending::add);
    while (true) {
      pending.removeIf(id -> harbor.get(id).map(job -> job.status().isTerminal()).orElse(true));
      if (pending.isEmpty()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(200);
    }
  }

  /** One line about a task: its status and attempts, and its result or why it failed. */
  private static String describe(TaskHarbor harbor, JobRecord job) throws Exception {
    String attempts = job.attempts() + (job.attempts() == 1 ? " attempt" : " attempts");
    if (job.status() == JobStatus.DONE && job.result() != null) {
      OrderResult result = harbor.codec().decode(job.result(), OrderResult.class);
      return "DONE after " + attempts + ": " + result.message() + " (processedBy: " + result.processedBy() + ")";
    }
    if (job.status() == JobStatus.DLQ) {
      return "DLQ after " + attempts + ": " + job.dlqReason();
    }
    return job.status() + ", " + attempts + " so far (no result yet)";
  }
}
