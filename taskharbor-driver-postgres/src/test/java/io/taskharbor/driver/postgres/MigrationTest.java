package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.api.JobId;
import io.taskharbor.spi.NewJob;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code migrate()}: applies the changelogs once, is a no-op the second time, and is safe under concurrency. */
@Tag("postgres")
class MigrationTest {

  private static final List<String> CHANGESETS =
      List.of("0001-create-th-jobs", "0002-th-jobs-indexes", "0003-one-state-check", "0003-finished-status-index",
          "0004-th-jobs-leased-by", "0004-th-jobs-leased-by-index", "0004-th-nodes", "0004-th-leaders",
          "0005-th-jobs-controls", "0005-th-jobs-inflight-index", "0005-th-jobs-paused-and-cancel-indexes",
          "0005-th-queue-settings", "0005-th-task-definitions");
  private final List<String> schemas = new ArrayList<>();

  @AfterEach
  void dropSchemas() {
    schemas.forEach(TestDatabase::drop);
  }

  private String newSchema() {
    String schema = TestDatabase.createSchema();
    schemas.add(schema);
    return schema;
  }

  private static PostgresDriver driver(String schema) {
    return PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(2).minIdle(0).build();
  }

  /** Migrates the driver's schema and stores one READY job in it; returns the job's id. */
  private static JobId migrateAndEnqueueOne(PostgresDriver driver) {
    driver.migrate();
    JobId id = JobId.newId();
    driver.enqueue(List.of(NewJob.of(id, "q", "t", "{}")), Instant.parse("2030-01-01T00:00:00Z"));
    return id;
  }

  /** Returns how many times the ledger records each changeset id, in ledger order. */
  private static Map<String, Integer> ledger(String schema) throws SQLException {
    Map<String, Integer> counts = new LinkedHashMap<>();
    try (Connection c = TestDatabase.connect();
        PreparedStatement ps = c.prepareStatement(
            "SELECT id FROM " + schema + "." + Migrations.LEDGER + " ORDER BY orderexecuted")) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.merge(rs.getString(1), 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  /** The tables of a schema with their last-change transaction ids, in name order. */
  private static List<String> tablesOf(String schema) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Connection c = TestDatabase.connect();
        PreparedStatement ps = c.prepareStatement("SELECT c.relname || ':' || c.xmin FROM pg_class c "
            + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind = 'r' ORDER BY 1")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
    }
    return tables;
  }

  private static boolean tableExists(String schema, String table) throws SQLException {
    return TestDatabase.tableExists(schema, table);
  }

  @Test
  void migrateCreatesTheTablesAndRecordsEachChangesetOnce() throws SQLException {
    String schema = newSchema();
    try (PostgresDriver driver = driver(schema)) {
      // The shared server's public schema may hold anything (an example run against it, say): compare, don't assume.
      List<String> publicBefore = tablesOf("public");
      driver.migrate();

      assertThat(tableExists(schema, "th_jobs")).isTrue();
      assertThat(tableExists(schema, Migrations.LEDGER)).isTrue();
      assertThat(tableExists(schema, Migrations.LOCK_TABLE)).isTrue();
      assertThat(ledger(schema).keySet()).as("ledger order").containsExactlyElementsOf(CHANGESETS);
      assertThat(ledger(schema).values()).as("each applied once").containsOnly(1);
      assertThat(tablesOf("public")).as("nothing leaks into public").isEqualTo(publicBefore);
    }
  }

  @Test
  void migratingAgainChangesNothingAndKeepsTheJobs() throws SQLException {
    String schema = newSchema();
    try (PostgresDriver driver = driver(schema)) {
      JobId id = migrateAndEnqueueOne(driver);

      driver.migrate();
      driver.migrate();

      assertThat(ledger(schema)).containsOnlyKeys(CHANGESETS).allSatisfy((k, n) -> assertThat(n).isOne());
      assertThat(driver.get(id)).isPresent();
    }
    try (PostgresDriver another = driver(schema)) {
      another.migrate();
      assertThat(ledger(schema)).containsOnlyKeys(CHANGESETS).allSatisfy((k, n) -> assertThat(n).isOne());
    }
  }

  @Test
  void eightThreadsMigratingAFreshSchemaAtOnceAllSucceedAndApplyEachChangeOnce() throws Exception {
    String schema = newSchema();
    int threads = 8;
    List<PostgresDriver> drivers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      drivers.add(driver(schema));
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (PostgresDriver d : drivers) {
        Callable<Boolean> task = () -> {
          go.await();
          d.migrate();
          return true;
        };
        results.add(pool.submit(task));
      }
      go.countDown();
      for (Future<Boolean> r : results) {
        assertThat(r.get(120, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      pool.shutdownNow();
      drivers.forEach(PostgresDriver::close);
    }
    assertThat(ledger(schema)).containsOnlyKeys(CHANGESETS).allSatisfy((k, n) -> assertThat(n).isOne());
    assertThat(tableExists(schema, "th_jobs")).isTrue();
  }

  @Test
  void threeProcessesMigratingAFreshSchemaAtOnceAllSucceedAndApplyEachChangeOnce(@TempDir Path dir)
      throws Exception {
    String schema = newSchema();
    Path go = dir.resolve("go");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> processes = new ArrayList<>();
    List<BufferedReader> outputs = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            MigrateMain.class.getName(), TestDatabase.dsn(schema), go.toString())
            .redirectErrorStream(true)
            .start();
        processes.add(p);
        outputs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
      }
      for (BufferedReader out : outputs) {
        assertThat(readUntil(out, "ready")).as("a process opened its driver").isTrue();
      }
      Files.createFile(go);
      for (int i = 0; i < processes.size(); i++) {
        assertThat(readUntil(outputs.get(i), "migrated")).as("process %d migrated", i).isTrue();
        assertThat(processes.get(i).waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(processes.get(i).exitValue()).isZero();
      }
    } finally {
      processes.forEach(Process::destroyForcibly);
    }
    assertThat(ledger(schema)).containsOnlyKeys(CHANGESETS).allSatisfy((k, n) -> assertThat(n).isOne());
  }

  private static boolean readUntil(BufferedReader out, String word) throws Exception {
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.equals(word)) {
        return true;
      }
      System.out.println("[migrate process] " + line);
    }
    return false;
  }

  @Test
  void migrationSqlShowsThePendingChangesForADbaWithoutApplyingThem() throws SQLException {
    String schema = newSchema();
    try (PostgresDriver driver = driver(schema)) {
      String sql = driver.migrationSql();

      System.out.println("migrationSql() of a fresh schema (first lines):");
      sql.lines().limit(12).forEach(l -> System.out.println("  " + l));
      assertThat(sql).contains("CREATE TABLE " + schema + ".th_jobs")
          .contains("CREATE INDEX th_jobs_reserve_idx ON " + schema + ".th_jobs")
          .contains(Migrations.LEDGER)
          .contains(CHANGESETS.get(0)).contains(CHANGESETS.get(1));
      assertThat(tableExists(schema, "th_jobs")).as("migrationSql applies nothing").isFalse();
      assertThat(tableExists(schema, Migrations.LEDGER)).as("not even the ledger").isFalse();

      driver.migrate();
      String after = driver.migrationSql();
      assertThat(after).doesNotContain("CREATE TABLE").doesNotContain("CREATE INDEX");
    }
  }

  @Test
  void theStateCheckRefusesHandWrittenUpdatesThatBreakTheLeaseOrDlqInvariants() throws SQLException {
    String schema = newSchema();
    try (PostgresDriver driver = driver(schema)) {
      JobId id = migrateAndEnqueueOne(driver);
      List<String> broken = List.of(
          "UPDATE " + schema + ".th_jobs SET status = 'inflight'",
          "UPDATE " + schema + ".th_jobs SET lease_expires_at = now()",
          "UPDATE " + schema + ".th_jobs SET status = 'inflight', lease_expires_at = now()",
          "UPDATE " + schema + ".th_jobs SET status = 'dlq', finished_at = now()");
      try (Connection c = TestDatabase.connect()) {
        for (String sql : broken) {
          Throwable thrown = catchThrowable(() -> c.createStatement().executeUpdate(sql));
          assertThat(thrown).as(sql).isInstanceOf(SQLException.class);
          assertThat(((SQLException) thrown).getSQLState()).as(sql).isEqualTo("23514");
        }
      }
      assertThat(driver.get(id).orElseThrow().status()).isEqualTo(io.taskharbor.api.JobStatus.READY);
    }
  }

  @Test
  void anUnknownSchemaIsRefusedWhenTheDriverOpens() {
    Throwable thrown = catchThrowable(() -> PostgresDriver.open(TestDatabase.dsn("th_test_does_not_exist")));

    assertThat(thrown).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema 'th_test_does_not_exist' does not exist")
        .hasMessageContaining("CREATE SCHEMA");
  }

  @Test
  void theOptionAutoMigrateMigratesWhenTheDriverOpens() throws SQLException {
    String schema = newSchema();
    try (PostgresDriver driver = PostgresDriver.open(TestDatabase.withOption(TestDatabase.dsn(schema),
        "autoMigrate", "true"))) {
      assertThat(driver.schema()).isEqualTo(schema);
      assertThat(tableExists(schema, "th_jobs")).isTrue();
      assertThat(ledger(schema)).containsOnlyKeys(CHANGESETS);
    }
  }

  @Test
  void callsOnAnUnmigratedSchemaFailWithAHintToMigrate() {
    String schema = newSchema();
    try (PostgresDriver driver = driver(schema)) {
      Throwable thrown = catchThrowable(() -> driver.stats("q", Instant.parse("2030-01-01T00:00:00Z")));

      assertThat(thrown).isInstanceOf(io.taskharbor.api.DriverException.class).hasMessageContaining("migrate()");
      assertThat(((io.taskharbor.api.DriverException) thrown).isTransient()).isFalse();
    }
  }
}
