package io.taskharbor.driver.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.support.DriverRules;
import io.taskharbor.tck.DriverTck;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * The whole TCK against PostgreSQL. One schema per run of this class, migrated once; every {@link #newDriver()} empties
 * its table and returns a driver over an application-style data source shared by the class (cheap: no new pool, no
 * new connection), and {@link #sameStorageAs} opens a second driver with a pool of its own from the DSN, so races
 * really run on two clients. Both have the default payload limit, which the payload-limit group checks.
 */
@Tag("postgres")
class PostgresDriverContractTest extends DriverTck {

  private static String schema;
  private static HikariDataSource shared;

  @BeforeAll
  static void migrateOnce() {
    schema = TestDatabase.createMigratedSchema();
    shared = pool(schema, 12);
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

  static HikariDataSource pool(String schema, int size) {
    Dsn dsn = Dsn.parse(TestDatabase.dsn(schema));
    HikariConfig config = new HikariConfig();
    config.setPoolName("tck-shared-" + schema);
    config.setJdbcUrl(dsn.jdbcUrl());
    config.setDataSourceProperties(dsn.properties());
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(2);
    return new HikariDataSource(config);
  }

  @Override
  protected Driver newDriver() {
    try (Connection c = shared.getConnection(); Statement st = c.createStatement()) {
      st.execute("DELETE FROM " + schema + ".th_jobs; DELETE FROM " + schema + ".th_nodes; DELETE FROM " + schema
          + ".th_leaders; DELETE FROM " + schema + ".th_queue_settings; DELETE FROM " + schema
          + ".th_task_definitions");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot empty the tables of " + schema, e);
    }
    return PostgresDriver.builder().dataSource(shared).schema(schema).build();
  }

  @Override
  protected Driver sameStorageAs(Driver first) {
    return PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(8).minIdle(1).build();
  }

  @Override
  protected OptionalInt maxPayloadBytes() {
    return OptionalInt.of(DriverRules.DEFAULT_MAX_PAYLOAD_BYTES);
  }
}
