package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStatus;
import io.taskharbor.engine.DatabaseClock;
import io.taskharbor.engine.DistributedMode;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One timeline: nodes whose local clocks are 10 s ahead or behind the database's run in distributed mode on the
 * database's clock, so none runs a job early, takes a lease that is still valid, or holds leadership past its term.
 * Each test fails without the database clock (a node on its own clock would do all three).
 */
@Tag("postgres")
class ClockSkewTest {
  private static final String QUEUE = "skew";
  private static final Duration SKEW = Duration.ofSeconds(10);
  private static final DistributedMode FAST = DistributedMode.builder().heartbeatInterval(Duration.ofMillis(200))
      .workerTimeout(Duration.ofSeconds(1)).leaderTerm(Duration.ofSeconds(1)).cleanupInterval(Duration.ofMillis(300))
      .build();

  record Work(int n) {}

  private String schema;
  private CuttableProxy proxy;
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    schema = TestDatabase.createMigratedSchema();
    URI server = URI.create(TestDatabase.dsn());
    proxy = new CuttableProxy(server.getHost(), server.getPort() < 0 ? 5432 : server.getPort());
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close(); // workers before the clients they run on
    }
    proxy.close();
    TestDatabase.drop(schema);
  }

  private static InstantSource shifted(Duration by) {
    return () -> Instant.now().plus(by);
  }

  private TaskHarbor node(String dsn, Duration skew) {
    TaskHarbor harbor = TaskHarbor.builder().driverUri(dsn).clock(shifted(skew)).distributed(FAST).build();
    closeables.add(harbor);
    return harbor;
  }

  private Worker start(Worker.Builder builder) {
    Worker w = builder.build();
    closeables.add(w);
    w.start();
    return w;
  }

  @Test
  @DisplayName("a node 10 s ahead runs a scheduled job no earlier than its run time, by the database's clock")
  void aNodeAheadDoesNotRunAJobEarly() throws Exception {
    TaskHarbor ahead = node(TestDatabase.dsn(schema), SKEW);
    assertThat(ahead.clock()).isInstanceOf(DatabaseClock.class);
    assertThat(((DatabaseClock) ahead.clock()).offset()).as("the estimated offset undoes the skew")
        .isBetween(SKEW.negated().minusMillis(50), SKEW.negated().plusMillis(50));
    Instant due = dbNow().plusSeconds(2);
    JobId id = ahead.enqueue(JobRequest.builder("work", new Work(1)).queue(QUEUE).runAt(due).build()).id();
    List<Instant> started = new CopyOnWriteArrayList<>();
    start(ahead.newWorker().queues(QUEUE).pollInterval(Duration.ofMillis(20)).leaseSafetyMargin(Duration.ofMillis(500))
        .handle("work", Work.class, job -> started.add(dbNow())));

    await("the job runs", () -> status(ahead, id) == JobStatus.DONE);

    assertThat(started).singleElement().satisfies(at -> assertThat(at).as("started by the database's clock")
        .isAfterOrEqualTo(due.minusMillis(50)));
  }

  @Test
  @DisplayName("a node 10 s ahead does not take a job whose lease another node keeps valid")
  void aNodeAheadDoesNotTakeAValidLease() throws Exception {
    TaskHarbor onTime = node(TestDatabase.dsn(schema), Duration.ZERO);
    TaskHarbor ahead = node(TestDatabase.dsn(schema), SKEW);
    JobId id = onTime.enqueue(JobRequest.builder("work", new Work(1)).queue(QUEUE).build()).id();
    List<String> ranOn = new CopyOnWriteArrayList<>();
    start(onTime.newWorker().queues(QUEUE).leaseDuration(Duration.ofSeconds(2))
        .heartbeatInterval(Duration.ofMillis(300)).leaseSafetyMargin(Duration.ofMillis(400))
        .handle("work", Work.class, job -> {
          ranOn.add("on time");
          Thread.sleep(4_000); // twice the lease: only heartbeats keep it
        }));
    await("the on-time node runs the job", () -> ranOn.size() == 1);
    start(ahead.newWorker().queues(QUEUE).pollInterval(Duration.ofMillis(20)).leaseSafetyMargin(Duration.ofMillis(400))
        .handle("work", Work.class, job -> ranOn.add("ahead")));

    await("the job is done", () -> status(onTime, id) == JobStatus.DONE);

    assertThat(ranOn).as("the node 10 s ahead never took the valid lease").containsExactly("on time");
    assertThat(onTime.get(id).orElseThrow().attempts()).isEqualTo(1);
  }

  @Test
  @DisplayName("a leader 10 s behind that cannot renew stops leading before its lease ends, and the next node takes "
      + "over only after")
  void aLeaderBehindStopsInTime() throws Exception {
    URI server = URI.create(TestDatabase.dsn(schema));
    String proxied = server.getScheme() + "://" + (server.getRawUserInfo() == null ? "" : server.getRawUserInfo() + "@")
        + "127.0.0.1:" + proxy.port() + server.getRawPath() + "?" + server.getRawQuery() + "&connectTimeout=1s";
    TaskHarbor behind = node(proxied, SKEW.negated());
    start(behind.newWorker().queues(QUEUE).leaseSafetyMargin(Duration.ofMillis(300))
        .handle("work", Work.class, job -> { }));
    await("the node behind leads", behind::isLeader);
    TaskHarbor onTime = node(TestDatabase.dsn(schema), Duration.ZERO);
    start(onTime.newWorker().queues(QUEUE).leaseSafetyMargin(Duration.ofMillis(300))
        .handle("work", Work.class, job -> { }));
    long term = behind.leaderTerm().orElseThrow();

    proxy.cut();
    Instant leaseEnds = leaseExpiry();
    await("the node behind stops leading", () -> !behind.isLeader());
    Instant stoppedAt = dbNow();
    await("the on-time node leads", onTime::isLeader);

    assertThat(stoppedAt).as("it stopped before its lease ended, by the database's clock").isBefore(leaseEnds);
    assertThat(onTime.leaderTerm().orElseThrow()).isEqualTo(term + 1);
    assertThat(dbNow()).isAfterOrEqualTo(leaseEnds);
  }

  private static JobStatus status(TaskHarbor harbor, JobId id) {
    return harbor.get(id).orElseThrow().status();
  }

  private Instant leaseExpiry() throws Exception {
    try (Connection c = TestDatabase.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT expires_at FROM " + schema + ".th_leaders")) {
      rs.next();
      return rs.getTimestamp(1).toInstant();
    }
  }

  private static Instant dbNow() {
    try (Connection c = TestDatabase.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT clock_timestamp()")) {
      rs.next();
      return rs.getTimestamp(1).toInstant();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after 30 s waiting until " + what);
      }
      Thread.sleep(10);
    }
  }
}
