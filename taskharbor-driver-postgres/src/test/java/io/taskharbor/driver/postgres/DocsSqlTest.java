package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobId;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.NodeInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ```sql} block of {@code docs/postgres-driver.md} and {@code docs/distributed-mode.md} runs against the
 * real, migrated schema, seeded with jobs in every state (and, for distributed mode, with nodes alive and dead, a
 * leader and jobs held by each kind of node), so the pages' queries cannot drift from the schema. A few answers are
 * checked too, so that a query that runs but finds nothing (a wrong column value, say) fails as well.
 */
@Tag("postgres")
class DocsSqlTest {

  private static final Path DOC = Path.of("..", "docs", "postgres-driver.md");
  private static final Path DISTRIBUTED_DOC = Path.of("..", "docs", "distributed-mode.md");
  private static final Pattern SQL_BLOCK = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL);
  private static final Duration LEASE = Duration.ofMinutes(5);

  private String schema;

  @BeforeEach
  void seed() {
    schema = TestDatabase.createMigratedSchema();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Instant monthAgo = now.minus(Duration.ofDays(30));
    try (PostgresDriver driver = PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(2).build()) {
      // A month ago: two jobs done, one dead-lettered (old enough for the retention snippet to purge the done ones).
      driver.enqueue(List.of(job("default", null), job("default", null), job("default", null)), monthAgo);
      List<LeasedJob> old = driver.reserve("default", 3, monthAgo, LEASE);
      driver.complete(List.of(
          new Completion.Ack(old.get(0).id(), old.get(0).token(), "{\"sent\":true}"),
          new Completion.Ack(old.get(1).id(), old.get(1).token(), null),
          new Completion.Fail(old.get(2).id(), old.get(2).token(), "mailbox does not exist", "boom")), monthAgo);
      // Now: one keyed job done, one dead-lettered, one inflight, two ready, one scheduled, one in another queue.
      NewJob keyed = job("default", "invoice-42");
      NewJob declined = job("default", null);
      driver.enqueue(List.of(keyed, declined, job("default", null)), now);
      Map<JobId, LeasedJob> leased = new HashMap<>();
      driver.reserve("default", 3, now, LEASE).forEach(l -> leased.put(l.id(), l));
      driver.complete(List.of(
          new Completion.Ack(keyed.id(), leased.get(keyed.id()).token(), "{\"invoice\":42}"),
          new Completion.Fail(declined.id(), leased.get(declined.id()).token(), "card declined", "declined")), now);
      driver.enqueue(List.of(job("default", null), job("default", null), job("emails", null),
          new NewJob(JobId.newId(), "default", "report.build", "{}", 0, now.plus(Duration.ofHours(1)), null, 25,
              null)), now);
    }
  }

  private static NewJob job(String queue, String key) {
    return new NewJob(JobId.newId(), queue, "email.send", "{\"to\":\"ada@example.com\"}", 0, null, key, 25, null);
  }

  @AfterEach
  void dropSchema() {
    TestDatabase.drop(schema);
  }

  @Test
  @DisplayName("every SQL snippet of docs/postgres-driver.md runs against the migrated schema and finds what it says")
  void everySqlSnippetOfTheDocRuns() throws IOException, SQLException {
    assertThat(DOC).as("the PostgreSQL driver's page").exists();
    List<String> statements = statements(Files.readString(DOC, StandardCharsets.UTF_8));
    assertThat(statements).as("SQL statements in the page").hasSizeGreaterThanOrEqualTo(12);

    List<String> ran = new ArrayList<>();
    int checked = 0;
    try (Connection c = TestDatabase.connect(); Statement st = c.createStatement()) {
      for (String sql : statements) {
        String runnable = sql.replace("SET search_path TO taskharbor, public", "SET search_path TO " + schema);
        List<List<String>> rows;
        try {
          rows = execute(st, runnable);
        } catch (SQLException e) {
          throw new AssertionError("the doc's SQL failed: " + e.getMessage() + "\n" + sql, e);
        }
        checked += check(sql, rows) ? 1 : 0;
        ran.add(sql);
      }
    }
    assertThat(ran).hasSameSizeAs(statements);
    assertThat(checked).as("snippets whose answer was checked").isEqualTo(10);
  }

  @Test
  @DisplayName("every SQL snippet of docs/distributed-mode.md runs against the migrated schema and finds what it says")
  void everySqlSnippetOfTheDistributedModePageRuns() throws IOException, SQLException {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    try (PostgresDriver driver = PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(2).build()) {
      Coordination c = driver.extension(Coordination.class).orElseThrow();
      c.register(node("web-1-4242-7f3a", now), now);
      c.register(node("web-2-4243-9c1d", now), now.minus(Duration.ofMinutes(10)));
      c.acquire("cluster", "web-2-4243-9c1d", now.minus(Duration.ofMinutes(10)), Duration.ofSeconds(1));
      c.acquire("cluster", "web-1-4242-7f3a", now.minus(Duration.ofMinutes(5)), Duration.ofSeconds(1));
      assertThat(c.acquire("cluster", "web-1-4242-7f3a", now, Duration.ofMinutes(1)).term()).isEqualTo(3);
      driver.enqueue(List.of(job("dist", null), job("dist", null), job("dist", null), job("dist", null),
          job("dist", null)), now);
      assertThat(driver.reserve("dist", 2, now, LEASE, "web-1-4242-7f3a")).hasSize(2);
      assertThat(driver.reserve("dist", 1, now, LEASE, "web-2-4243-9c1d")).hasSize(1);
      assertThat(driver.reserve("dist", 1, now, LEASE, "web-3-4244-0b0e")).hasSize(1);
      LeasedJob finished = driver.reserve("dist", 1, now, LEASE, "web-2-4243-9c1d").get(0);
      driver.complete(List.of(new Completion.Ack(finished.id(), finished.token(), null)), now);
    }
    List<String> statements = statements(Files.readString(DISTRIBUTED_DOC, StandardCharsets.UTF_8));
    assertThat(statements).as("SQL statements in the page").hasSize(5);

    int checked = 0;
    try (Connection conn = TestDatabase.connect(); Statement st = conn.createStatement()) {
      for (String sql : statements) {
        String runnable = sql.replace("SET search_path TO taskharbor, public", "SET search_path TO " + schema);
        List<List<String>> rows;
        try {
          rows = execute(st, runnable);
        } catch (SQLException e) {
          throw new AssertionError("the doc's SQL failed: " + e.getMessage() + "\n" + sql, e);
        }
        checked += checkDistributed(sql, rows) ? 1 : 0;
      }
    }
    assertThat(checked).as("snippets whose answer was checked").isEqualTo(4);
  }

  private static NodeInfo node(String id, Instant now) {
    return NodeInfo.builder(id, now.minus(Duration.ofHours(2))).host(id.substring(0, 5)).pid(4242).version("0.1.0")
        .queues(List.of("default", "dist")).poolSize(16).build();
  }

  /** Checks the answers distributed-mode.md promises; returns whether it checked one. */
  private static boolean checkDistributed(String sql, List<List<String>> rows) {
    if (sql.contains("FROM th_nodes n") && sql.contains("AS alive")) {
      assertThat(rows).as("nodes").extracting(r -> r.get(0)).containsExactly("web-1-4242-7f3a", "web-2-4243-9c1d");
      assertThat(rows).as("alive").extracting(r -> r.get(8)).containsExactly("t", "f");
      assertThat(rows).as("running jobs").extracting(r -> r.get(10)).containsExactly("2", "1");
    } else if (sql.contains("FROM th_leaders")) {
      assertThat(rows).as("leases").hasSize(1);
      assertThat(rows.get(0).subList(0, 3)).containsExactly("cluster", "web-1-4242-7f3a", "3");
      assertThat(rows.get(0).get(4)).as("valid").isEqualTo("t");
    } else if (sql.contains("LEFT JOIN th_nodes n")) {
      assertThat(rows).as("orphaned jobs").extracting(r -> r.get(3) + " " + r.get(7))
          .containsExactly("web-2-4243-9c1d dead", "web-3-4244-0b0e not registered");
    } else if (sql.contains("leased_by = 'web-1-4242-7f3a'")) {
      assertThat(rows).as("running jobs of web-1").hasSize(2);
    } else {
      return false;
    }
    return true;
  }

  /** Checks the answer the page promises, for the snippets that promise one; returns whether it checked one. */
  private static boolean check(String sql, List<List<String>> rows) {
    if (sql.contains("FROM th_schema_migrations")) {
      assertThat(rows).as("migrations in the ledger").extracting(r -> r.get(0))
          .containsExactly("0001-create-th-jobs", "0002-th-jobs-indexes", "0003-one-state-check",
              "0003-finished-status-index", "0004-th-jobs-leased-by", "0004-th-jobs-leased-by-index",
              "0004-th-nodes", "0004-th-leaders", "0005-th-jobs-controls", "0005-th-jobs-inflight-index",
              "0005-th-jobs-paused-and-cancel-indexes", "0005-th-queue-settings", "0005-th-task-definitions");
    } else if (sql.contains("FROM pg_indexes")) {
      assertThat(rows).extracting(r -> r.get(0)).contains("th_jobs_reserve_idx", "th_jobs_idempotency_key_idx",
          "th_jobs_finished_queue_idx", "th_jobs_pkey");
    } else if (sql.contains("idempotency_key = 'invoice-42'")) {
      assertThat(rows).as("jobs holding the key invoice-42").hasSize(1);
      assertThat(rows.get(0).get(1)).isEqualTo("done");
    } else if (sql.contains("AND status = 'dlq'") && sql.contains("ORDER BY dlq_failed_at DESC")) {
      assertThat(rows).as("dead-lettered jobs of the queue default").hasSize(2);
    } else if (sql.contains("GROUP BY queue, type, dlq_reason")) {
      assertThat(rows).extracting(r -> r.get(2)).containsExactlyInAnyOrder("mailbox does not exist",
          "card declined");
    } else if (sql.startsWith("SELECT queue,") && sql.contains("GROUP BY queue")) {
      assertThat(rows).as("queue health rows").extracting(r -> r.get(0)).containsExactly("default", "emails");
      assertThat(rows.get(0)).as("default: ready, scheduled, inflight").startsWith("default", "2", "1", "1");
    } else if (sql.contains("ORDER BY priority DESC, available_at, id") && sql.contains("LIMIT 20")) {
      assertThat(rows).as("next jobs of the queue default").hasSize(2);
    } else if (sql.contains("WHERE status = 'inflight'")) {
      assertThat(rows).as("current leases").hasSize(1);
    } else if (sql.startsWith("DELETE FROM th_jobs")) {
      assertThat(rows).as("rows purged").containsExactly(List.of("2"));
    } else if (sql.startsWith("EXPLAIN")) {
      assertThat(String.join("\n", rows.stream().map(r -> r.get(0)).toList())).contains("LockRows");
    } else {
      return false;
    }
    return true;
  }

  /** The statements of every {@code ```sql} block, in page order (split at semicolons that end a line). */
  static List<String> statements(String markdown) {
    List<String> statements = new ArrayList<>();
    Matcher m = SQL_BLOCK.matcher(markdown);
    while (m.find()) {
      for (String statement : m.group(1).split(";\\s*(\\n|$)")) {
        if (!statement.isBlank()) {
          statements.add(statement.strip());
        }
      }
    }
    return statements;
  }

  /** Runs one statement; returns its rows as text (an update count as one row of one cell). */
  private static List<List<String>> execute(Statement st, String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    if (st.execute(sql)) {
      try (ResultSet rs = st.getResultSet()) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= columns; i++) {
            row.add(rs.getString(i));
          }
          rows.add(row);
        }
      }
    } else if (st.getUpdateCount() >= 0 && !sql.startsWith("SET")) {
      rows.add(List.of(Integer.toString(st.getUpdateCount())));
    }
    return rows;
  }

  @Test
  @DisplayName("the CREATE TABLE statements that docs/postgres-driver.md shows for queue controls are the changesets'")
  void theQueueControlTablesOfTheDocAreTheChangesets() throws IOException {
    String changeset = Files.readString(Path.of("src", "main", "resources", "io", "taskharbor", "driver", "postgres",
        "db", "changelog", "changes", "0005-queue-controls.sql"), StandardCharsets.UTF_8);
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("CREATE TABLE \\$\\{schema\\}\\.\\w+ \\(.*?\\n\\);", Pattern.DOTALL)
        .matcher(changeset);
    int tables = 0;
    while (m.find()) {
      assertThat(doc).as("the page shows the changeset's DDL").contains(m.group().replace("${schema}.", ""));
      tables++;
    }
    assertThat(tables).as("tables created by 0005").isEqualTo(2);
  }

  @Test
  void theSnippetSplitterKeepsMultiLineStatementsWhole() {
    String doc = "text\n```sql\nSELECT 1\nFROM t;\n\nSELECT 2;\n```\nmore\n```java\nint x;\n```\n";

    assertThat(statements(doc)).containsExactly("SELECT 1\nFROM t", "SELECT 2");
  }
}
