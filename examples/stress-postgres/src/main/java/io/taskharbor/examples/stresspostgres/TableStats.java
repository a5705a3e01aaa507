package io.taskharbor.examples.stresspostgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What PostgreSQL says about a run's {@code th_jobs}: its sizes and its counters in {@code pg_stat_user_tables}, and
 * whether autovacuum has work left on it by its own thresholds (the table's reloptions, else the server's settings).
 * Read on a plain connection of the benchmark's own; the counters lag the work by up to the server's statistics
 * flush interval (about a second, ten for an idle backend).
 */
final class TableStats {

  /**
   * One look at the table.
   *
   * @param heapBytes the table's main fork ({@code pg_relation_size})
   * @param indexBytes all its indexes ({@code pg_indexes_size})
   * @param totalBytes heap, indexes and TOAST ({@code pg_total_relation_size})
   * @param schemaBytes every table of the schema with its indexes and TOAST
   * @param reserveIndexBytes {@code th_jobs_reserve_idx}
   * @param lastAutovacuum null before the first
   * @param lastAutoanalyze null before the first
   */
  record Sample(long heapBytes, long indexBytes, long totalBytes, long schemaBytes, long reserveIndexBytes,
      long liveTuples, long deadTuples, long modsSinceAnalyze, long insertsSinceVacuum,
      OffsetDateTime lastAutovacuum, OffsetDateTime lastAutoanalyze, long autovacuums,
      long autoanalyzes) {}

  /**
   * Whether autovacuum would act on the table now.
   *
   * @param enabled the server's {@code autovacuum} setting
   * @param running a VACUUM or ANALYZE of the table is in progress
   */
  record Pending(boolean enabled, boolean running, boolean vacuum, boolean insertVacuum, boolean analyze) {
    boolean any() {
      return running || vacuum || insertVacuum || analyze;
    }

    @Override
    public String toString() {
      List<String> what = new ArrayList<>();
      if (running) {
        what.add("running");
      }
      if (vacuum) {
        what.add("vacuum due (dead tuples)");
      }
      if (insertVacuum) {
        what.add("vacuum due (inserts)");
      }
      if (analyze) {
        what.add("analyze due");
      }
      return what.isEmpty() ? "nothing to do" : String.join(", ", what);
    }
  }

  private final Connection connection;
  private final String table;
  private final String reserveIndex;
  private final String schema;

  TableStats(Connection connection, String schema) {
    this.connection = connection;
    this.schema = schema;
    this.table = schema + ".th_jobs";
    this.reserveIndex = schema + ".th_jobs_reserve_idx";
  }

  Sample sample() throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("""
        SELECT pg_relation_size(c.oid), pg_indexes_size(c.oid), pg_total_relation_size(c.oid),
               (SELECT sum(pg_total_relation_size(t.oid))::bigint FROM pg_class t
                WHERE t.relnamespace = c.relnamespace AND t.relkind = 'r'),
               pg_relation_size(to_regclass(?)),
               s.n_live_tup, s.n_dead_tup, s.n_mod_since_analyze, s.n_ins_since_vacuum, s.last_autovacuum,
               s.last_autoanalyze, s.autovacuum_count, s.autoanalyze_count
        FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
        WHERE c.oid = to_regclass(?)""")) {
      ps.setString(1, reserveIndex);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("no table " + table);
        }
        return new Sample(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
            rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getObject(10, OffsetDateTime.class),
            rs.getObject(11, OffsetDateTime.class), rs.getLong(12), rs.getLong(13));
      }
    }
  }

  /** Autovacuum's view of the table: its thresholds, as {@code autovacuum.c} computes them, against the counters. */
  Pending pending() throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("""
        WITH t AS (
          SELECT c.oid, greatest(c.reltuples, 0) AS tuples,
                 coalesce(o.vt, current_setting('autovacuum_vacuum_threshold'))::float8 AS vt,
                 coalesce(o.vs, current_setting('autovacuum_vacuum_scale_factor'))::float8 AS vs,
                 coalesce(o.it, current_setting('autovacuum_vacuum_insert_threshold'))::float8 AS it,
                 coalesce(o.isf, current_setting('autovacuum_vacuum_insert_scale_factor'))::float8 AS isf,
                 coalesce(o.at, current_setting('autovacuum_analyze_threshold'))::float8 AS at,
                 coalesce(o.asf, current_setting('autovacuum_analyze_scale_factor'))::float8 AS asf
          FROM pg_class c
          CROSS JOIN LATERAL (
            SELECT max(option_value) FILTER (WHERE option_name = 'autovacuum_vacuum_threshold') AS vt,
                   max(option_value) FILTER (WHERE option_name = 'autovacuum_vacuum_scale_factor') AS vs,
                   max(option_value) FILTER (WHERE option_name = 'autovacuum_vacuum_insert_threshold') AS it,
                   max(option_value) FILTER (WHERE option_name = 'autovacuum_vacuum_insert_scale_factor') AS isf,
                   max(option_value) FILTER (WHERE option_name = 'autovacuum_analyze_threshold') AS at,
                   max(option_value) FILTER (WHERE option_name = 'autovacuum_analyze_scale_factor') AS asf
            FROM pg_options_to_table(c.reloptions)
          ) o
          WHERE c.oid = to_regclass(?)
        )
        SELECT current_setting('autovacuum')::boolean,
               EXISTS (SELECT 1 FROM pg_stat_progress_vacuum p WHERE p.relid = t.oid)
                 OR EXISTS (SELECT 1 FROM pg_stat_progress_analyze p WHERE p.relid = t.oid),
               s.n_dead_tup > t.vt + t.vs * t.tuples,
               s.n_ins_since_vacuum > t.it + t.isf * t.tuples,
               s.n_mod_since_analyze > t.at + t.asf * t.tuples
        FROM t JOIN pg_stat_user_tables s ON s.relid = t.oid""")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("no table " + table);
        }
        return new Pending(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4), rs.getBoolean(5));
      }
    }
  }

  /**
   * Waits up to {@code most} for autovacuum to have nothing left to do on the table (checked every second, after a
   * first wait for the counters to catch up), and returns what it saw; at once when autovacuum is off on the server.
   */
  String settle(Duration most) throws SQLException, InterruptedException {
    if (most.isZero()) {
      return "not waited for (--settle=0s): " + pending();
    }
    long start = System.nanoTime();
    Sample before = sample();
    Pending p = pending();
    if (!p.enabled()) {
      return "autovacuum is OFF on this server: nothing to wait for (" + p + ")";
    }
    // The statistics of the last transactions reach the counters up to ~10 s late (an idle backend's flush).
    Thread.sleep(Math.min(most.toMillis(), 11_000));
    long deadline = start + most.toNanos();
    while ((p = pending()).any() && System.nanoTime() < deadline) {
      Thread.sleep(1_000);
    }
    Sample after = sample();
    return String.format(Locale.ROOT, "%s after %.0f s; autovacuum ran %d vacuum(s) and %d analyze(s) meanwhile",
        p.any() ? "autovacuum still had work (" + p + ")" : "autovacuum had nothing left to do",
        (System.nanoTime() - start) / 1e9, after.autovacuums() - before.autovacuums(),
        after.autoanalyzes() - before.autoanalyzes());
  }

  /**
   * The server's write counters from {@code pg_stat_bgwriter}: checkpoints completed, buffers written for
   * checkpoints, by backends and by the background writer.
   */
  long[] writes() throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("""
        SELECT checkpoints_timed + checkpoints_req, buffers_checkpoint, buffers_backend, buffers_clean
        FROM pg_stat_bgwriter""")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)};
    }
  }

  /** The sizes of the table's indexes, largest first, one line. */
  String indexSizes() throws SQLException {
    StringBuilder b = new StringBuilder();
    try (PreparedStatement ps = connection.prepareStatement("""
        SELECT i.indexrelid::regclass::text, pg_relation_size(i.indexrelid)
        FROM pg_index i WHERE i.indrelid = to_regclass(?) ORDER BY 2 DESC, 1""")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          b.append(b.length() == 0 ? "" : ", ").append(name.substring(name.indexOf('.') + 1)).append(' ')
              .append(mb(rs.getLong(2)));
        }
      }
    }
    return b.toString();
  }

  /** The server's version and the settings that decide how the table is vacuumed, one line. */
  String server() throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("""
        SELECT current_setting('server_version'), current_setting('autovacuum'),
               current_setting('autovacuum_naptime'), current_setting('autovacuum_vacuum_cost_limit'),
               current_setting('shared_buffers'), current_setting('max_connections'),
               (SELECT array_to_string(reloptions, ', ') FROM pg_class WHERE oid = to_regclass('%s'))"""
        .formatted(table))) {
      rs.next();
      return String.format(Locale.ROOT, "PostgreSQL %s, autovacuum %s (naptime %s, cost limit %s), shared_buffers %s, "
              + "max_connections %s; th_jobs reloptions: %s", rs.getString(1), rs.getString(2).toUpperCase(Locale.ROOT),
          rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7));
    }
  }

  String schema() {
    return schema;
  }

  /** A warning to print when autovacuum is off on the server, else empty. */
  String autovacuumWarning() throws SQLException {
    return pending().enabled() ? "" : "WARNING: autovacuum is OFF on this server (a CI server's setting, say): nothing "
        + "but page pruning reclaims space, so these figures are not those of a default PostgreSQL";
  }

  /** Bytes as megabytes with one decimal. */
  static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
  }

  /** The one-minute load average of the machine, from {@code /proc/loadavg}, or "?" where there is none. */
  static String load() {
    try {
      String[] parts = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "?";
    }
  }

  /** Prints what a run's figures depend on, before it starts: the server, a warning if autovacuum is off, the load. */
  void printStart() throws SQLException {
    System.out.println("server: " + server());
    String warning = autovacuumWarning();
    if (!warning.isEmpty()) {
      System.out.println(warning);
    }
    System.out.println("load average at start: " + load());
  }
}
