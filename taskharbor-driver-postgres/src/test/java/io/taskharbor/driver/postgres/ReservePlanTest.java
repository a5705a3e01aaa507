package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.spi.LeasedJob;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reserve statement on a realistic backlog: 200,000 rows in one queue, most DONE, many scheduled in the future,
 * some INFLIGHT, a few thousand due. Its plan (printed, to be quoted) must read the partial index in order and never
 * sort, both as the custom plan a first execution gets and as the generic plan a server-side prepared statement may
 * switch to.
 */
@Tag("postgres")
class ReservePlanTest {

  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final String QUEUE = "bulk";
  private static String schema;

  @BeforeAll
  static void load() throws SQLException {
    schema = TestDatabase.createMigratedSchema();
    try (Connection c = TestDatabase.connect();
        PreparedStatement ps = c.prepareStatement("""
            INSERT INTO %s.th_jobs (id, queue, type, payload, priority, run_at, attempts, max_attempts, status,
                                    lease_token, lease_expires_at, available_at, result, created_at, updated_at,
                                    finished_at)
            SELECT gen_random_uuid(), '%s', 'bulk.task', jsonb_build_object('n', g), 0,
                   CASE WHEN g %% 100 BETWEEN 75 AND 89 THEN n.t + g * interval '1 second' END,
                   CASE WHEN g %% 100 < 75 OR g %% 100 BETWEEN 90 AND 94 THEN 1 ELSE 0 END,
                   25,
                   CASE WHEN g %% 100 < 75 THEN 'done' WHEN g %% 100 BETWEEN 90 AND 94 THEN 'inflight'
                        ELSE 'ready' END,
                   CASE WHEN g %% 100 BETWEEN 90 AND 94 THEN gen_random_uuid() END,
                   CASE WHEN g %% 100 BETWEEN 90 AND 94 THEN n.t + interval '5 minutes' END,
                   CASE WHEN g %% 100 BETWEEN 75 AND 89 THEN n.t + g * interval '1 second'
                        WHEN g %% 100 BETWEEN 90 AND 94 THEN n.t + interval '5 minutes'
                        WHEN g %% 100 >= 95 THEN n.t - g * interval '1 millisecond' END,
                   CASE WHEN g %% 100 < 75 THEN '{"ok":true}'::jsonb END,
                   CASE WHEN g %% 100 >= 95 THEN n.t - g * interval '1 millisecond'
                        ELSE n.t - interval '1 day' END,
                   n.t - interval '1 hour',
                   CASE WHEN g %% 100 < 75 THEN n.t - interval '1 hour' END
            FROM generate_series(1, 200000) AS g, (SELECT ?::timestamptz AS t) AS n
            """.formatted(schema, QUEUE))) {
      ps.setObject(1, OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC));
      ps.executeUpdate();
      try (Statement st = c.createStatement()) {
        st.execute("ANALYZE " + schema + ".th_jobs");
      }
    }
  }

  @AfterAll
  static void dropSchema() {
    if (schema != null) {
      TestDatabase.drop(schema);
    }
  }

  @Test
  void theReserveStatementReadsThePartialIndexInOrderWithoutASort() throws SQLException {
    Statements statements = new Statements(schema);
    NamedSql reserve = statements.reserve;
    List<String> plan = new ArrayList<>();
    try (Connection c = TestDatabase.connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, COSTS) " + reserve.jdbc())) {
        JobRows.Params.of(ps, reserve).text("queue", QUEUE).integer("max", 10).instant("now", NOW)
            .instant("expires", NOW.plusSeconds(30)).text("holder", "node-1");
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            plan.add(rs.getString(1));
          }
        }
      } finally {
        c.rollback();
      }
    }
    System.out.println("EXPLAIN (ANALYZE, BUFFERS) of reserve(max 10) on 200,000 jobs of one queue:");
    plan.forEach(line -> System.out.println("  " + line));

    String text = String.join("\n", plan);
    assertThat(text).contains("Index Scan using th_jobs_reserve_idx");
    assertThat(text).doesNotContain("Sort").doesNotContain("Seq Scan");
  }

  @Test
  void theGenericPlanOfThePreparedStatementDoesNotSortEither() throws SQLException {
    NamedSql reserve = new Statements(schema).reserve;
    String numbered = numbered(reserve.jdbc());
    List<String> plan = new ArrayList<>();
    try (Connection c = TestDatabase.connect(); Statement st = c.createStatement()) {
      st.execute("SET plan_cache_mode = force_generic_plan");
      st.execute("PREPARE th_reserve_plan AS " + numbered);
      String[] args = new String[countParams(reserve.jdbc())];
      fill(args, reserve, "queue", "'" + QUEUE + "'");
      fill(args, reserve, "max", "10");
      fill(args, reserve, "now", "'" + NOW + "'");
      fill(args, reserve, "expires", "'" + NOW.plusSeconds(30) + "'");
      fill(args, reserve, "holder", "'node-1'");
      try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE th_reserve_plan(" + String.join(", ", args) + ")")) {
        while (rs.next()) {
          plan.add(rs.getString(1));
        }
      }
      st.execute("DEALLOCATE th_reserve_plan");
    }
    System.out.println("EXPLAIN of the generic plan of reserve (plan_cache_mode = force_generic_plan):");
    plan.forEach(line -> System.out.println("  " + line));

    String text = String.join("\n", plan);
    assertThat(text).contains("th_jobs_reserve_idx");
    assertThat(text).doesNotContain("Sort").doesNotContain("Seq Scan");
  }

  /** The generic plan (what a prepared statement settles on) of {@code sql} with these literal arguments. */
  private static String genericPlan(NamedSql sql, java.util.Map<String, String> literals) throws SQLException {
    String[] args = new String[countParams(sql.jdbc())];
    literals.forEach((name, literal) -> fill(args, sql, name, literal));
    List<String> plan = new ArrayList<>();
    try (Connection c = TestDatabase.connect(); Statement st = c.createStatement()) {
      st.execute("SET plan_cache_mode = force_generic_plan");
      st.execute("PREPARE th_plan AS " + numbered(sql.jdbc()));
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
  void theCompleteStatementFindsItsRowsByIdOnlyWhateverTheBacklog() throws SQLException {
    Statements statements = new Statements(schema);
    String ids = "'{" + java.util.UUID.randomUUID() + "," + java.util.UUID.randomUUID() + "}'";
    String plan = genericPlan(statements.complete, java.util.Map.of("ids", ids, "tokens", ids,
        "kinds", "'{ack,ack}'", "results", "'{NULL,NULL}'", "runAts", "'{NULL,NULL}'", "errors", "'{NULL,NULL}'",
        "reasons", "'{NULL,NULL}'", "now", "'" + NOW + "'", "channel", "'x'"));
    System.out.println("EXPLAIN of the generic plan of complete:\n" + plan);

    assertThat(plan).contains("th_jobs_pkey").doesNotContain("th_jobs_reserve_idx").doesNotContain("Seq Scan");
  }

  @Test
  void theCompleteStatementFindsItsRowsByIdEvenOnATableNeverAnalyzed() throws SQLException {
    // A table that was never analyzed (a fresh schema that filled up before autovacuum, if it runs at all, came by).
    String stale = TestDatabase.createMigratedSchema();
    try {
      try (Connection c = TestDatabase.connect(); Statement st = c.createStatement()) {
        String insert = "INSERT INTO " + stale + ".th_jobs (id, queue, type, payload, attempts, max_attempts, status, "
            + "available_at, created_at, updated_at) SELECT gen_random_uuid(), 'bulk', 't', '{}', 0, 25, 'ready', "
            + "now(), now(), now() FROM generate_series(1, %d)";
        st.execute(insert.formatted(20_000));
      }
      Statements statements = new Statements(stale);
      String ids = "'{" + java.util.UUID.randomUUID() + "}'";
      String plan = genericPlan(statements.complete, java.util.Map.of("ids", ids, "tokens", ids, "kinds", "'{ack}'",
          "results", "'{NULL}'", "runAts", "'{NULL}'", "errors", "'{NULL}'", "reasons", "'{NULL}'",
          "now", "'" + NOW + "'", "channel", "'x'"));

      assertThat(plan).contains("th_jobs_pkey").doesNotContain("th_jobs_reserve_idx").doesNotContain("Seq Scan");
    } finally {
      TestDatabase.drop(stale);
    }
  }

  @Test
  void theEnqueueStatementNeverScansTheTable() throws SQLException {
    Statements statements = new Statements(schema);
    String plan = genericPlan(statements.enqueue, java.util.Map.ofEntries(
        java.util.Map.entry("ids", "'{" + java.util.UUID.randomUUID() + "}'"), java.util.Map.entry("queues", "'{bulk}'"),
        java.util.Map.entry("types", "'{t}'"), java.util.Map.entry("payloads", "'{\"{}\"}'"),
        java.util.Map.entry("priorities", "'{0}'"), java.util.Map.entry("runAts", "'{NULL}'"),
        java.util.Map.entry("keys", "'{k-1}'"), java.util.Map.entry("maxAttempts", "'{25}'"),
        java.util.Map.entry("timeouts", "'{NULL}'"), java.util.Map.entry("now", "'" + NOW + "'"),
        java.util.Map.entry("channel", "'x'")));
    System.out.println("EXPLAIN of the generic plan of enqueue:\n" + plan);

    assertThat(plan).doesNotContain("Seq Scan on th_jobs").contains("th_jobs_idempotency_key_idx");
  }

  @Test
  void reserveOnTheBacklogLeasesTheOldestDueJobsInOrder() {
    try (PostgresDriver driver = PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(1).build()) {
      long start = System.nanoTime();
      List<LeasedJob> leased = driver.reserve(QUEUE, 10, NOW.plusSeconds(1), Duration.ofSeconds(30));
      long micros = (System.nanoTime() - start) / 1_000;

      System.out.println("reserve(max 10) on the 200,000-job backlog took " + micros + " µs (first call)");
      assertThat(leased).hasSize(10);
      List<Instant> created = leased.stream().map(j -> j.job().createdAt()).toList();
      assertThat(created).isSortedAccordingTo(Instant::compareTo);
      // the oldest due jobs are those with the largest g among g % 100 >= 95: created 199,999 ms before NOW
      assertThat(created.get(0)).isEqualTo(NOW.minusMillis(199_999));
    }
  }

  private static String numbered(String jdbc) {
    StringBuilder b = new StringBuilder();
    int k = 0;
    for (char ch : jdbc.toCharArray()) {
      if (ch == '?') {
        b.append('$').append(++k);
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }

  private static int countParams(String jdbc) {
    return (int) jdbc.chars().filter(ch -> ch == '?').count();
  }

  private static void fill(String[] args, NamedSql sql, String name, String literal) {
    for (int p : sql.positions(name)) {
      args[p - 1] = literal;
    }
  }
}
