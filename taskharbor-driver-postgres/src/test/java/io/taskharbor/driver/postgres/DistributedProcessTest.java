package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobRequest;
import io.taskharbor.driver.postgres.DistributedNodeMain.Work;
import io.taskharbor.engine.TaskHarbor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Distributed mode on real processes: three worker JVMs on one database drain jobs while the test kills the leader
 * with SIGKILL and freezes another node with SIGSTOP past its term and its worker timeout, then resumes it. The nodes
 * and two triggers write an audit, stamped by the database's clock, from which the test asserts: never two valid leader
 * leases at once and every term one more than the last; a new leader within LEADER_TERM plus one renewal of the kill;
 * the killed node's jobs reserved again within WORKER_TIMEOUT plus CLEANUP_INTERVAL (well before their leases end);
 * every job reserved again only after the previous lease had ended; the frozen node's late work given up and counted,
 * and no maintenance under its old term after it wakes; every job done exactly once, or run again only where a node
 * died or froze mid-run.
 *
 * <p>A longer soak: {@code mvn -pl taskharbor-driver-postgres verify -Dtest=DistributedProcessTest
 * -Dtaskharbor.soak.jobs=20000} (the default is 3000 jobs of 50 ms).
 */
@Tag("postgres")
class DistributedProcessTest {
  private static final int JOBS = Integer.getInteger("taskharbor.soak.jobs", 3000);
  private static final long HANDLER_MILLIS = 50;
  private static final Duration SLACK = Duration.ofMillis(1500);

  private String schema;
  private final List<Node> nodes = new ArrayList<>();
  private Duration recoveredAfter = Duration.ZERO;

  /** A child process and the node id it printed. */
  record Node(Process process, String id) {}

  @BeforeEach
  void setUp() {
    schema = TestDatabase.createMigratedSchema();
    String s = schema;
    TestDatabase.execute("CREATE TABLE " + s + ".audit_run (id bigserial PRIMARY KEY, job uuid NOT NULL, node text NOT "
        + "NULL, attempt int NOT NULL, started timestamptz NOT NULL, ended timestamptz)");
    TestDatabase.execute("CREATE TABLE " + s + ".audit_event (node text, event text, term bigint, detail text, "
        + "at timestamptz)");
    TestDatabase.execute("CREATE TABLE " + s + ".audit_leader (seq bigserial, term bigint, holder text, "
        + "expires_at timestamptz, at timestamptz)");
    TestDatabase.execute("CREATE FUNCTION " + s + ".audit_leader_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        + "INSERT INTO " + s + ".audit_leader (term, holder, expires_at, at) VALUES (NEW.term, NEW.holder, "
        + "NEW.expires_at, clock_timestamp()); RETURN NEW; END $$");
    TestDatabase.execute("CREATE TRIGGER audit_leader AFTER INSERT OR UPDATE ON " + s + ".th_leaders FOR EACH ROW "
        + "EXECUTE FUNCTION " + s + ".audit_leader_fn()");
    TestDatabase.execute("CREATE TABLE " + s + ".audit_reserve (job uuid, old_holder text, new_holder text, "
        + "old_expiry timestamptz, reserved_at timestamptz)");
    TestDatabase.execute("CREATE FUNCTION " + s + ".audit_reserve_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        + "INSERT INTO " + s + ".audit_reserve VALUES (NEW.id, OLD.leased_by, NEW.leased_by, OLD.lease_expires_at, "
        + "NEW.started_at); RETURN NEW; END $$");
    TestDatabase.execute("CREATE TRIGGER audit_reserve AFTER UPDATE OF lease_token ON " + s + ".th_jobs FOR EACH ROW "
        + "WHEN (OLD.status = 'inflight' AND NEW.status = 'inflight' AND OLD.lease_token IS DISTINCT FROM "
        + "NEW.lease_token) EXECUTE FUNCTION " + s + ".audit_reserve_fn()");
  }

  @AfterEach
  void tearDown() {
    for (Node n : nodes) {
      n.process().destroyForcibly();
    }
    if (schema != null) {
      TestDatabase.drop(schema);
    }
  }

  @Test
  @DisplayName("three node processes: SIGKILL of the leader and SIGSTOP of another keep one leader at a time, "
      + "recover the dead node's jobs early, and run every job once")
  void oneLeaderAtATimeUnderKillsAndPauses() throws Exception {
    String dsn = TestDatabase.dsn(schema);
    try (TaskHarbor harbor = TaskHarbor.connect(dsn)) {
      List<JobRequest> requests = new ArrayList<>();
      for (int n = 0; n < JOBS; n++) {
        requests.add(JobRequest.builder("work", new Work(n)).queue(DistributedNodeMain.QUEUE).build());
      }
      harbor.enqueueAll(requests);

      for (int i = 0; i < 3; i++) {
        nodes.add(start(dsn));
      }
      await("a leader is elected", Duration.ofSeconds(30), () -> currentLeader() != null);
      await("some jobs are done", Duration.ofSeconds(30), () -> done(harbor) >= JOBS / 5);

      Node leader = node(currentLeader());
      long firstTerm = scalar("SELECT max(term) FROM " + schema + ".audit_leader");
      leader.process().destroyForcibly(); // SIGKILL: no shutdown hook, no resignation, no release
      Instant killedAt = dbNow();
      assertThat(leader.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
      long orphans = scalar("SELECT count(*) FROM " + schema + ".th_jobs WHERE status = 'inflight' AND leased_by = '"
          + leader.id() + "'");
      assertThat(orphans).as("the killed leader held jobs").isPositive();

      await("another node leads", Duration.ofSeconds(30), () -> {
        String now = currentLeader();
        return now != null && !now.equals(leader.id());
      });
      Node next = node(currentLeader());
      Instant nextLeads = instant("SELECT min(expires_at - interval '1200 milliseconds') FROM " + schema
          + ".audit_leader WHERE term > " + firstTerm + " AND holder IS NOT NULL");

      String heldAtKill = rows("SELECT id, lease_expires_at, started_at FROM " + schema + ".th_jobs WHERE status = "
          + "'inflight' AND leased_by = '" + leader.id() + "'");
      try {
        await("the new leader recovered the killed node's jobs (killed at " + killedAt + ", holding" + heldAtKill + ")",
            Duration.ofSeconds(30), () -> {
          try {
            return scalar("SELECT count(*) FROM " + schema + ".audit_event WHERE event = 'maintained' AND node <> '"
                + leader.id() + "' AND split_part(detail, ' ', 1)::int > 0") > 0;
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nleases:" + leaderAudit() + "\nevents:" + rows("SELECT node, "
            + "event, term, detail, at FROM " + schema + ".audit_event WHERE event IN ('lead', 'stop', 'maintained') "
            + "ORDER BY at") + "\nnodes:" + rows("SELECT id, last_heartbeat FROM " + schema + ".th_nodes"), e);
      }
      long pausedTerm = scalar("SELECT max(term) FROM " + schema + ".audit_leader");
      signal("STOP", next);
      Instant pausedAt = dbNow();
      Thread.sleep(3_000); // past LEADER_TERM (1.2 s) and WORKER_TIMEOUT (1.5 s) + CLEANUP_INTERVAL (0.5 s)
      signal("CONT", next);
      Instant resumedAt = dbNow();

      await("every job is done", Duration.ofSeconds(90), () -> done(harbor) == JOBS);
      Thread.sleep(500);
      for (Node n : nodes) {
        if (n.process().isAlive()) {
          n.process().destroy(); // SIGTERM: graceful stop
        }
      }
      for (Node n : nodes) {
        assertThat(n.process().waitFor(30, TimeUnit.SECONDS)).as("node %s stops", n.id()).isTrue();
      }

      assertLeasesNeverOverlapAndTermsGrowByOne();
      assertThat(Duration.between(killedAt, nextLeads)).as("from the leader's SIGKILL to the next leader")
          .isLessThanOrEqualTo(Duration.ofMillis(1200 + 400).plus(SLACK));
      assertKilledNodesJobsRecoveredEarly(leader, killedAt);
      assertEveryJobReservedAgainOnlyAfterItsLeaseEnded();
      assertFrozenNodeGaveUpAndDidNotLead(next, pausedTerm, pausedAt, resumedAt);
      assertEveryJobDoneOnceOrRunAgainOnlyAfterADeathOrFreeze(leader, next);
      assertThat(scalar("SELECT count(*) FROM " + schema + ".th_nodes")).as("the survivors deregistered").isZero();
      System.out.printf("distributed: %d jobs; leader %s killed at %s; next leader after %d ms; its jobs claimable "
          + "after %d ms; %s frozen %s to %s%n", JOBS, leader.id(), killedAt,
          Duration.between(killedAt, nextLeads).toMillis(), recoveredAfter.toMillis(), next.id(), pausedAt, resumedAt);
    }
  }

  private Node start(String dsn) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = Path.of("target", "distributed-node-" + (nodes.size() + 1) + ".log");
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        DistributedNodeMain.class.getName(), dsn, Long.toString(HANDLER_MILLIS), schema)
        .redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    Map<String, String> ready = new ConcurrentHashMap<>();
    PrintWriter sink = new PrintWriter(Files.newBufferedWriter(log), true);
    Thread reader = new Thread(() -> out.lines().forEach(line -> {
      sink.println(line);
      if (line.startsWith("READY ")) {
        ready.put("id", line.substring("READY ".length()));
      }
    }));
    reader.setDaemon(true);
    reader.start();
    await("a node process starts", Duration.ofSeconds(60), () -> ready.containsKey("id") || !p.isAlive());
    assertThat(p.isAlive()).as("the node process runs").isTrue();
    return new Node(p, ready.get("id"));
  }

  private Node node(String id) {
    return nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError(
        "no node process has id " + id));
  }

  private static void signal(String signal, Node node) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.process().pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill -%s", signal).isZero();
  }

  // ------------------------------------------------------------------------------------------------ assertions

  private String leaderAudit() throws SQLException {
    return rows("SELECT seq, term, holder, expires_at, at FROM " + schema + ".audit_leader ORDER BY seq");
  }

  /**
   * Every term one more than the last, one holder per term, and a term acquired only once the last one's lease had
   * ended: its expiry as last renewed, or its resignation, whichever came first.
   */
  private void assertLeasesNeverOverlapAndTermsGrowByOne() throws SQLException {
    Map<Long, String> holders = new TreeMap<>();
    Map<Long, Instant> ends = new TreeMap<>();
    Map<Long, Instant> acquired = new TreeMap<>();
    try (Connection c = TestDatabase.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT term, holder, expires_at, at FROM " + schema + ".audit_leader "
            + "ORDER BY seq")) {
      while (rs.next()) {
        long term = rs.getLong(1);
        String holder = rs.getString(2);
        if (holder == null) { // resigned: the lease ended when the row changed
          Instant resigned = rs.getTimestamp(4).toInstant();
          ends.merge(term, resigned, (a, b) -> a.isBefore(b) ? a : b);
          continue;
        }
        Instant expires = rs.getTimestamp(3).toInstant();
        String before = holders.putIfAbsent(term, holder);
        assertThat(before == null || before.equals(holder)).as("term %d has one holder", term).isTrue();
        acquired.putIfAbsent(term, expires.minusMillis(1200));
        if (!ends.containsKey(term) || ends.get(term).isAfter(expires)) {
          ends.put(term, expires);
        }
      }
    }
    assertThat(holders.size()).as("terms seen").isGreaterThanOrEqualTo(2);
    long expected = holders.keySet().iterator().next();
    for (long term : holders.keySet()) {
      assertThat(term).as("terms grow by one").isEqualTo(expected++);
      Instant previousEnd = ends.get(term - 1);
      if (previousEnd != null) {
        assertThat(acquired.get(term)).as("term %d acquired only once term %d's lease ended; the leases:%s", term,
            term - 1, leaderAudit()).isAfterOrEqualTo(previousEnd);
      }
    }
  }

  /**
   * The killed node's jobs became claimable (the leader ended their leases) within WORKER_TIMEOUT + CLEANUP_INTERVAL
   * of the kill, long before their own 10 s leases would have ended. When they then run depends on the backlog: a
   * recovered job is claimable from the instant of its recovery, behind the jobs that were ready before it.
   */
  private void assertKilledNodesJobsRecoveredEarly(Node killed, Instant killedAt) throws SQLException {
    List<Instant> claimable = instants("SELECT old_expiry FROM " + schema + ".audit_reserve WHERE old_holder = '"
        + killed.id() + "' ORDER BY old_expiry");
    assertThat(claimable).as("the killed node's jobs were reserved again").isNotEmpty();
    Duration latest = Duration.between(killedAt, claimable.get(claimable.size() - 1));
    assertThat(latest).as("the killed node's jobs are claimable within WORKER_TIMEOUT + CLEANUP_INTERVAL (their leases "
        + "last 10 s)").isLessThanOrEqualTo(Duration.ofMillis(1500 + 500).plus(SLACK));
    recoveredAfter = latest;
    assertThat(scalar("SELECT count(*) FROM " + schema + ".audit_event WHERE event = 'maintained' "
        + "AND split_part(detail, ' ', 1)::int > 0")).as("a leader recovered orphaned jobs").isPositive();
  }

  private void assertEveryJobReservedAgainOnlyAfterItsLeaseEnded() throws SQLException {
    assertThat(scalar("SELECT count(*) FROM " + schema + ".audit_reserve WHERE old_expiry > reserved_at"))
        .as("reservations of a job whose previous lease was still valid").isZero();
  }

  private void assertFrozenNodeGaveUpAndDidNotLead(Node frozen, long pausedTerm, Instant pausedAt,
      Instant resumedAt) throws SQLException {
    // The frozen node's jobs whose leases the new leader ended while the node was frozen (old_expiry is the instant
    // of recovery); they run again once their turn comes, behind the jobs that were ready before.
    long frozenJobsTaken = scalar("SELECT count(*) FROM " + schema + ".audit_reserve WHERE old_holder = '"
        + frozen.id() + "' AND old_expiry BETWEEN '" + pausedAt + "' AND '" + resumedAt + "'");
    long gaveUp = scalar("SELECT count(*) FROM " + schema + ".audit_event WHERE node = '" + frozen.id()
        + "' AND event IN ('leaseLost', 'refused') AND at >= '" + pausedAt + "'"); // nothing runs while frozen
    assertThat(frozenJobsTaken).as("the frozen node's jobs were recovered while it was frozen, and run elsewhere")
        .isPositive();
    assertThat(gaveUp).as("the frozen node's late work on its taken jobs was given up or refused, and counted")
        .isPositive();
    assertThat(scalar("SELECT count(*) FROM " + schema + ".audit_event WHERE node = '" + frozen.id()
        + "' AND event = 'maintained' AND term = " + pausedTerm + " AND at > '" + resumedAt.plusMillis(200) + "'"))
        .as("no maintenance under the frozen node's old term after it woke").isZero();
    long newerTerms = scalar("SELECT count(DISTINCT term) FROM " + schema + ".audit_leader WHERE term > " + pausedTerm);
    if (scalar("SELECT count(*) FROM " + schema + ".audit_leader WHERE term = " + pausedTerm + " AND holder = '"
        + frozen.id() + "'") > 0) {
      assertThat(newerTerms).as("a frozen leader is replaced").isPositive();
    }
  }

  private void assertEveryJobDoneOnceOrRunAgainOnlyAfterADeathOrFreeze(Node killed, Node frozen)
      throws SQLException {
    Map<UUID, List<Object[]>> runs = new LinkedHashMap<>();
    try (Connection c = TestDatabase.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT job, node, started, ended FROM " + schema + ".audit_run ORDER BY "
            + "started")) {
      while (rs.next()) {
        runs.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>()).add(new Object[] {rs.getString(2),
            rs.getTimestamp(3).toInstant(), rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant()});
      }
    }
    assertThat(runs).as("every job ran").hasSize(JOBS);
    Set<String> interrupted = Set.of(killed.id(), frozen.id());
    for (Map.Entry<UUID, List<Object[]>> job : runs.entrySet()) {
      List<Object[]> r = job.getValue();
      for (int i = 0; i + 1 < r.size(); i++) {
        String node = (String) r.get(i)[0];
        Instant ended = (Instant) r.get(i)[2];
        Instant nextStarted = (Instant) r.get(i + 1)[1];
        boolean before = ended != null && !ended.isAfter(nextStarted);
        assertThat(before || interrupted.contains(node))
            .as("job %s ran again on %s at %s while its run on %s (ended %s) was not over, and that node neither "
                + "died nor froze", job.getKey(), r.get(i + 1)[0], nextStarted, node, ended).isTrue();
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ queries

  private String currentLeader() {
    try (Connection c = TestDatabase.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT holder FROM " + schema + ".th_leaders WHERE expires_at > now()")) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private String rows(String sql) throws SQLException {
    StringBuilder b = new StringBuilder();
    try (Connection c = TestDatabase.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        b.append("\n ");
        for (int i = 1; i <= n; i++) {
          b.append(' ').append(rs.getString(i));
        }
      }
    }
    return b.toString();
  }

  private long done(TaskHarbor harbor) {
    return harbor.stats(DistributedNodeMain.QUEUE).done();
  }

  private long scalar(String sql) throws SQLException {
    try (Connection c = TestDatabase.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private Instant instant(String sql) throws SQLException {
    List<Instant> all = instants(sql);
    assertThat(all).as(sql).isNotEmpty();
    return all.get(0);
  }

  private List<Instant> instants(String sql) throws SQLException {
    List<Instant> all = new ArrayList<>();
    try (Connection c = TestDatabase.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        if (rs.getTimestamp(1) != null) {
          all.add(rs.getTimestamp(1).toInstant());
        }
      }
    }
    return all;
  }

  private static Instant dbNow() throws SQLException {
    try (Connection c = TestDatabase.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT clock_timestamp()")) {
      rs.next();
      return rs.getTimestamp(1).toInstant();
    }
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + what);
      }
      Thread.sleep(20);
    }
  }
}
