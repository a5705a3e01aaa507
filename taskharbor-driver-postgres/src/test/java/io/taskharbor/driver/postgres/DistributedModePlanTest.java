package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.spi.LiveJobs;
import io.taskharbor.spi.Statistics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The plans of distributed mode's two statements that read many jobs, on a table shaped like a production one after
 * a week of retention: 200,000 jobs in 4 queues and 7 types, 97% of them finished (the oldest rows), the rest live
 * (READY, some scheduled, and INFLIGHT jobs held by 50 nodes, 5 of them dead). {@code liveJobs} must read only the
 * live rows, through {@code th_jobs_reserve_idx}, and recovery must find the dead nodes' INFLIGHT jobs through {@code
 * th_jobs_leased_by_idx}; neither may scan the table, as the custom plan of a first execution or as the generic plan
 * a server-side prepared statement may switch to. The plans are printed, to be quoted.
 */
@Tag("postgres")
class DistributedModePlanTest {

  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final int ROWS = 200_000;
  private static final int FINISHED = 194_000;
  private static String schema;

  @BeforeAll
  static void load() throws SQLException {
    schema = TestDatabase.createMigratedSchema();
    try (Connection c = TestDatabase.connect();
        PreparedStatement ps = c.prepareStatement("""
            INSERT INTO %1$s.th_jobs (id, queue, type, payload, priority, run_at, attempts, max_attempts, status,
                                      lease_token, lease_expires_at, available_at, result, created_at, updated_at,
                                      finished_at, leased_by, started_at)
            SELECT gen_random_uuid(), 'q' || (g %% 4), 'type.' || (g %% 7), jsonb_build_object('n', g), 0,
                   CASE WHEN g > %2$d AND g %% 3 = 1 THEN n.t + g * interval '1 second' END,
                   CASE WHEN g <= %2$d OR g %% 3 = 0 THEN 1 ELSE 0 END,
                   25,
                   CASE WHEN g <= %2$d THEN 'done' WHEN g %% 3 = 0 THEN 'inflight' ELSE 'ready' END,
                   CASE WHEN g > %2$d AND g %% 3 = 0 THEN gen_random_uuid() END,
                   CASE WHEN g > %2$d AND g %% 3 = 0 THEN n.t + interval '5 minutes' END,
                   CASE WHEN g <= %2$d THEN NULL
                        WHEN g %% 3 = 0 THEN n.t + interval '5 minutes'
                        WHEN g %% 3 = 1 THEN n.t + g * interval '1 second'
                        ELSE n.t - interval '7 days' + g * interval '3 seconds' END,
                   CASE WHEN g <= %2$d THEN '{"ok":true}'::jsonb END,
                   n.t - interval '7 days' + g * interval '3 seconds',
                   n.t - interval '1 minute',
                   CASE WHEN g <= %2$d THEN n.t - interval '7 days' + g * interval '3 seconds' END,
                   CASE WHEN g <= %2$d OR g %% 3 = 0 THEN 'node-' || (g %% 50) END,
                   CASE WHEN g <= %2$d OR g %% 3 = 0 THEN n.t - interval '2 minutes' END
            FROM generate_series(1, %3$d) AS g, (SELECT ?::timestamptz AS t) AS n
            """.formatted(schema, FINISHED, ROWS))) {
      ps.setObject(1, OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC));
      ps.executeUpdate();
      try (Statement st = c.createStatement()) {
        st.execute("""
            INSERT INTO %1$s.th_nodes (id, host, pid, version, queues, pool_size, started_at, last_heartbeat)
            SELECT 'node-' || g, 'host-' || g, 1000 + g, '0.1.0', ARRAY['q0', 'q1'], 16, now() - interval '1 day',
                   CASE WHEN g < 5 THEN now() - interval '10 minutes' ELSE now() END
            FROM generate_series(0, 49) AS g
            """.formatted(schema));
        st.execute("INSERT INTO " + schema + ".th_leaders VALUES ('cluster', 'node-7', 3, now() + interval '1 day')");
        st.execute("ANALYZE " + schema + ".th_jobs");
        st.execute("ANALYZE " + schema + ".th_nodes");
      }
    }
  }

  @AfterAll
  static void dropSchema() {
    if (schema != null) {
      TestDatabase.drop(schema);
    }
  }

  private static List<String> explain(String sql, JobRowsBinder binder) throws SQLException {
    List<String> plan = new ArrayList<>();
    try (Connection c = TestDatabase.connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, COSTS) " + sql)) {
        binder.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            plan.add(rs.getString(1));
          }
        }
      } finally {
        c.rollback();
      }
    }
    return plan;
  }

  @FunctionalInterface
  private interface JobRowsBinder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** The generic plan of {@code sql} with these literal arguments, as a prepared statement may settle on it. */
  private static String genericPlan(NamedSql sql, Map<String, String> literals) throws SQLException {
    String[] args = new String[(int) sql.jdbc().chars().filter(ch -> ch == '?').count()];
    literals.forEach((name, literal) -> {
      for (int p : sql.positions(name)) {
        args[p - 1] = literal;
      }
    });
    StringBuilder numbered = new StringBuilder();
    int k = 0;
    for (char ch : sql.jdbc().toCharArray()) {
      if (ch == '?') {
        numbered.append('$').append(++k);
      } else {
        numbered.append(ch);
      }
    }
    List<String> plan = new ArrayList<>();
    try (Connection c = TestDatabase.connect(); Statement st = c.createStatement()) {
      st.execute("SET plan_cache_mode = force_generic_plan");
      st.execute("PREPARE th_plan AS " + numbered);
      try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE th_plan(" + String.join(", ", args) + ")")) {
        while (rs.next()) {
          plan.add(rs.getString(1));
        }
      }
      st.execute("DEALLOCATE th_plan");
    }
    return String.join("\n", plan);
  }

  @Test
  void liveJobsReadsTheLiveRowsThroughThePartialIndexOnly() throws SQLException {
    NamedSql live = new Statements(schema).liveJobs;
    List<String> plan = explain(live.jdbc(), ps -> JobRows.Params.of(ps, live).instant("now", NOW));
    System.out.println("EXPLAIN (ANALYZE, BUFFERS) of liveJobs on 200,000 jobs (6,000 live):");
    plan.forEach(line -> System.out.println("  " + line));

    String text = String.join("\n", plan);
    assertThat(text).contains("th_jobs_reserve_idx").doesNotContain("Seq Scan");
    String generic = genericPlan(live, Map.of("now", "'" + NOW + "'"));
    System.out.println("EXPLAIN of the generic plan of liveJobs:\n" + generic);
    assertThat(generic).contains("th_jobs_reserve_idx").doesNotContain("Seq Scan");
  }

  @Test
  void liveJobsCountsTheBacklog() {
    try (PostgresDriver driver = PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(1).build()) {
      Statistics statistics = driver.extension(Statistics.class).orElseThrow();
      long start = System.nanoTime();
      LiveJobs live = statistics.liveJobs(NOW);
      long micros = (System.nanoTime() - start) / 1_000;

      System.out.println("liveJobs on the 200,000-job backlog took " + micros + " µs (first call), "
          + live.groups().size() + " groups");
      assertThat(live.groups()).hasSize(28);
      assertThat(live.groups().stream().mapToLong(g -> g.ready() + g.scheduled() + g.inflight()).sum())
          .isEqualTo(ROWS - FINISHED);
      assertThat(live.groups().stream().mapToLong(LiveJobs.Group::inflight).sum()).isEqualTo((ROWS - FINISHED) / 3);
      assertThat(live.oldestDue()).containsOnlyKeys("q0", "q1", "q2", "q3");
      assertThat(live.oldestDue().values()).allSatisfy(due -> assertThat(due).isBefore(NOW));
    }
  }

  @Test
  void recoveryFindsTheDeadNodesJobsThroughTheLeasedByIndex() throws SQLException {
    NamedSql recover;
    try (PostgresDriver driver = PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(1).build()) {
      recover = ((PostgresCoordination) driver.extension(io.taskharbor.spi.Coordination.class).orElseThrow())
          .recoverStatement();
    }
    Instant cutoff = Instant.now().minus(Duration.ofMinutes(1));
    List<String> plan = explain(recover.jdbc(), ps -> JobRows.Params.of(ps, recover).instant("cutoff", cutoff)
        .instant("now", NOW));
    System.out.println("EXPLAIN (ANALYZE, BUFFERS) of recoverOrphans (5 dead nodes of 50, 2,000 INFLIGHT jobs):");
    plan.forEach(line -> System.out.println("  " + line));

    String text = String.join("\n", plan);
    assertThat(text).contains("th_jobs_leased_by_idx").doesNotContain("Seq Scan on th_jobs");
    String generic = genericPlan(recover, Map.of("cutoff", "'" + cutoff + "'", "now", "'" + NOW + "'"));
    System.out.println("EXPLAIN of the generic plan of recoverOrphans:\n" + generic);
    assertThat(generic).contains("th_jobs_leased_by_idx").doesNotContain("Seq Scan on th_jobs");
  }
}
