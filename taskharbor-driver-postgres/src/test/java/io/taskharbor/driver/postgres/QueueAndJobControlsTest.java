package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskharbor.api.CancelRequestedException;
import io.taskharbor.api.DefinitionException;
import io.taskharbor.api.DefinitionStatus;
import io.taskharbor.api.Detail;
import io.taskharbor.api.InvalidJobStatusException;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobNotFoundException;
import io.taskharbor.api.JobNotInflightException;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.QueueOverview;
import io.taskharbor.api.QueueSettings;
import io.taskharbor.api.TaskDefinition;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Definitions;
import io.taskharbor.spi.JobControls;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
import io.taskharbor.spi.QueueControls;
import io.taskharbor.spi.support.DriverRules;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Queue settings, job controls, definitions and the details log on a real server, with real connections and real
 * threads: the global concurrency limit under reservers that each have a pool of their own, a serial queue's order,
 * pause and resume, the cancel of a running job through a real worker, definitions, and the migration of a schema as
 * the release before left it. Every driver is closed by try-with-resources (the server is shared).
 */
@Tag("postgres")
class QueueAndJobControlsTest {

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration LEASE = Duration.ofMinutes(5);

  private String schema;

  @BeforeEach
  void setUp() {
    schema = TestDatabase.createMigratedSchema();
  }

  @AfterEach
  void tearDown() {
    if (schema != null) {
      TestDatabase.drop(schema);
    }
  }

  private PostgresDriver driver(int poolSize) {
    return PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(poolSize).minIdle(1).build();
  }

  private static QueueControls queues(PostgresDriver d) {
    return d.extension(QueueControls.class).orElseThrow();
  }

  private static JobControls jobs(PostgresDriver d) {
    return d.extension(JobControls.class).orElseThrow();
  }

  private static List<JobId> enqueue(PostgresDriver d, String queue, int n, Instant at) {
    List<NewJob> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(NewJob.of(JobId.newId(), queue, "t", "{\"n\":" + i + "}"));
    }
    d.enqueue(batch, at);
    return batch.stream().map(NewJob::id).sorted().toList(); // reserve order: same priority and time, then id
  }

  /** The queue's INFLIGHT jobs whose lease is valid at {@code now}, counted on a connection of its own. */
  private long validLeases(Connection c, String queue, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + schema + ".th_jobs WHERE queue = ? "
        + "AND status = 'inflight' AND lease_expires_at > ?")) {
      ps.setString(1, queue);
      ps.setObject(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------------ limits

  @Test
  @DisplayName("a limit of 3 raced by 10 drivers, each with its own pool: never more than 3 valid leases, every job "
      + "done once")
  void theLimitHoldsUnderReserversOnSeparateConnections() throws Exception {
    int drivers = 10;
    int total = 150;
    String queue = "limited";
    List<PostgresDriver> clients = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(drivers + 1);
    try (PostgresDriver admin = driver(1); Connection sampler = TestDatabase.connect()) {
      queues(admin).update(queue, new QueueSettings(false, 3), T0);
      List<JobId> ids = enqueue(admin, queue, total, Instant.now().truncatedTo(ChronoUnit.MICROS).minusSeconds(1));
      for (int i = 0; i < drivers; i++) {
        clients.add(driver(2));
      }
      AtomicInteger held = new AtomicInteger();
      AtomicInteger maxHeld = new AtomicInteger();
      AtomicInteger reservesAtTheLimit = new AtomicInteger();
      Set<JobId> done = ConcurrentHashMap.newKeySet();
      AtomicInteger duplicates = new AtomicInteger();
      AtomicBoolean finished = new AtomicBoolean();
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> work = new ArrayList<>();
      for (PostgresDriver client : clients) {
        work.add(pool.submit(() -> {
          go.await();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
          while (done.size() < total && System.nanoTime() < deadline) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            List<LeasedJob> leased = client.reserve(queue, 3, now, LEASE, "node");
            if (leased.isEmpty()) {
              reservesAtTheLimit.incrementAndGet();
              Thread.sleep(1);
              continue;
            }
            int h = held.addAndGet(leased.size());
            maxHeld.accumulateAndGet(h, Math::max);
            Thread.sleep(2); // hold the leases a moment, so that the others race against them
            List<Completion> acks = new ArrayList<>();
            for (LeasedJob job : leased) {
              if (!done.add(job.id())) {
                duplicates.incrementAndGet();
              }
              acks.add(new Completion.Ack(job.id(), job.token(), null));
            }
            held.addAndGet(-leased.size());
            assertThat(client.complete(acks, Instant.now().truncatedTo(ChronoUnit.MICROS)))
                .allMatch(Outcome::isOk);
          }
          return null;
        }));
      }
      AtomicLong maxSampled = new AtomicLong();
      AtomicInteger samples = new AtomicInteger();
      Future<?> sampling = pool.submit(() -> {
        while (!finished.get()) {
          long v = validLeases(sampler, queue, Instant.now());
          maxSampled.accumulateAndGet(v, Math::max);
          samples.incrementAndGet();
        }
        return null;
      });
      go.countDown();
      for (Future<?> f : work) {
        f.get(120, TimeUnit.SECONDS);
      }
      finished.set(true);
      sampling.get(10, TimeUnit.SECONDS);

      System.out.printf("limit 3, %d drivers: max held %d (Java), max sampled %d over %d samples, %d empty "
          + "reserves%n", drivers, maxHeld.get(), maxSampled.get(), samples.get(), reservesAtTheLimit.get());
      assertThat(maxHeld.get()).as("leases held at once, counted by the reservers").isBetween(1, 3);
      assertThat(maxSampled.get()).as("valid leases sampled in the database").isLessThanOrEqualTo(3);
      assertThat(duplicates.get()).as("jobs handed out twice").isZero();
      assertThat(done).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(admin.stats(queue, Instant.now()).done()).isEqualTo(total);
      for (JobId id : ids) {
        assertThat(admin.get(id).orElseThrow().attempts()).as("attempts of %s", id).isOne();
      }
    } finally {
      pool.shutdownNow();
      clients.forEach(PostgresDriver::close);
    }
  }

  @Test
  @DisplayName("expired leases do not count against the limit; a limit leases at most L minus the valid leases")
  void expiredLeasesDoNotCount() {
    try (PostgresDriver d = driver(2)) {
      String queue = "expiring";
      queues(d).update(queue, new QueueSettings(false, 2), T0);
      enqueue(d, queue, 5, T0);

      assertThat(d.reserve(queue, 5, T0, Duration.ofSeconds(10))).hasSize(2);
      assertThat(d.reserve(queue, 5, T0.plusSeconds(1), Duration.ofSeconds(10))).as("at the limit").isEmpty();
      // Both leases lapse at T0 + 10 s: they no longer count, so two more jobs are leased (the READY ones first: they
      // became claimable before the lapsed ones), though four jobs are now INFLIGHT.
      List<LeasedJob> again = d.reserve(queue, 5, T0.plusSeconds(10), LEASE);
      assertThat(again).hasSize(2);
      assertThat(queues(d).queues(T0.plusSeconds(10))).singleElement().satisfies(o -> {
        assertThat(o.validLeases()).isEqualTo(2);
        assertThat(o.stats().inflight()).isEqualTo(4);
      });
      assertThat(d.reserve(queue, 5, T0.plusSeconds(11), LEASE)).as("at the limit again").isEmpty();
    }
  }

  @Test
  @DisplayName("a serial queue (limit 1) raced by 3 drivers runs its jobs one at a time, in reserve order")
  void aSerialQueueRunsInReserveOrder() throws Exception {
    String queue = "serial";
    int total = 30;
    List<PostgresDriver> clients = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (PostgresDriver admin = driver(1)) {
      queues(admin).update(queue, new QueueSettings(false, 1), T0);
      List<JobId> expected = new ArrayList<>();
      for (int i = 0; i < total; i++) { // one at a time: created_at gives the order
        expected.addAll(enqueue(admin, queue, 1, T0.plusMillis(i)));
      }
      for (int i = 0; i < 3; i++) {
        clients.add(driver(2));
      }
      List<JobId> order = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger running = new AtomicInteger();
      AtomicInteger overlap = new AtomicInteger();
      List<Future<?>> work = new ArrayList<>();
      Instant now = T0.plusSeconds(1);
      for (PostgresDriver client : clients) {
        work.add(pool.submit(() -> {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (order.size() < total && System.nanoTime() < deadline) {
            List<LeasedJob> leased = client.reserve(queue, 5, now, LEASE);
            if (leased.isEmpty()) {
              Thread.sleep(1);
              continue;
            }
            assertThat(leased).hasSize(1);
            if (running.incrementAndGet() > 1) {
              overlap.incrementAndGet();
            }
            order.add(leased.get(0).id());
            running.decrementAndGet();
            client.complete(List.of(new Completion.Ack(leased.get(0).id(), leased.get(0).token(), null)), now);
          }
          return null;
        }));
      }
      for (Future<?> f : work) {
        f.get(90, TimeUnit.SECONDS);
      }
      assertThat(overlap.get()).as("jobs running at once").isZero();
      assertThat(order).as("the order the serial queue ran its jobs").containsExactlyElementsOf(expected);
    } finally {
      pool.shutdownNow();
      clients.forEach(PostgresDriver::close);
    }
  }

  // ------------------------------------------------------------------------------------------------------ pause

  @Test
  @DisplayName("a paused queue leases nothing (its DLQ sweep still runs); resumed, it reserves again; the overview "
      + "lists every queue with settings or jobs, in one read")
  void pauseAndResumeAQueue() {
    try (PostgresDriver d = driver(2)) {
      QueueControls controls = queues(d);
      assertThat(controls.settings("q")).isEqualTo(QueueSettings.DEFAULT);
      JobId last = enqueue(d, "q", 1, T0).get(0);
      d.enqueue(List.of(new NewJob(JobId.newId(), "q", "t", "{}", 0, null, null, 1, null)), T0);
      LeasedJob lastAttempt = d.reserve("q", 2, T0, Duration.ofSeconds(1)).stream()
          .filter(j -> j.job().maxAttempts() == 1).findFirst().orElseThrow();
      assertThat(controls.update("q", QueueSettings.DEFAULT.withPaused(true), T0)).isEqualTo(
          new QueueSettings(true, null));
      assertThat(controls.settings("q").paused()).isTrue();
      assertThat(d.reserve("q", 10, T0.plusSeconds(2), LEASE)).as("a paused queue leases nothing").isEmpty();
      assertThat(d.get(lastAttempt.id()).orElseThrow().status()).as("swept while paused").isEqualTo(JobStatus.DLQ);

      controls.update("idle", new QueueSettings(false, 4), T0);
      List<QueueOverview> overview = controls.queues(T0.plusSeconds(2));
      assertThat(overview).extracting(QueueOverview::queue).containsExactly("idle", "q");
      assertThat(overview.get(0).settings().concurrencyLimit()).isEqualTo(4);
      assertThat(overview.get(0).stats().total()).isZero();
      assertThat(overview.get(1).settings().paused()).isTrue();
      assertThat(overview.get(1).stats().dlq()).isOne();
      assertThat(overview.get(1).stats().inflight()).as("the other lapsed lease, not swept").isOne();
      assertThat(overview.get(1).validLeases()).isZero();

      assertThat(controls.update("q", QueueSettings.DEFAULT, T0)).isEqualTo(QueueSettings.DEFAULT);
      assertThat(rowsOf("th_queue_settings")).as("the defaults are stored as no row").isEqualTo(1);
      assertThat(d.reserve("q", 10, T0.plusSeconds(2), LEASE)).extracting(LeasedJob::id).containsExactly(last);
    }
  }

  private long rowsOf(String table) {
    try (Connection c = TestDatabase.connect();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + schema + "." + table);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("a paused job is never reserved; resumed, it keeps its place; bad transitions are refused")
  void pauseAndResumeAJob() {
    try (PostgresDriver d = driver(2)) {
      JobControls controls = jobs(d);
      List<JobId> ids = enqueue(d, "q", 3, T0);
      controls.pause(ids.get(0), T0);
      controls.pause(ids.get(0), T0); // pausing a PAUSED job changes nothing
      assertThat(d.get(ids.get(0)).orElseThrow().status()).isEqualTo(JobStatus.PAUSED);
      assertThat(d.stats("q", T0).paused()).isOne();

      LeasedJob first = d.reserve("q", 1, T0, LEASE).get(0);
      assertThat(first.id()).isEqualTo(ids.get(1));
      assertThatThrownBy(() -> controls.pause(first.id(), T0)).isExactlyInstanceOf(InvalidJobStatusException.class)
          .hasMessageContaining("pause");
      assertThatThrownBy(() -> controls.resume(first.id(), T0)).isExactlyInstanceOf(InvalidJobStatusException.class);
      assertThatThrownBy(() -> controls.pause(JobId.newId(), T0)).isInstanceOf(JobNotFoundException.class);
      assertThatThrownBy(() -> controls.pause(null, T0)).isInstanceOf(NullPointerException.class)
          .hasMessageContaining("id");

      controls.resume(ids.get(0), T0);
      controls.resume(ids.get(0), T0); // resuming a READY job changes nothing
      assertThat(d.reserve("q", 2, T0, LEASE)).extracting(LeasedJob::id).as("its place in reserve order kept")
          .containsExactly(ids.get(0), ids.get(2));

      JobId paused = enqueue(d, "q", 1, T0).get(0);
      controls.pause(paused, T0);
      d.cancel(paused, T0); // the base cancel accepts a PAUSED job
      assertThat(d.get(paused).orElseThrow().status()).isEqualTo(JobStatus.CANCELED);
    }
  }

  // ------------------------------------------------------------------------------------------------------ cancel

  @Test
  @DisplayName("a cancel request: extendLease refuses with CancelRequestedException, Cancel stores CANCELED, a late ack "
      + "is refused; a retry of a job to cancel ends CANCELED; reserve cancels one whose holder died")
  void cancelARunningJobAtTheDriver() {
    try (PostgresDriver d = driver(2)) {
      JobControls controls = jobs(d);
      enqueue(d, "q", 3, T0);
      List<LeasedJob> leased = d.reserve("q", 3, T0, Duration.ofSeconds(30));
      LeasedJob a = leased.get(0);
      LeasedJob b = leased.get(1);
      LeasedJob c = leased.get(2);
      for (LeasedJob job : leased) {
        controls.requestCancel(job.id(), T0.plusSeconds(1));
      }
      controls.requestCancel(a.id(), T0.plusSeconds(2)); // the first request is kept
      assertThat(d.get(a.id()).orElseThrow().cancelRequestedAt()).isEqualTo(T0.plusSeconds(1));
      assertThat(d.get(a.id()).orElseThrow().status()).isEqualTo(JobStatus.INFLIGHT);

      assertThatThrownBy(() -> d.extendLease(a.id(), a.token(), T0.plusSeconds(3), LEASE))
          .isInstanceOf(CancelRequestedException.class);
      assertThat(d.get(a.id()).orElseThrow().leaseExpiresAt()).as("not extended").isEqualTo(T0.plusSeconds(30));
      assertThatThrownBy(() -> d.extendLease(a.id(), a.token(), T0.plusSeconds(31), LEASE))
          .as("the lease checks win").isInstanceOf(io.taskharbor.api.LeaseExpiredException.class);

      assertThat(d.complete(List.of(new Completion.Cancel(a.id(), a.token(), List.of(new Detail(T0, "stopping")))),
          T0.plusSeconds(3))).allMatch(Outcome::isOk);
      JobRecord canceled = d.get(a.id()).orElseThrow();
      assertThat(canceled.status()).isEqualTo(JobStatus.CANCELED);
      assertThat(canceled.finishedAt()).isEqualTo(T0.plusSeconds(3));
      assertThat(canceled.details()).extracting(Detail::text).containsExactly("stopping");
      Outcome late = d.complete(List.of(new Completion.Ack(a.id(), a.token(), null)), T0.plusSeconds(4)).get(0);
      assertThat(late.refusal()).as("a late outcome").isInstanceOf(JobNotInflightException.class);

      d.complete(List.of(new Completion.Retry(b.id(), b.token(), null, "boom")), T0.plusSeconds(4));
      assertThat(d.get(b.id()).orElseThrow().status()).as("the cancel wins over a retry").isEqualTo(JobStatus.CANCELED);

      // c's holder died: once its lease ended, reserve cancels it instead of handing it out again.
      assertThat(d.reserve("q", 3, T0.plusSeconds(31), LEASE)).isEmpty();
      assertThat(d.get(c.id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELED);

      JobId ready = enqueue(d, "q", 1, T0).get(0);
      controls.requestCancel(ready, T0);
      assertThat(d.get(ready).orElseThrow().status()).as("a READY job is canceled at once").isEqualTo(
          JobStatus.CANCELED);
      controls.requestCancel(ready, T0); // canceling a CANCELED job changes nothing
      JobId finished = enqueue(d, "q", 1, T0.plusSeconds(40)).get(0);
      LeasedJob f = d.reserve("q", 1, T0.plusSeconds(40), LEASE).get(0);
      d.complete(List.of(new Completion.Ack(f.id(), f.token(), null)), T0.plusSeconds(40));
      assertThatThrownBy(() -> controls.requestCancel(finished, T0.plusSeconds(41)))
          .isExactlyInstanceOf(InvalidJobStatusException.class).hasMessageContaining("cancel");
    }
  }

  record Work(int n) {}

  @Test
  @DisplayName("cancel of a running job through a real worker of another client: the handler stops, the job ends "
      + "CANCELED with its details")
  void cancelARunningJobThroughARealWorker() throws Exception {
    try (PostgresDriver workerDriver = driver(4);
        TaskHarbor workers = TaskHarbor.builder().driver(workerDriver).build();
        PostgresDriver adminDriver = driver(1);
        TaskHarbor admin = TaskHarbor.builder().driver(adminDriver).build()) {
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch stopped = new CountDownLatch(1);
      JobId id = admin.enqueue(JobRequest.builder("slow", new Work(1)).queue("cancel").build()).id();
      try (Worker worker = workers.newWorker().queues("cancel").concurrency(2).pollInterval(Duration.ofMillis(20))
          .heartbeatInterval(Duration.ofMillis(200))
          .handle("slow", Work.class, job -> {
            job.log("started");
            started.countDown();
            try {
              while (!job.isCancelled()) {
                Thread.sleep(10);
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            job.log("saw the cancel");
            stopped.countDown();
          })
          .build()) {
        worker.start();
        assertThat(started.await(30, TimeUnit.SECONDS)).as("the handler started").isTrue();
        long asked = System.nanoTime();
        admin.cancel(id); // another client: its worker learns it at its next heartbeat
        assertThat(stopped.await(30, TimeUnit.SECONDS)).as("the handler saw the cancel").isTrue();
        System.out.printf("cancel to handler: %d ms (heartbeat every 200 ms)%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (admin.get(id).orElseThrow().status() == JobStatus.INFLIGHT && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      }
      JobRecord job = admin.get(id).orElseThrow();
      assertThat(job.status()).isEqualTo(JobStatus.CANCELED);
      assertThat(job.cancelRequestedAt()).isNotNull();
      // The worker stores CANCELED as soon as it learns of the cancel; lines the handler writes after it may be lost.
      assertThat(job.details()).extracting(Detail::text).startsWith("started");
    }
  }

  // ------------------------------------------------------------------------------------------------------ details

  @Test
  @DisplayName("the details log is kept across attempts and bounded, the oldest lines dropped with a marker")
  void theDetailsLogIsKeptAndBounded() {
    try (PostgresDriver d = driver(2)) {
      JobId id = enqueue(d, "q", 1, T0).get(0);
      LeasedJob first = d.reserve("q", 1, T0, LEASE).get(0);
      List<Detail> lines = new ArrayList<>();
      for (int i = 0; i < Detail.MAX_LINES; i++) {
        lines.add(new Detail(T0.plusMillis(i), "line " + i + " with \"quotes\", {braces}, a \\ and é"));
      }
      d.complete(List.of(new Completion.Retry(id, first.token(), T0, "boom", lines)), T0);
      assertThat(d.get(id).orElseThrow().details()).isEqualTo(lines);

      LeasedJob second = d.reserve("q", 1, T0.plusSeconds(1), LEASE).get(0);
      assertThat(second.job().details()).as("handed out with the job").isEqualTo(lines);
      List<Detail> more = List.of(new Detail(T0.plusSeconds(1), "second attempt"), new Detail(T0.plusSeconds(2), ""));
      d.complete(List.of(new Completion.Ack(id, second.token(), null, more)), T0.plusSeconds(2));
      List<Detail> stored = d.get(id).orElseThrow().details();
      assertThat(stored).isEqualTo(DriverRules.appendDetails(lines, more));
      assertThat(stored).hasSize(Detail.MAX_LINES);
      assertThat(stored.get(0).text()).isEqualTo(DriverRules.droppedDetailsMarker(3));
      assertThat(stored.get(stored.size() - 1)).isEqualTo(new Detail(T0.plusSeconds(2), ""));

      Outcome refused = d.complete(List.of(new Completion.Ack(id, second.token(), null, more)), T0.plusSeconds(3))
          .get(0);
      assertThat(refused.isOk()).as("a terminal no-op").isTrue();
      assertThat(d.get(id).orElseThrow().details()).as("adds nothing").isEqualTo(stored);
    }
  }

  // ------------------------------------------------------------------------------------------------------ definitions

  @Test
  @DisplayName("definitions: create, find, list, update, cancel, soft delete; a taken alias is refused, also when two "
      + "clients create it at once")
  void definitions() throws Exception {
    try (PostgresDriver d = driver(2); PostgresDriver other = driver(2)) {
      Definitions defs = d.extension(Definitions.class).orElseThrow();
      TaskDefinition created = defs.create(TaskDefinition.of("report.build", T0.minusSeconds(99))
          .withTitle("Build a report").withDescription("monthly").withMemo("ask ops"), T0);
      assertThat(created.createdAt()).isEqualTo(T0);
      assertThat(created.updatedAt()).isEqualTo(T0);
      assertThat(created.deletedAt()).isNull();
      assertThat(defs.find("report.build")).contains(created);
      assertThatThrownBy(() -> defs.create(TaskDefinition.of("report.build", T0), T0))
          .isInstanceOfSatisfying(DefinitionException.class,
              e -> assertThat(e.reason()).isEqualTo(DefinitionException.Reason.DUPLICATE))
          .hasMessageContaining("'report.build'");

      TaskDefinition updated = defs.update(created.withTitle("Build the report"), T0.plusSeconds(1));
      assertThat(updated.title()).isEqualTo("Build the report");
      assertThat(updated.createdAt()).isEqualTo(T0);
      assertThat(updated.updatedAt()).isEqualTo(T0.plusSeconds(1));
      assertThat(defs.cancel("report.build", T0.plusSeconds(2)).status()).isEqualTo(DefinitionStatus.CANCELED);
      assertThat(defs.cancel("report.build", T0.plusSeconds(3)).updatedAt()).as("canceling again changes nothing")
          .isEqualTo(T0.plusSeconds(2));
      defs.create(TaskDefinition.of("a.first", T0), T0);
      assertThat(defs.list(false)).extracting(TaskDefinition::alias).containsExactly("a.first", "report.build");

      TaskDefinition deleted = defs.delete("report.build", T0.plusSeconds(4));
      assertThat(deleted.deletedAt()).isEqualTo(T0.plusSeconds(4));
      assertThat(defs.delete("report.build", T0.plusSeconds(5))).isEqualTo(deleted);
      assertThat(defs.list(false)).extracting(TaskDefinition::alias).containsExactly("a.first");
      assertThat(defs.list(true)).extracting(TaskDefinition::alias).containsExactly("a.first", "report.build");
      assertThatThrownBy(() -> defs.update(deleted, T0)).isInstanceOfSatisfying(DefinitionException.class,
          e -> assertThat(e.reason()).isEqualTo(DefinitionException.Reason.DELETED));
      assertThatThrownBy(() -> defs.cancel("missing", T0)).isInstanceOfSatisfying(DefinitionException.class,
          e -> assertThat(e.reason()).isEqualTo(DefinitionException.Reason.NOT_FOUND));
      assertThatThrownBy(() -> defs.create(TaskDefinition.of("report.build", T0), T0))
          .as("a deleted definition keeps its alias").isInstanceOf(DefinitionException.class);
      assertThatThrownBy(() -> defs.find("")).isInstanceOf(IllegalArgumentException.class);

      Definitions second = other.extension(Definitions.class).orElseThrow();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 20; round++) {
          String alias = "race." + round;
          CountDownLatch go = new CountDownLatch(1);
          List<Future<Boolean>> tries = new ArrayList<>();
          for (Definitions client : List.of(defs, second)) {
            tries.add(pool.submit(() -> {
              go.await();
              try {
                client.create(TaskDefinition.of(alias, T0), T0);
                return true;
              } catch (DefinitionException e) {
                return false;
              }
            }));
          }
          go.countDown();
          int won = 0;
          for (Future<Boolean> t : tries) {
            won += t.get(30, TimeUnit.SECONDS) ? 1 : 0;
          }
          assertThat(won).as("creators of %s that succeeded", alias).isOne();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  @DisplayName("bad inputs are refused before the database, naming the field")
  void badInputsAreRefused() {
    try (PostgresDriver d = driver(1)) {
      assertThatThrownBy(() -> queues(d).update("bad queue!", QueueSettings.DEFAULT, T0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue");
      assertThatThrownBy(() -> queues(d).update("q", null, T0)).isInstanceOf(NullPointerException.class)
          .hasMessageContaining("settings");
      assertThatThrownBy(() -> queues(d).queues(null)).isInstanceOf(RuntimeException.class)
          .hasMessageContaining("now");
      assertThatThrownBy(() -> new QueueSettings(false, 0)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("concurrencyLimit");
    }
  }

  // ------------------------------------------------------------------------------------------------------ migration

  @Test
  @DisplayName("a schema migrated by the release before (changesets 0001-0004) migrates to 0005 with its jobs kept, "
      + "and the controls work on it")
  void anExistingSchemaMigratesWithItsJobs() throws Exception {
    String old = TestDatabase.createSchema();
    try {
      try (Connection c = TestDatabase.connect()) {
        Migrations.migrate(c, old, "io/taskharbor/driver/postgres/db/changelog/db.changelog-0004.xml");
      }
      List<JobId> ids;
      try (PostgresDriver d = PostgresDriver.builder().dsn(TestDatabase.dsn(old)).poolSize(1).build()) {
        ids = enqueue(d, "q", 3, T0); // enqueue is the same statement before and after
        assertThat(TestDatabase.tableExists(old, "th_queue_settings")).isFalse();
        d.migrate();
        assertThat(TestDatabase.tableExists(old, "th_queue_settings")).isTrue();
        assertThat(TestDatabase.tableExists(old, "th_task_definitions")).isTrue();
        assertThat(d.get(ids.get(0)).orElseThrow().details()).isEmpty();
        jobs(d).pause(ids.get(0), T0);
        queues(d).update("q", new QueueSettings(false, 1), T0);
        assertThat(d.reserve("q", 3, T0, LEASE)).extracting(LeasedJob::id).containsExactly(ids.get(1));
        assertThat(d.stats("q", T0)).satisfies(s -> {
          assertThat(s.paused()).isOne();
          assertThat(s.ready()).isOne();
          assertThat(s.inflight()).isOne();
        });
      }
    } finally {
      TestDatabase.drop(old);
    }
  }

}
