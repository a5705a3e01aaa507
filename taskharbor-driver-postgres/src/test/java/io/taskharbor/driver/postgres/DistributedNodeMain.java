package io.taskharbor.driver.postgres;

import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStateException;
import io.taskharbor.engine.DistributedMode;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import io.taskharbor.engine.event.TaskHarborListener;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * One node of {@link DistributedProcessTest}, in a process of its own: a worker in distributed mode with short
 * intervals, on the DSN in {@code args[0]} (whose schema, {@code args[2]}, holds the audit tables), whose handlers
 * sleep {@code args[1]} milliseconds. It writes
 * what it does into the test's audit tables, with the database's clock: each execution's start and end
 * ({@code audit_run}), and its leadership changes, maintenance runs, lost leases and refused outcomes
 * ({@code audit_event}). It prints {@code READY <node id>} once its worker runs, and stops gracefully on SIGTERM.
 */
final class DistributedNodeMain {

  /** The cluster's settings: a second-scale cluster, so that the test sees several terms in little time. */
  static final DistributedMode MODE = DistributedMode.builder()
      .heartbeatInterval(Duration.ofMillis(250))
      .workerTimeout(Duration.ofMillis(1500))
      .leaderTerm(Duration.ofMillis(1200))
      .cleanupInterval(Duration.ofMillis(500))
      .clockRefresh(Duration.ofSeconds(5))
      .build();

  static final String QUEUE = "distributed";

  record Work(int n) {}

  private DistributedNodeMain() {}

  public static void main(String[] args) throws Exception {
    String dsn = args[0];
    long sleep = Long.parseLong(args[1]);
    Connection auditConnection = PostgresDriver.connect(dsn);
    try (var st = auditConnection.createStatement()) {
      st.execute("SET search_path TO " + Options.checkSchema(args[2]));
    }
    Audit audit = new Audit(auditConnection);
    TaskHarbor harbor = TaskHarbor.builder().driverUri(dsn).distributed(MODE).listener(audit).build();
    audit.node = harbor.nodeId();
    Worker worker = harbor.newWorker().queues(QUEUE).concurrency(4).pollInterval(Duration.ofMillis(50))
        .leaseDuration(Duration.ofSeconds(10)).leaseSafetyMargin(Duration.ofMillis(500))
        .shutdownTimeout(Duration.ofSeconds(5))
        .handle("work", Work.class, job -> {
          long run = audit.started(job.id().uuid(), job.attempt());
          Thread.sleep(sleep);
          audit.ended(run);
        })
        .build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();
      harbor.close();
      stopped.countDown();
    }));
    worker.start();
    System.out.println("CLOCK " + harbor.clock());
    System.out.println("READY " + harbor.nodeId());
    System.out.flush();
    stopped.await();
  }

  /** Writes the audit rows on one connection of its own; the database's clock stamps every row. */
  static final class Audit implements TaskHarborListener {
    private final Connection connection;
    volatile String node = "?";

    Audit(Connection connection) throws SQLException {
      this.connection = connection;
      connection.setAutoCommit(true);
    }

    synchronized long started(UUID job, int attempt) throws SQLException {
      try (PreparedStatement ps = connection.prepareStatement("INSERT INTO audit_run (job, node, attempt, started) "
          + "VALUES (?, ?, ?, clock_timestamp()) RETURNING id")) {
        ps.setObject(1, job);
        ps.setString(2, node);
        ps.setInt(3, attempt);
        try (var rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    }

    synchronized void ended(long run) throws SQLException {
      try (PreparedStatement ps = connection.prepareStatement(
          "UPDATE audit_run SET ended = clock_timestamp() WHERE id = ?")) {
        ps.setLong(1, run);
        ps.executeUpdate();
      }
    }

    private synchronized void event(String event, long term, String detail) {
      try (PreparedStatement ps = connection.prepareStatement("INSERT INTO audit_event (node, event, term, detail, at) "
          + "VALUES (?, ?, ?, ?, clock_timestamp())")) {
        ps.setString(1, node);
        ps.setString(2, event);
        ps.setLong(3, term);
        ps.setString(4, detail);
        ps.executeUpdate();
      } catch (SQLException e) {
        System.err.println("audit: " + e);
      }
    }

    @Override
    public void leadershipChanged(String nodeId, boolean leader, long term) {
      event(leader ? "lead" : "stop", term, null);
    }

    @Override
    public void maintained(String nodeId, long term, int recoveredJobs, int removedNodes, long purgedJobs) {
      event("maintained", term, recoveredJobs + " " + removedNodes);
    }

    @Override
    public void leaseLost(JobRecord job) {
      event("leaseLost", 0, job.id().toString());
    }

    @Override
    public void completionRefused(JobRecord job, JobStateException refusal) {
      event("refused", 0, job.id().toString());
    }
  }
}
