package io.taskharbor.driver.postgres;

import io.taskharbor.api.JobStatus;
import io.taskharbor.api.StaleTermException;
import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.LeaderLease;
import io.taskharbor.spi.NodeInfo;
import io.taskharbor.spi.NodeRecord;
import io.taskharbor.spi.support.Validation;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link Coordination} extension of the PostgreSQL driver: the node registry in {@code th_nodes}, leader leases in
 * {@code th_leaders}, and the leader-only calls on {@code th_jobs}. Every rule holds across connections and
 * processes:
 *
 * <ul>
 *   <li><b>Acquire</b> is one {@code INSERT ... ON CONFLICT (name) DO UPDATE ... WHERE ... RETURNING}: the conflict
 *       path locks the lease row and evaluates its condition (free, lapsed at now, or held by the caller) on the
 *       latest committed version, so two candidates never both take it: the second waits for the first's row lock
 *       and then finds the lease valid and someone else's. A candidate that does not get it reads the lease back.
 *   <li><b>Renew</b> locks the lease row ({@code SELECT ... FOR UPDATE} in the same statement) and updates it only if
 *       term, holder and validity at now match; <b>resign</b> is one conditional {@code UPDATE}.
 *   <li><b>Leader-only calls</b> run in one transaction that first reads the lease row {@code FOR SHARE}: acquire,
 *       renew and resign of that name wait until the call commits, so the term checked is the term under which the
 *       write commits (a lapse that another node's acquire would act on is not acted on until then). A refused call
 *       rolls back, changing nothing.
 *   <li><b>Recovery</b> locks the dead nodes' rows ({@code FOR SHARE}, so a concurrent heartbeat waits rather than
 *       reviving a node whose jobs are being recovered) and the orphans' rows in id order, found through the partial
 *       index {@code th_jobs_leased_by_idx}, and re-checks each orphan (still INFLIGHT, lease still valid) under its
 *       lock.
 * </ul>
 *
 * Liveness and validity compare with {@code now} passed in, never the database clock: dead iff {@code last_heartbeat
 * <= now - timeout} (computed in Java, exact to the microsecond), valid iff {@code expires_at > now}. Only {@link
 * #serverTime()} reads the clock: {@code clock_timestamp()}, the instant the statement reads it, rather than {@code
 * now()}, the start of the transaction, which on a connection in a long transaction (an application's data source
 * with auto-commit off) could be arbitrarily old; for the engine's offset estimate the read should fall inside the
 * round trip it measures.
 */
final class PostgresCoordination implements Coordination {

  /** What the driver lends: its connections, in auto-commit or in one transaction, and its closed state. */
  interface Connections {
    /** Runs {@code work} on a connection in auto-commit mode; SQL failures are translated. */
    <T> T run(String operation, Sql<T> work);

    /** Runs {@code work} in one transaction, committed when it returns and rolled back when it throws. */
    <T> T transaction(String operation, Sql<T> work);

    /** Throws {@link IllegalStateException} when the driver is closed. */
    void ensureOpen();
  }

  /** Work on one connection. */
  @FunctionalInterface
  interface Sql<T> {
    T apply(Connection c) throws SQLException;
  }

  private final Connections connections;
  private final JobStore store;
  private final NamedSql register;
  private final NamedSql heartbeat;
  private final NamedSql deregister;
  private final NamedSql nodes;
  private final NamedSql acquire;
  private final NamedSql lease;
  private final NamedSql renew;
  private final NamedSql resign;
  private final NamedSql fence;
  private final NamedSql recover;
  private final NamedSql removeDead;

  PostgresCoordination(String schema, Connections connections, JobStore store) {
    this.connections = connections;
    this.store = store;
    String s = "\"" + Options.checkSchema(schema) + "\"";
    String nodesTable = s + ".th_nodes";
    String leaders = s + ".th_leaders";
    String jobs = s + ".th_jobs";

    register = NamedSql.of("""
        INSERT INTO %1$s AS n (id, host, pid, version, queues, pool_size, started_at, last_heartbeat)
        VALUES (:id::text, :host::text, :pid::bigint, :version::text, :queues::text[], :poolSize::int,
                :startedAt::timestamptz, :now::timestamptz)
        ON CONFLICT (id) DO UPDATE
        SET host = EXCLUDED.host, pid = EXCLUDED.pid, version = EXCLUDED.version, queues = EXCLUDED.queues,
            pool_size = EXCLUDED.pool_size, started_at = EXCLUDED.started_at, last_heartbeat = EXCLUDED.last_heartbeat
        """.formatted(nodesTable));
    heartbeat = NamedSql.of(
        "UPDATE " + nodesTable + " SET last_heartbeat = :now::timestamptz WHERE id = :id::text");
    deregister = NamedSql.of("DELETE FROM " + nodesTable + " WHERE id = :id::text");
    nodes = NamedSql.of("SELECT id, host, pid, version, queues, pool_size, started_at, last_heartbeat FROM "
        + nodesTable + " ORDER BY id COLLATE \"C\"");

    acquire = NamedSql.of("""
        INSERT INTO %1$s AS l (name, holder, term, expires_at)
        VALUES (:name::text, :node::text, 1, :expires::timestamptz)
        ON CONFLICT (name) DO UPDATE
        SET holder = EXCLUDED.holder,
            term = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at > :now::timestamptz THEN l.term
                        ELSE l.term + 1 END,
            expires_at = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at > :now::timestamptz
                              THEN GREATEST(l.expires_at, EXCLUDED.expires_at) ELSE EXCLUDED.expires_at END
        WHERE l.holder IS NULL OR l.expires_at <= :now::timestamptz OR l.holder = EXCLUDED.holder
        RETURNING l.holder, l.term, l.expires_at
        """.formatted(leaders));
    lease = NamedSql.of("SELECT holder, term, expires_at FROM " + leaders + " WHERE name = :name::text");
    renew = NamedSql.of("""
        WITH cur AS MATERIALIZED (
          SELECT c.name, c.holder, c.term, c.expires_at FROM %1$s AS c WHERE c.name = :name::text FOR UPDATE
        ),
        renewed AS (
          UPDATE %1$s AS l SET expires_at = GREATEST(l.expires_at, :expires::timestamptz)
          FROM cur
          WHERE l.name = cur.name AND cur.term = :term::bigint AND cur.holder = :node::text
            AND cur.expires_at > :now::timestamptz
          RETURNING l.expires_at
        )
        SELECT cur.holder, cur.term, cur.expires_at, (SELECT r.expires_at FROM renewed r) AS renewed_to FROM cur
        """.formatted(leaders));
    resign = NamedSql.of("UPDATE " + leaders + " SET holder = NULL, expires_at = NULL WHERE name = :name::text "
        + "AND term = :term::bigint AND holder = :node::text");
    fence = NamedSql.of(
        "SELECT holder, term, expires_at FROM " + leaders + " WHERE name = :name::text FOR SHARE");

    recover = NamedSql.of("""
        WITH dead AS MATERIALIZED (
          SELECT n.id FROM %1$s AS n WHERE n.last_heartbeat <= :cutoff::timestamptz ORDER BY n.id FOR SHARE
        ),
        orphans AS MATERIALIZED (
          SELECT o.id FROM %2$s AS o
          WHERE o.status = 'inflight' AND o.leased_by IS NOT NULL AND o.leased_by IN (SELECT d.id FROM dead d)
            -- IS TRUE: not an index condition, so the planner cannot pick th_jobs_inflight_idx (every INFLIGHT job
            -- of the table) over th_jobs_leased_by_idx (only the jobs of the dead nodes)
            AND (o.lease_expires_at > :now::timestamptz) IS TRUE
          ORDER BY o.id
          FOR UPDATE OF o
        )
        UPDATE %2$s AS j
        SET lease_expires_at = :now::timestamptz, available_at = :now::timestamptz, updated_at = :now::timestamptz
        FROM orphans
        WHERE j.id = orphans.id AND j.status = 'inflight' AND j.lease_expires_at > :now::timestamptz
        """.formatted(nodesTable, jobs));
    removeDead = NamedSql.of("DELETE FROM " + nodesTable + " WHERE last_heartbeat <= :cutoff::timestamptz");
  }

  /** The statements, for the plan tests. */
  NamedSql recoverStatement() {
    return recover;
  }

  // ------------------------------------------------------------------------------------------------------ registry

  @Override
  public void register(NodeInfo node, Instant now) {
    connections.ensureOpen();
    Objects.requireNonNull(node, "node must not be null");
    Instant at = Validation.now(now);
    connections.run("register", c -> {
      try (PreparedStatement ps = c.prepareStatement(register.jdbc())) {
        JobRows.Params.of(ps, register).text("id", node.id()).text("host", node.host()).bigint("pid", node.pid())
            .text("version", node.version()).array("queues", c, "text", node.queues().toArray(String[]::new))
            .integer("poolSize", node.poolSize()).instant("startedAt", node.startedAt()).instant("now", at);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public boolean heartbeat(String nodeId, Instant now) {
    connections.ensureOpen();
    String id = CoordinationChecks.nodeId(nodeId);
    Instant at = Validation.now(now);
    return connections.run("heartbeat", c -> {
      try (PreparedStatement ps = c.prepareStatement(heartbeat.jdbc())) {
        JobRows.Params.of(ps, heartbeat).text("id", id).instant("now", at);
        return ps.executeUpdate() > 0;
      }
    });
  }

  @Override
  public void deregister(String nodeId) {
    connections.ensureOpen();
    String id = CoordinationChecks.nodeId(nodeId);
    connections.run("deregister", c -> {
      try (PreparedStatement ps = c.prepareStatement(deregister.jdbc())) {
        JobRows.Params.of(ps, deregister).text("id", id);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public List<NodeRecord> nodes(Instant now, Duration timeout) {
    connections.ensureOpen();
    Instant at = Validation.now(now);
    Duration silence = Validation.positive(timeout, "timeout");
    return connections.run("nodes", c -> {
      List<NodeRecord> all = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(nodes.jdbc()); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Array queues = rs.getArray(5);
          NodeInfo node = new NodeInfo(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
              Arrays.asList((String[]) queues.getArray()), rs.getInt(6), JobRows.requireInstant(rs, 7));
          Instant beat = JobRows.requireInstant(rs, 8);
          all.add(new NodeRecord(node, beat, beat.plus(silence).isAfter(at)));
        }
      }
      return List.copyOf(all);
    });
  }

  // ------------------------------------------------------------------------------------------------------ leaders

  @Override
  public LeaderLease acquire(String name, String nodeId, Instant now, Duration ttl) {
    connections.ensureOpen();
    String leaseName = CoordinationChecks.name(name);
    String id = CoordinationChecks.nodeId(nodeId);
    Instant at = Validation.now(now);
    Instant until = at.plus(Validation.positive(ttl, "ttl"));
    return connections.run("acquire", c -> {
      try (PreparedStatement ps = c.prepareStatement(acquire.jdbc())) {
        JobRows.Params.of(ps, acquire).text("name", leaseName).text("node", id).instant("expires", until)
            .instant("now", at);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return read(leaseName, rs);
          }
        }
      }
      // Another node holds a valid lease: the statement changed nothing; answer with the lease as it is now.
      return read(c, leaseName).orElseThrow(() -> new SQLException(
          "the lease " + leaseName + " was neither taken nor found: was th_leaders edited by hand?", "XX000"));
    });
  }

  @Override
  public LeaderLease renew(String name, String nodeId, long term, Instant now, Duration ttl) {
    connections.ensureOpen();
    String leaseName = CoordinationChecks.name(name);
    String id = CoordinationChecks.nodeId(nodeId);
    long presented = CoordinationChecks.term(term);
    Instant at = Validation.now(now);
    Instant until = at.plus(Validation.positive(ttl, "ttl"));
    return connections.run("renew", c -> {
      try (PreparedStatement ps = c.prepareStatement(renew.jdbc())) {
        JobRows.Params.of(ps, renew).text("name", leaseName).text("node", id).bigint("term", presented)
            .instant("expires", until).instant("now", at);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new StaleTermException(leaseName, presented, 0, null);
          }
          Instant renewed = JobRows.instant(rs, 4);
          if (renewed == null) {
            throw new StaleTermException(leaseName, presented, rs.getLong(2), rs.getString(1));
          }
          return new LeaderLease(leaseName, id, presented, renewed);
        }
      }
    });
  }

  @Override
  public void resign(String name, String nodeId, long term, Instant now) {
    connections.ensureOpen();
    String leaseName = CoordinationChecks.name(name);
    String id = CoordinationChecks.nodeId(nodeId);
    long presented = CoordinationChecks.term(term);
    Validation.now(now);
    connections.run("resign", c -> {
      try (PreparedStatement ps = c.prepareStatement(resign.jdbc())) {
        JobRows.Params.of(ps, resign).text("name", leaseName).bigint("term", presented).text("node", id);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<LeaderLease> leader(String name) {
    connections.ensureOpen();
    String leaseName = CoordinationChecks.name(name);
    return connections.run("leader", c -> read(c, leaseName));
  }

  private Optional<LeaderLease> read(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(lease.jdbc())) {
      JobRows.Params.of(ps, lease).text("name", name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(name, rs)) : Optional.empty();
      }
    }
  }

  /** A lease from columns holder, term, expires_at (1 to 3). */
  private static LeaderLease read(String name, ResultSet rs) throws SQLException {
    return new LeaderLease(name, rs.getString(1), rs.getLong(2), JobRows.instant(rs, 3));
  }

  // ------------------------------------------------------------------------------------------------------ fenced

  /**
   * Locks the lease row for share and checks that {@code term} is its term and valid at {@code now}; in the caller's
   * transaction, so that the lease cannot change before it commits.
   */
  private void fence(Connection c, String name, long term, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(fence.jdbc())) {
      JobRows.Params.of(ps, fence).text("name", name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new StaleTermException(name, term, 0, null);
        }
        String holder = rs.getString(1);
        long current = rs.getLong(2);
        Instant expires = JobRows.instant(rs, 3);
        if (current != term || holder == null || expires == null || !expires.isAfter(now)) {
          throw new StaleTermException(name, term, current, holder);
        }
      }
    }
  }

  @Override
  public int recoverOrphans(String name, long term, Instant now, Duration nodeTimeout) {
    connections.ensureOpen();
    String leaseName = CoordinationChecks.name(name);
    long presented = CoordinationChecks.term(term);
    Instant at = Validation.now(now);
    Instant cutoff = at.minus(Validation.positive(nodeTimeout, "nodeTimeout"));
    return connections.transaction("recoverOrphans", c -> {
      fence(c, leaseName, presented, at);
      try (PreparedStatement ps = c.prepareStatement(recover.jdbc())) {
        JobRows.Params.of(ps, recover).instant("cutoff", cutoff).instant("now", at);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public int removeDeadNodes(String name, long term, Instant now, Duration nodeTimeout) {
    connections.ensureOpen();
    String leaseName = CoordinationChecks.name(name);
    long presented = CoordinationChecks.term(term);
    Instant at = Validation.now(now);
    Instant cutoff = at.minus(Validation.positive(nodeTimeout, "nodeTimeout"));
    return connections.transaction("removeDeadNodes", c -> {
      fence(c, leaseName, presented, at);
      try (PreparedStatement ps = c.prepareStatement(removeDead.jdbc())) {
        JobRows.Params.of(ps, removeDead).instant("cutoff", cutoff);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public long purge(String name, long term, Set<JobStatus> statuses, Instant finishedBefore, Instant now) {
    connections.ensureOpen();
    String leaseName = CoordinationChecks.name(name);
    long presented = CoordinationChecks.term(term);
    Set<JobStatus> which = Validation.purgeStatuses(statuses);
    Instant before = Validation.instant(finishedBefore, "finishedBefore");
    Instant at = Validation.now(now);
    return connections.transaction("purge", c -> {
      fence(c, leaseName, presented, at);
      return store.purge(c, which, before);
    });
  }

  @Override
  public Instant serverTime() {
    connections.ensureOpen();
    return connections.run("serverTime", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT clock_timestamp()");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return JobRows.requireInstant(rs, 1).truncatedTo(ChronoUnit.MICROS);
      }
    });
  }

  @Override
  public String toString() {
    return "PostgresCoordination";
  }
}
