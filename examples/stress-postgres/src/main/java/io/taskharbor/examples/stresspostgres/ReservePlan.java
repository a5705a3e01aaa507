package io.taskharbor.examples.stresspostgres;

import io.taskharbor.examples.support.ExampleEnv;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plans PostgreSQL makes for the driver's reserve statement, read with {@code EXPLAIN (ANALYZE, BUFFERS)} in a
 * transaction that is rolled back, so that explaining leases nothing.
 *
 * <p>The statement is the PostgreSQL driver's own ({@code Statements.reserve}, for a queue without stored settings),
 * read by reflection, because the driver keeps its SQL to itself: what is explained is what the driver sends, never
 * a copy that could drift. The driver prepares it on the server on first use, so after five executions on a
 * connection PostgreSQL may switch to a generic plan ({@code plan_cache_mode = auto}): this class shows the custom
 * plan, the generic plan, and which of the two a connection ends up with.
 */
final class ReservePlan {
  private ReservePlan() {}

  /**
   * The driver's reserve statement for {@code schema} as it sends it over JDBC (one {@code ?} per occurrence of a
   * parameter), and the name of the parameter at each position, in order.
   */
  record Driver(String jdbc, List<String> parameters) {}

  static Driver driversReserve(String schema) {
    try {
      Class<?> statements = Class.forName("io.taskharbor.driver.postgres.Statements");
      Constructor<?> constructor = statements.getDeclaredConstructor(String.class);
      constructor.setAccessible(true);
      Field reserve = statements.getDeclaredField("reserve");
      reserve.setAccessible(true);
      Object named = reserve.get(constructor.newInstance(schema));
      Method jdbc = named.getClass().getDeclaredMethod("jdbc");
      jdbc.setAccessible(true);
      Field positions = named.getClass().getDeclaredField("positions");
      positions.setAccessible(true);
      Map<?, ?> byName = (Map<?, ?>) positions.get(named);
      String sql = (String) jdbc.invoke(named);
      String[] names = new String[(int) sql.chars().filter(ch -> ch == '?').count()];
      byName.forEach((name, at) -> {
        for (int position : (int[]) at) {
          names[position - 1] = (String) name;
        }
      });
      return new Driver(sql, List.of(names));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot read the reserve statement of the PostgreSQL driver on the classpath "
          + "(its Statements.reserve and NamedSql changed shape?): " + e, e);
    }
  }

  /**
   * The plans of a reserve of up to {@code max} jobs of {@code queue} at {@code now}, on a connection of its own to
   * {@code dsn}: the custom plan, the generic plan, and the plan a connection settles on after the five custom plans
   * of {@code plan_cache_mode = auto}, each as {@code EXPLAIN (ANALYZE, BUFFERS)} prints it. Nothing is leased: each
   * runs in a transaction that is rolled back.
   */
  static String explain(String dsn, String schema, String queue, int max, Instant now, Duration lease)
      throws SQLException {
    Driver reserve = driversReserve(schema);
    String prepared = prepared(reserve);
    String args = arguments(reserve, queue, max, now, lease);
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

  /** The driver's statement with {@code $n} parameters: the n-th {@code ?} becomes {@code $n}. */
  private static String prepared(Driver reserve) {
    StringBuilder out = new StringBuilder();
    int n = 0;
    for (char c : reserve.jdbc().toCharArray()) {
      if (c == '?') {
        out.append('$').append(++n);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The arguments of an {@code EXECUTE} of {@link #prepared}, as SQL literals in parentheses, one per position. */
  private static String arguments(Driver reserve, String queue, int max, Instant now, Duration lease) {
    Map<String, String> values = Map.of(
        "queue", "'" + queue.replace("'", "''") + "'",
        "max", Integer.toString(max),
        "now", "'" + now + "'::timestamptz",
        "expires", "'" + now.plus(lease) + "'::timestamptz",
        "holder", "NULL::text");
    List<String> arguments = new ArrayList<>();
    for (String name : reserve.parameters()) {
      String value = values.get(name);
      if (value == null) {
        throw new IllegalStateException("the driver's reserve statement has a parameter :" + name
            + " that this benchmark does not know");
      }
      arguments.add(value);
    }
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
    private final Driver reserve;
    private final String queue;
    private final int max;
    private final Duration lease;

    Prober(String dsn, String schema, String queue, int max, Duration lease) throws SQLException {
      this.queue = queue;
      this.max = max;
      this.lease = lease;
      connection = ExampleEnv.connect(dsn);
      statement = connection.createStatement();
      reserve = driversReserve(schema);
      statement.execute("PREPARE probe_reserve AS " + prepared(reserve));
      connection.setAutoCommit(false);
    }

    /** Explains one reserve at {@code now}. */
    Probe probe(Instant now) throws SQLException {
      double millis = -1;
      long buffers = -1;
      boolean inScan = false;
      try (ResultSet rs = statement.executeQuery("EXPLAIN (ANALYZE, BUFFERS) EXECUTE probe_reserve"
          + arguments(reserve, queue, max, now, lease))) {
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
