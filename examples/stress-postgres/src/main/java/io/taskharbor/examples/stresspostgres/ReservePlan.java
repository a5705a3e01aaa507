package io.taskharbor.examples.stresspostgres;

import io.taskharbor.examples.support.ExampleEnv;
import io.taskharbor.spi.support.DriverRules;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plans PostgreSQL makes for the driver's reserve statement, read with {@code EXPLAIN (ANALYZE, BUFFERS)} in a
 * transaction that is rolled back, so that explaining leases nothing.
 *
 * <p>The statement is a copy of the PostgreSQL driver's (its {@code Statements.reserve} for a queue without stored
 * settings), because the driver keeps its SQL to itself; {@code ReservePlanTest} fails when the two differ. The
 * driver prepares it on the server on first use, so after five executions on a connection PostgreSQL may switch to a
 * generic plan ({@code plan_cache_mode = auto}): this class shows the custom plan, the generic plan, and which of the
 * two a connection ends up with.
 */
final class ReservePlan {
  private ReservePlan() {}

  /** The statement, with the driver's {@code :name} parameters. */
  static String named(String schema) {
    String t = "\"" + schema + "\".th_jobs";
    String settingsTable = "\"" + schema + "\".th_queue_settings";
    String room = "CASE WHEN EXISTS (SELECT 1 FROM %s s WHERE s.queue = :queue::text) THEN 0 ELSE :max::int END"
        .formatted(settingsTable);
    String leaseCommitMode = "SELECT set_config('synchronous_commit', 'off', true) AS mode";
    String reservedColumns = "j.id, j.queue, j.type, j.payload::text AS payload, j.priority, j.run_at, "
        + "j.idempotency_key, j.attempts, j.max_attempts, j.timeout_micros, j.lease_token, j.last_error, j.created_at, "
        + "c.available_at AS claimable_at, c.swept, j.details_at, j.details_text";
    return """
        WITH commit_mode AS MATERIALIZED (%4$s),
        canceling AS (
          SELECT k.ctid, k.id, k.available_at
          FROM %1$s AS k
          WHERE k.queue = :queue::text AND k.status = 'inflight' AND k.cancel_requested_at IS NOT NULL
            AND k.lease_expires_at <= :now::timestamptz
          FOR UPDATE SKIP LOCKED
        ),
        expired AS (
          SELECT e.ctid, e.id, e.available_at
          FROM %1$s AS e
          WHERE e.queue = :queue::text AND e.status = 'inflight' AND e.attempts >= e.max_attempts
            AND e.available_at <= :now::timestamptz AND e.cancel_requested_at IS NULL
          FOR UPDATE SKIP LOCKED
        ),
        picked AS (
          SELECT c.ctid, c.id, c.available_at
          FROM %1$s AS c
          WHERE c.queue = :queue::text AND c.status IN ('ready', 'inflight') AND c.available_at <= :now::timestamptz
            AND (c.status = 'ready' OR c.attempts < c.max_attempts) AND c.cancel_requested_at IS NULL
          ORDER BY c.priority DESC, c.available_at, c.id
          LIMIT %5$s
          FOR UPDATE SKIP LOCKED
        ),
        chosen AS (
          SELECT x.ctid AS tid, x.id, x.available_at, true AS swept, false AS canceled FROM expired x
          UNION ALL
          SELECT k.ctid, k.id, k.available_at, true, true FROM canceling k
          UNION ALL
          SELECT p.ctid, p.id, p.available_at, false, false FROM picked p
        )
        UPDATE %1$s AS j
        SET status = CASE WHEN c.canceled THEN 'canceled' WHEN c.swept THEN 'dlq' ELSE 'inflight' END,
            lease_token = CASE WHEN c.swept THEN NULL ELSE gen_random_uuid() END,
            lease_expires_at = CASE WHEN c.swept THEN NULL ELSE :expires::timestamptz END,
            available_at = CASE WHEN c.swept THEN NULL ELSE :expires::timestamptz END,
            attempts = CASE WHEN c.swept THEN j.attempts ELSE j.attempts + 1 END,
            dlq_reason = CASE WHEN c.swept AND NOT c.canceled THEN '%2$s' END,
            dlq_failed_at = CASE WHEN c.swept AND NOT c.canceled THEN :now::timestamptz END,
            finished_at = CASE WHEN c.swept THEN :now::timestamptz END,
            leased_by = CASE WHEN c.swept THEN j.leased_by ELSE :holder::text END,
            started_at = CASE WHEN c.swept THEN j.started_at ELSE :now::timestamptz END,
            updated_at = :now::timestamptz
        FROM chosen c
        WHERE j.ctid = ANY (ARRAY(SELECT q.tid FROM chosen q)) AND j.ctid = c.tid AND j.id = c.id
          AND (SELECT m.mode FROM commit_mode m) IS NOT NULL
        RETURNING %3$s
        """.formatted(t, DriverRules.LAST_ATTEMPT_EXPIRED, reservedColumns, leaseCommitMode, room);
  }

  /**
   * The statement with each {@code :name} replaced by {@code placeholder(name)}, skipping {@code ::} casts and quoted
   * literals, as the driver's own parser does.
   */
  static String replaceParameters(String sql, java.util.function.Function<String, String> placeholder) {
    StringBuilder out = new StringBuilder(sql.length());
    boolean quoted = false;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == ':' && i + 1 < sql.length() && sql.charAt(i + 1) == ':') {
        out.append("::");
        i++;
        continue;
      } else if (!quoted && c == ':' && i + 1 < sql.length() && Character.isLetter(sql.charAt(i + 1))) {
        int end = i + 1;
        while (end < sql.length() && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
          end++;
        }
        out.append(placeholder.apply(sql.substring(i + 1, end)));
        i = end - 1;
        continue;
      }
      out.append(c);
    }
    return out.toString();
  }

  /** The statement as the driver sends it over JDBC: one {@code ?} per occurrence of a parameter. */
  static String jdbc(String schema) {
    return replaceParameters(named(schema), name -> "?");
  }

  /**
   * The plans of a reserve of up to {@code max} jobs of {@code queue} at {@code now}, on a connection of its own to
   * {@code dsn}: the custom plan, the generic plan, and the plan a connection settles on after the five custom plans
   * of {@code plan_cache_mode = auto}, each as {@code EXPLAIN (ANALYZE, BUFFERS)} prints it. Nothing is leased: each
   * runs in a transaction that is rolled back.
   */
  static String explain(String dsn, String schema, String queue, int max, Instant now, Duration lease)
      throws SQLException {
    Map<String, Integer> numbers = new LinkedHashMap<>();
    String prepared = prepared(schema, numbers);
    String args = arguments(numbers, queue, max, now, lease);
    StringBuilder out = new StringBuilder();
    try (Connection c = ExampleEnv.connect(dsn); Statement s = c.createStatement()) {
      for (String name : List.of("custom_reserve", "generic_reserve", "auto_reserve")) {
        s.execute("PREPARE " + name + " AS " + prepared);
      }
      c.setAutoCommit(false);
      plan(c, s, "force_custom_plan", "EXECUTE custom_reserve" + args); // warms the new session's caches, not shown
      out.append("-- custom plan (plan_cache_mode = force_custom_plan)\n")
          .append(plan(c, s, "force_custom_plan", "EXECUTE custom_reserve" + args));
      out.append("-- generic plan (plan_cache_mode = force_generic_plan)\n")
          .append(plan(c, s, "force_generic_plan", "EXECUTE generic_reserve" + args));
      for (int i = 0; i < 5; i++) {
        try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE auto_reserve" + args)) {
          while (rs.next()) {
            rs.getString(1);
          }
        }
      }
      String sixth = plan(c, s, "auto", "EXECUTE auto_reserve" + args);
      long generic;
      try (ResultSet rs = s.executeQuery(
          "SELECT generic_plans FROM pg_prepared_statements WHERE name = 'auto_reserve'")) {
        rs.next();
        generic = rs.getLong(1);
      }
      c.rollback();
      out.append("-- plan_cache_mode = auto: the sixth execution on a connection used the ")
          .append(generic > 0 ? "GENERIC" : "CUSTOM").append(" plan\n").append(sixth);
    }
    return out.toString();
  }

  /** The statement with {@code $n} parameters, one per name, numbered into {@code numbers} in order of appearance. */
  private static String prepared(String schema, Map<String, Integer> numbers) {
    return replaceParameters(named(schema), name -> "$" + numbers.computeIfAbsent(name, n -> numbers.size() + 1));
  }

  /** The arguments of an {@code EXECUTE} of {@link #prepared}, as SQL literals in parentheses. */
  private static String arguments(Map<String, Integer> numbers, String queue, int max, Instant now, Duration lease) {
    Map<String, String> values = Map.of(
        "queue", "'" + queue.replace("'", "''") + "'",
        "max", Integer.toString(max),
        "now", "'" + now + "'::timestamptz",
        "expires", "'" + now.plus(lease) + "'::timestamptz",
        "holder", "NULL::text");
    List<String> arguments = new ArrayList<>();
    numbers.keySet().forEach(name -> arguments.add(values.get(name)));
    return "(" + String.join(", ", arguments) + ")";
  }

  /**
   * What one reserve costs at a given moment, from its plan: the statement's execution time and the buffers its scan
   * of {@code th_jobs_reserve_idx} touched (index and heap pages, hit or read).
   */
  record Probe(double executionMillis, long reserveScanBuffers) {}

  private static final Pattern EXECUTION = Pattern.compile("Execution Time: ([0-9.]+) ms");
  private static final Pattern BUFFERS = Pattern.compile("Buffers: shared(?: hit=(\\d+))?(?: read=(\\d+))?");

  /**
   * Explains reserves of the driver's statement, on a connection of its own with the statement prepared once (so it
   * settles on a plan as a driver's connection does), each rolled back, so that probing leases nothing.
   */
  static final class Prober implements AutoCloseable {
    private final Connection connection;
    private final Statement statement;
    private final Map<String, Integer> numbers = new LinkedHashMap<>();
    private final String queue;
    private final int max;
    private final Duration lease;

    Prober(String dsn, String schema, String queue, int max, Duration lease) throws SQLException {
      this.queue = queue;
      this.max = max;
      this.lease = lease;
      connection = ExampleEnv.connect(dsn);
      statement = connection.createStatement();
      statement.execute("PREPARE probe_reserve AS " + prepared(schema, numbers));
      connection.setAutoCommit(false);
    }

    /** Explains one reserve at {@code now}. */
    Probe probe(Instant now) throws SQLException {
      double millis = -1;
      long buffers = -1;
      boolean inScan = false;
      try (ResultSet rs = statement.executeQuery("EXPLAIN (ANALYZE, BUFFERS) EXECUTE probe_reserve"
          + arguments(numbers, queue, max, now, lease))) {
        while (rs.next()) {
          String line = rs.getString(1);
          if (line.contains("Index Scan using th_jobs_reserve_idx")) {
            inScan = true;
          } else if (inScan && line.contains("->")) {
            inScan = false;
          } else if (inScan) {
            Matcher m = BUFFERS.matcher(line);
            if (m.find()) {
              buffers = (m.group(1) == null ? 0 : Long.parseLong(m.group(1)))
                  + (m.group(2) == null ? 0 : Long.parseLong(m.group(2)));
              inScan = false;
            }
          }
          Matcher m = EXECUTION.matcher(line);
          if (m.find()) {
            millis = Double.parseDouble(m.group(1));
          }
        }
      } finally {
        connection.rollback();
      }
      return new Probe(millis, buffers);
    }

    @Override
    public void close() throws SQLException {
      connection.close();
    }
  }

  private static String plan(Connection c, Statement s, String mode, String execute) throws SQLException {
    StringBuilder out = new StringBuilder();
    try {
      s.execute("SET LOCAL plan_cache_mode = " + mode);
      try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + execute)) {
        while (rs.next()) {
          out.append("  ").append(rs.getString(1)).append('\n');
        }
      }
    } finally {
      c.rollback();
    }
    return out.toString();
  }
}
