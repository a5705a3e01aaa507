package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.Drivers;
import io.taskharbor.tck.DifferentialCheck;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The two shipped drivers agree step by step: random action sequences run on PostgreSQL and on the memory driver
 * (found by URI, as an application would), at the TCK's depth ({@code -Dtaskharbor.tck.sequences}, default 1000),
 * distributed mode's coordination and live-job counts included, and the queue and job controls. Each sequence gets
 * emptied tables and a fresh memory driver.
 */
@Tag("postgres")
class MemoryVsPostgresDifferentialTest {

  private static String schema;
  private static HikariDataSource shared;

  @BeforeAll
  static void migrateOnce() {
    schema = TestDatabase.createMigratedSchema();
    shared = PostgresDriverContractTest.pool(schema, 4);
  }

  @AfterAll
  static void dropSchema() {
    if (shared != null) {
      shared.close();
    }
    if (schema != null) {
      TestDatabase.drop(schema);
    }
  }

  private static Driver freshPostgres() {
    try (Connection c = shared.getConnection(); Statement st = c.createStatement()) {
      st.execute("DELETE FROM " + schema + ".th_jobs; DELETE FROM " + schema + ".th_nodes; DELETE FROM " + schema
          + ".th_leaders; DELETE FROM " + schema + ".th_queue_settings; DELETE FROM " + schema
          + ".th_task_definitions");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot empty the tables of " + schema, e);
    }
    return PostgresDriver.builder().dataSource(shared).schema(schema).build();
  }

  @Test
  void randomSequencesAgreeBetweenPostgresAndTheMemoryDriver() {
    DifferentialCheck.Summary summary =
        DifferentialCheck.between(MemoryVsPostgresDifferentialTest::freshPostgres, () -> Drivers.open("memory:"))
            .check();

    System.out.println("memory vs postgres: " + summary.sequences() + " sequences agreed (seed " + summary.seed()
        + "); coverage: " + summary.coverage());
    assertThat(summary.coverage()).containsKeys("step Reserve", "step Complete", "step Enqueue");
  }

  @Test
  void leaseBoundarySequencesAgreeBetweenPostgresAndTheMemoryDriver() {
    DifferentialCheck.Summary summary =
        DifferentialCheck.between(MemoryVsPostgresDifferentialTest::freshPostgres, () -> Drivers.open("memory:"))
            .profile(DifferentialCheck.Profile.LEASE_BOUNDARIES)
            .sequences(Math.max(1, DifferentialCheck.configuredSequences() / 4))
            .maxSteps(30)
            .check();

    assertThat(summary.coverage()).containsKey("DLQ by expired last attempt");
  }

  @Test
  void coordinationSequencesAgreeBetweenPostgresAndTheMemoryDriver() {
    DifferentialCheck.Summary summary =
        DifferentialCheck.between(MemoryVsPostgresDifferentialTest::freshPostgres, () -> Drivers.open("memory:"))
            .profile(DifferentialCheck.Profile.COORDINATION)
            .sequences(Math.max(1, DifferentialCheck.configuredSequences() / 4))
            .maxSteps(30)
            .check();

    System.out.println("memory vs postgres, coordination: " + summary.sequences() + " sequences agreed (seed "
        + summary.seed() + "); coverage: " + summary.coverage());
    assertThat(summary.coverage()).containsKeys("step Acquire", "step Renew", "step RecoverOrphans",
        "step CountLiveJobs", "RecoverOrphans refused StaleTermException");
  }

  @Test
  void controlSequencesAgreeBetweenPostgresAndTheMemoryDriver() {
    DifferentialCheck.Summary summary =
        DifferentialCheck.between(MemoryVsPostgresDifferentialTest::freshPostgres, () -> Drivers.open("memory:"))
            .profile(DifferentialCheck.Profile.CONTROLS)
            .sequences(Math.max(1, DifferentialCheck.configuredSequences() / 4))
            .maxSteps(30)
            .check();

    System.out.println("memory vs postgres, controls: " + summary.sequences() + " sequences agreed (seed "
        + summary.seed() + "); coverage: " + summary.coverage());
    assertThat(summary.coverage()).containsKeys("step SetQueue", "step PauseJob", "step ResumeJob",
        "step RequestCancel", "step Overview");
  }
}
