package io.taskharbor.examples.idempotenttasks;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.QueueStats;
import io.taskharbor.driver.postgres.PostgresDriver;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.examples.support.ExampleEnv;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The producer and the worker as a newcomer runs them: each in a JVM of its own, on a schema of the test's own. The
 * producer's and the workers' output is checked line by line, and what it claims is checked against the database.
 */
@Tag("postgres")
class IdempotentTasksExampleTest {
  private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  private static final Duration RUN_LIMIT = Duration.ofSeconds(60);

  private final String schema = "th_test_idem_" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
  private final List<Program> programs = new ArrayList<>();
  private String exampleDsn;

  private static String dsn() {
    return ExampleEnv.testDsn().orElseGet(() -> {
      if (System.getenv("CI") != null) {
        Assertions.fail(ExampleEnv.NO_TEST_DATABASE);
      }
      Assumptions.abort(ExampleEnv.NO_TEST_DATABASE);
      return null;
    });
  }

  @BeforeEach
  void createSchema() throws Exception {
    String dsn = dsn();
    try (Connection c = ExampleEnv.connect(dsn); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    }
    // Small pools (a worker needs about five connections): the server may be shared with other test runs, and three
    // programs with the default pool of ten, all kept open, would hold thirty connections.
    exampleDsn = ExampleEnv.withOption(ExampleEnv.withOption(ExampleEnv.withOption(dsn, "schema", schema),
        "poolSize", "6"), "minIdle", "1");
  }

  @AfterEach
  void dropSchema() throws Exception {
    for (Program program : programs) {
      program.process.destroyForcibly();
      program.process.waitFor(10, TimeUnit.SECONDS);
    }
    if (exampleDsn != null) {
      try (Connection c = ExampleEnv.connect(dsn()); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  @Test
  void theProducerDedupesAndReadsBackWhatTheWorkerDid() throws Exception {
    // The README's two terminals: the producer waits in demo 4 while the worker processes the orders.
    Program producer = start(Producer.class, "--wait");
    producer.awaitLine(line -> line.startsWith("Waiting for a worker"));
    Program worker = start(TaskWorker.class, "worker-1", "--exit-when-idle");
    List<String> workerLines = worker.finish();
    List<String> producerLines = producer.finish();

    List<String> ids = assertLines(producerLines,
        "=== Idempotent Task Producer ===",
        "database: " + ExampleEnv.redacted(exampleDsn),
        "",
        "--- Demo 1: Basic Task Submission ---",
        "✓ Submitted task: {id} (key: order-12345)",
        "",
        "--- Demo 2: Idempotent Deduplication ---",
        "Attempting to submit same order again (should dedupe)...",
        "✓ Deduplicated! Returned existing task: {id}",
        "",
        "--- Demo 3: Submitting Multiple Unique Tasks ---",
        "✓ Submitted: {id} (order-12346, $49.99)",
        "✓ Submitted: {id} (order-12347, $199.99)",
        "✓ Submitted: {id} (order-12348, $29.99)",
        "✓ Submitted: {id} (order-12349, $1249.99)",
        "",
        "--- Demo 4: Looking Up Results ---",
        "Waiting for a worker to finish the orders (up to 60 s)...",
        "✓ By id: {id} - DONE after 1 attempt: Order 12345 processed, charged $99.99 (processedBy: worker-1)",
        "✓ By key: order-12345 -> {id} (same task)",
        "  order-12346: DONE after 2 attempts: Order 12346 processed, charged $49.99 (processedBy: worker-1)",
        "  order-12347: DONE after 1 attempt: Order 12347 processed, charged $199.99 (processedBy: worker-1)",
        "  order-12348: DONE after 2 attempts: Order 12348 processed, charged $29.99 (processedBy: worker-1)",
        "  order-12349: DLQ after 3 attempts: failed on attempt 3 of 3: {any}processing failed: payment gateway timeout",
        "✓ Listed DONE: order-12345, order-12346, order-12347, order-12348",
        "✓ Listed DLQ: order-12349",
        "",
        "--- Demo 5: Cleanup ---",
        "✓ Purged 0 completed task(s) older than 24h");
    String first = ids.get(0);
    assertThat(ids.get(1)).as("the deduplicated submission returns the first task's id").isEqualTo(first);
    List<String> orderIds = List.of(first, ids.get(2), ids.get(3), ids.get(4), ids.get(5));
    assertThat(new HashSet<>(orderIds)).as("five orders, five tasks").hasSize(5);
    assertThat(ids.subList(6, 8)).as("found by id and by key").containsOnly(first);

    Map<String, List<String>> expectedPerTask = new LinkedHashMap<>();
    expectedPerTask.put(orderIds.get(0), List.of(
        "[worker-1] Processing: %s (process_order) - attempt 1/3",
        "[worker-1] ✓ Completed: %s - Order 12345 processed, charged $99.99"));
    expectedPerTask.put(orderIds.get(1), List.of(
        "[worker-1] Processing: %s (process_order) - attempt 1/3",
        "[worker-1] ↻ Retry queued: %s - processing failed: temporary error (attempt 1/3)",
        "[worker-1] Processing: %s (process_order) - attempt 2/3",
        "[worker-1] ✓ Completed: %s - Order 12346 processed, charged $49.99"));
    expectedPerTask.put(orderIds.get(2), List.of(
        "[worker-1] Processing: %s (process_order) - attempt 1/3",
        "[worker-1] ✓ Completed: %s - Order 12347 processed, charged $199.99"));
    expectedPerTask.put(orderIds.get(3), List.of(
        "[worker-1] Processing: %s (process_order) - attempt 1/3",
        "[worker-1] ↻ Retry queued: %s - processing failed: temporary error (attempt 1/3)",
        "[worker-1] Processing: %s (process_order) - attempt 2/3",
        "[worker-1] ✓ Completed: %s - Order 12348 processed, charged $29.99"));
    expectedPerTask.put(orderIds.get(4), List.of(
        "[worker-1] Processing: %s (process_order) - attempt 1/3",
        "[worker-1] ↻ Retry queued: %s - processing failed: payment gateway timeout (attempt 1/3)",
        "[worker-1] Processing: %s (process_order) - attempt 2/3",
        "[worker-1] ↻ Retry queued: %s - processing failed: payment gateway timeout (attempt 2/3)",
        "[worker-1] Processing: %s (process_order) - attempt 3/3",
        "[worker-1] ✗ Failed permanently: %s - processing failed: payment gateway timeout (attempt 3/3, now in the DLQ)"));
    assertThat(workerLines.subList(0, 3)).as(worker.describe()).containsExactly(
        "[worker-1] Task Worker started",
        "[worker-1] database: " + ExampleEnv.redacted(exampleDsn),
        "Processing loop active - waiting for tasks...");
    assertThat(workerLines.get(workerLines.size() - 1)).isEqualTo("[worker-1] Task Worker stopped");
    int taskLines = 0;
    for (Map.Entry<String, List<String>> task : expectedPerTask.entrySet()) {
      List<String> expected = task.getValue().stream().map(line -> String.format(line, task.getKey())).toList();
      assertThat(workerLines.stream().filter(line -> line.contains(task.getKey())).toList())
          .as("the worker's lines about task %s\n%s", task.getKey(), worker.describe())
          .containsExactlyElementsOf(expected);
      taskLines += expected.size();
    }
    assertThat(workerLines).as("no other lines\n%s", worker.describe()).hasSize(3 + taskLines + 1);

    // What was printed is what is stored.
    try (TaskHarbor harbor = TaskHarbor.connect(exampleDsn)) {
      JobRecord done = harbor.get(JobId.parse(first)).orElseThrow();
      assertThat(done.status()).isEqualTo(JobStatus.DONE);
      assertThat(done.attempts()).isEqualTo(1);
      assertThat(harbor.codec().decode(done.result(), OrderResult.class)).isEqualTo(new OrderResult("12345",
          new BigDecimal("99.99"), "Order 12345 processed, charged $99.99", "worker-1"));
      assertThat(harbor.findByIdempotencyKey(Orders.QUEUE, "order-12345")).map(JobRecord::id)
          .contains(JobId.parse(first));
      JobRecord failed = harbor.get(JobId.parse(orderIds.get(4))).orElseThrow();
      assertThat(failed.status()).isEqualTo(JobStatus.DLQ);
      assertThat(failed.attempts()).isEqualTo(3);
      assertThat(failed.dlqReason()).startsWith("failed on attempt 3 of 3: ").endsWith("payment gateway timeout");
    }

    // Run the producer again, one completed task having finished 25 hours ago: every order is deduplicated to the
    // task it already has, and the cleanup purges the old one.
    try (Connection c = ExampleEnv.connect(exampleDsn); Statement st = c.createStatement()) {
      assertThat(st.executeUpdate("UPDATE " + schema + ".th_jobs SET finished_at = finished_at - interval '25 hours'"
          + " WHERE idempotency_key = 'order-12346'")).isEqualTo(1);
    }
    Program again = start(Producer.class);
    List<String> againIds = assertLines(again.finish(),
        "=== Idempotent Task Producer ===",
        "database: " + ExampleEnv.redacted(exampleDsn),
        "",
        "--- Demo 1: Basic Task Submission ---",
        "✓ Already submitted task: {id} (key: order-12345)",
        "",
        "--- Demo 2: Idempotent Deduplication ---",
        "Attempting to submit same order again (should dedupe)...",
        "✓ Deduplicated! Returned existing task: {id}",
        "",
        "--- Demo 3: Submitting Multiple Unique Tasks ---",
        "✓ Already submitted: {id} (order-12346, $49.99)",
        "✓ Already submitted: {id} (order-12347, $199.99)",
        "✓ Already submitted: {id} (order-12348, $29.99)",
        "✓ Already submitted: {id} (order-12349, $1249.99)",
        "",
        "--- Demo 4: Looking Up Results ---",
        "✓ By id: {id} - DONE after 1 attempt: Order 12345 processed, charged $99.99 (processedBy: worker-1)",
        "✓ By key: order-12345 -> {id} (same task)",
        "  order-12346: DONE after 2 attempts: Order 12346 processed, charged $49.99 (processedBy: worker-1)",
        "  order-12347: DONE after 1 attempt: Order 12347 processed, charged $199.99 (processedBy: worker-1)",
        "  order-12348: DONE after 2 attempts: Order 12348 processed, charged $29.99 (processedBy: worker-1)",
        "  order-12349: DLQ after 3 attempts: failed on attempt 3 of 3: {any}processing failed: payment gateway timeout",
        "✓ Listed DONE: order-12345, order-12346, order-12347, order-12348",
        "✓ Listed DLQ: order-12349",
        "",
        "--- Demo 5: Cleanup ---",
        "✓ Purged 1 completed task(s) older than 24h");
    assertThat(againIds.subList(0, 2)).containsOnly(first);
    assertThat(againIds.subList(2, 6)).as("the same tasks as the first run").isEqualTo(orderIds.subList(1, 5));
    try (TaskHarbor harbor = TaskHarbor.connect(exampleDsn)) {
      assertThat(harbor.findByIdempotencyKey(Orders.QUEUE, "order-12346")).as("purged").isEmpty();
      QueueStats stats = harbor.stats(Orders.QUEUE);
      assertThat(List.of(stats.ready(), stats.scheduled(), stats.inflight(), stats.done(), stats.dlq()))
          .as("ready, scheduled, inflight, done, dlq").containsExactly(0L, 0L, 0L, 3L, 1L);
    }
  }

  @Test
  void twoWorkersStartedAtOnceShareTheOrdersAndEachIsCompletedByExactlyOne() throws Exception {
    Map<String, Order> orders = enqueueOrders(200); // numbers 50000-50199: the even ones fail their first attempt

    Program a = start(TaskWorker.class, "worker-a", "--exit-when-idle");
    Program b = start(TaskWorker.class, "worker-b", "--exit-when-idle");
    Map<String, List<String>> output = Map.of("worker-a", a.finish(), "worker-b", b.finish());

    Pattern processing = Pattern.compile("\\[(worker-[ab])\\] Processing: (" + UUID_PATTERN
        + ") \\(process_order\\) - attempt (\\d)/3");
    Pattern completed = Pattern.compile("\\[(worker-[ab])\\] ✓ Completed: (" + UUID_PATTERN + ") - Order (\\d+) "
        + "processed, charged \\$[0-9.]+");
    Pattern retried = Pattern.compile("\\[(worker-[ab])\\] ↻ Retry queued: (" + UUID_PATTERN
        + ") - processing failed: temporary error \\(attempt 1/3\\)");
    Map<String, List<String>> completedBy = new HashMap<>();
    Map<String, List<String>> attempts = new HashMap<>();
    for (Map.Entry<String, List<String>> worker : output.entrySet()) {
      String name = worker.getKey();
      List<String> lines = worker.getValue();
      assertThat(lines.subList(0, 3)).containsExactly("[" + name + "] Task Worker started",
          "[" + name + "] database: " + ExampleEnv.redacted(exampleDsn),
          "Processing loop active - waiting for tasks...");
      assertThat(lines.get(lines.size() - 1)).isEqualTo("[" + name + "] Task Worker stopped");
      for (String line : lines.subList(3, lines.size() - 1)) {
        Matcher p = processing.matcher(line);
        Matcher c = completed.matcher(line);
        Matcher r = retried.matcher(line);
        if (p.matches()) {
          attempts.computeIfAbsent(p.group(2), id -> new ArrayList<>()).add(p.group(3));
        } else if (c.matches()) {
          completedBy.computeIfAbsent(c.group(2), id -> new ArrayList<>()).add(c.group(1));
          assertThat(c.group(3)).as(line).isEqualTo(orders.get(c.group(2)).orderId());
        } else {
          assertThat(r.matches()).as("an unexpected line (a lost lease?): %s", line).isTrue();
        }
      }
    }

    // From the outputs: every order completed, by exactly one worker; each attempt run once; both workers busy.
    assertThat(completedBy.keySet()).as("completed orders").isEqualTo(orders.keySet());
    assertThat(completedBy.values()).as("each completed once").allSatisfy(by -> assertThat(by).hasSize(1));
    for (Map.Entry<String, Order> order : orders.entrySet()) {
      boolean flaky = Integer.parseInt(order.getValue().orderId()) % 2 == 0;
      assertThat(attempts.get(order.getKey())).as("attempts of order %s", order.getValue().orderId())
          .containsExactlyInAnyOrderElementsOf(flaky ? List.of("1", "2") : List.of("1"));
    }
    Map<String, Long> perWorker = completedBy.values().stream()
        .collect(Collectors.groupingBy(by -> by.get(0), Collectors.counting()));
    System.out.println("orders completed per worker: " + perWorker);
    assertThat(perWorker).as("both workers did some of the work").containsOnlyKeys("worker-a", "worker-b");

    // From the database: every order DONE, and its result names the worker that printed its completion.
    Map<String, Set<String>> nodesOf = new HashMap<>();
    try (TaskHarbor harbor = TaskHarbor.connect(exampleDsn)) {
      for (Map.Entry<String, Order> order : orders.entrySet()) {
        JobRecord job = harbor.get(JobId.parse(order.getKey())).orElseThrow();
        String worker = completedBy.get(order.getKey()).get(0);
        assertThat(job.status()).isEqualTo(JobStatus.DONE);
        assertThat(harbor.codec().decode(job.result(), OrderResult.class).processedBy()).isEqualTo(worker);
        nodesOf.computeIfAbsent(worker, w -> new HashSet<>()).add(job.leasedBy());
      }
      QueueStats stats = harbor.stats(Orders.QUEUE);
      assertThat(stats.done()).as("none lost, none made twice").isEqualTo(orders.size());
    }
    // leasedBy is the reserving node's id: one per worker process, and never the other's.
    assertThat(nodesOf.get("worker-a")).hasSize(1).doesNotContainNull();
    assertThat(nodesOf.get("worker-b")).hasSize(1).doesNotContainNull();
    assertThat(nodesOf.get("worker-b")).doesNotContainAnyElementsOf(nodesOf.get("worker-a"));
  }

  @Test
  void sigtermStopsTheWorkerGracefully() throws Exception {
    Map<String, Order> orders = enqueueOrders(200);

    Program worker = start(TaskWorker.class, "worker-s");
    worker.awaitLine(line -> line.contains("Processing:"));
    // SIGTERM, as a container's stop sends (Ctrl-C sends SIGINT; both run the shutdown hooks). Through the handle:
    // Process.destroy() would also close the pipe the output is read from.
    assertThat(worker.process.toHandle().destroy()).isTrue();
    List<String> lines = worker.finish(null);

    assertThat(lines).as(worker.describe()).contains("[worker-s] Shutting down...");
    assertThat(lines.get(lines.size() - 1)).as(worker.describe()).isEqualTo("[worker-s] Task Worker stopped");
    long started = lines.stream().filter(line -> line.contains("Processing:")).count();
    long completed = lines.stream().filter(line -> line.contains("✓ Completed:")).count();
    long retried = lines.stream().filter(line -> line.contains("↻ Retry queued:")).count();
    assertThat(completed + retried).as("every task it started was finished\n%s", worker.describe())
        .isEqualTo(started);
    try (TaskHarbor harbor = TaskHarbor.connect(exampleDsn)) {
      QueueStats stats = harbor.stats(Orders.QUEUE);
      assertThat(stats.inflight()).as("no lease left to expire").isZero();
      assertThat(stats.done()).as("every completion stored").isEqualTo(completed);
      assertThat(stats.ready() + stats.scheduled()).as("the rest is left for the next worker")
          .isEqualTo(orders.size() - completed);
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /** Migrates the schema and submits {@code count} orders numbered from 50000, of $10.00 and up; returns them by id. */
  private Map<String, Order> enqueueOrders(int count) {
    Map<String, Order> orders = new LinkedHashMap<>();
    try (PostgresDriver driver = PostgresDriver.open(exampleDsn);
        TaskHarbor harbor = TaskHarbor.builder().driver(driver).build()) {
      driver.migrate();
      List<Order> batch = new ArrayList<>();
      List<JobRequest> requests = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Order order = new Order(String.valueOf(50_000 + i), BigDecimal.valueOf(1_000 + i, 2));
        batch.add(order);
        requests.add(Orders.request(order));
      }
      List<EnqueueResult> results = harbor.enqueueAll(requests);
      for (int i = 0; i < count; i++) {
        assertThat(results.get(i).created()).isTrue();
        orders.put(results.get(i).id().toString(), batch.get(i));
      }
    }
    return orders;
  }

  /**
   * Checks {@code actual} line by line against {@code expected}, where {@code {id}} stands for a task id and {@code
   * {any}} for any text; returns the ids, in order.
   */
  private static List<String> assertLines(List<String> actual, String... expected) {
    List<String> ids = new ArrayList<>();
    String whole = String.join("\n", actual);
    for (int i = 0; i < Math.min(actual.size(), expected.length); i++) {
      Matcher m = pattern(expected[i]).matcher(actual.get(i));
      assertThat(m.matches()).as("line %d:%n  expected: %s%n  but was:  %s%nwhole output:%n%s", i + 1, expected[i],
          actual.get(i), whole).isTrue();
      for (int g = 1; g <= m.groupCount(); g++) {
        ids.add(m.group(g));
      }
    }
    assertThat(actual).as("the number of lines; whole output:%n%s", whole).hasSize(expected.length);
    return ids;
  }

  private static Pattern pattern(String expected) {
    StringBuilder regex = new StringBuilder();
    Matcher placeholder = Pattern.compile("\\{id}|\\{any}").matcher(expected);
    int from = 0;
    while (placeholder.find()) {
      regex.append(Pattern.quote(expected.substring(from, placeholder.start())));
      regex.append(placeholder.group().equals("{id}") ? "(" + UUID_PATTERN + ")" : "(?:.*)");
      from = placeholder.end();
    }
    return Pattern.compile(regex.append(Pattern.quote(expected.substring(from))).toString());
  }

  private Program start(Class<?> main, String... args) throws IOException {
    Program program = new Program(main, args);
    programs.add(program);
    return program;
  }

  /** One run of an example's main in a JVM of its own, on the test's class path, with TASKHARBOR_DSN set. */
  private final class Program {
    final Process process;
    final String name;
    final List<String> lines = new CopyOnWriteArrayList<>();
    final Path stderr;
    final Thread reader;

    Program(Class<?> main, String... args) throws IOException {
      name = main.getSimpleName() + " " + String.join(" ", args);
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          // The output holds ✓, ↻ and ✗: UTF-8 whatever the locale (the first for JDK 17, the second for 19+).
          "-Dsun.stdout.encoding=UTF-8", "-Dstdout.encoding=UTF-8",
          // Short runs on a small machine: start fast, and leave the cores to the programs rather than the JIT.
          "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
          "-cp", System.getProperty("java.class.path"),
          main.getName()));
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().put(ExampleEnv.DSN_VARIABLE, exampleDsn);
      stderr = Files.createTempFile("idempotent-tasks-" + main.getSimpleName(), ".stderr");
      stderr.toFile().deleteOnExit();
      builder.redirectError(stderr.toFile());
      process = builder.start();
      reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
          for (String line; (line = out.readLine()) != null; ) {
            lines.add(line);
          }
        } catch (IOException e) {
          lines.add("(reading the output failed: " + e + ")");
        }
      }, "output of " + name);
      reader.setDaemon(true);
      reader.start();
    }

    /** Waits until a line matches, failing if the program ends first or takes too long. */
    void awaitLine(Predicate<String> line) throws InterruptedException {
      long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
      while (lines.stream().noneMatch(line)) {
        assertThat(process.isAlive()).as("%s ended before the line was printed\n%s", name, describe()).isTrue();
        assertThat(System.nanoTime() < deadline).as("%s took too long\n%s", name, describe()).isTrue();
        Thread.sleep(20);
      }
    }

    /** Waits for the program to exit with status 0 and returns its output. */
    List<String> finish() throws Exception {
      return finish(0);
    }

    /** Waits for the program to exit (with {@code expectedStatus}, unless null) and returns its output. */
    List<String> finish(Integer expectedStatus) throws Exception {
      if (!process.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        Assertions.fail(name + " did not exit within " + RUN_LIMIT.toSeconds() + " s\n" + describe());
      }
      reader.join(TimeUnit.SECONDS.toMillis(10));
      if (expectedStatus != null) {
        assertThat(process.exitValue()).as("%s's exit status\n%s", name, describe()).isEqualTo(expectedStatus);
      }
      return List.copyOf(lines);
    }

    String describe() {
      String err;
      try {
        err = Files.readString(stderr);
      } catch (IOException e) {
        err = "(unreadable: " + e + ")";
      }
      return "--- output of " + name + ":\n" + String.join("\n", lines) + "\n--- stderr:\n" + err;
    }
  }
}
