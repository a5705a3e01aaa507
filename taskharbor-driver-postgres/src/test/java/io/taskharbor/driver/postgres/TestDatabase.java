package io.taskharbor.driver.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * Where the PostgreSQL tests get their server, in this order: the DSN in {@value #ENV} (for example {@code
 * postgres://postgres@127.0.0.1:5432/test?sslmode=disable}); else a Testcontainers PostgreSQL 15 when a Docker engine
 * is present; else, when {@code CI} is set, every test fails with a message saying how to provide a database, and
 * otherwise every test is skipped with that message.
 *
 * <p>Tests isolate themselves: each works in schemas of its own named {@code th_test_<random>}, created here and
 * dropped by the test (and, as a safety net, at JVM exit), so runs can share a server with each other and with
 * anything else; nothing outside those schemas is touched.
 */
final class TestDatabase {

  /** The environment variable that names the test database. */
  static final String ENV = "TASKHARBOR_TEST_DSN";

  private static final Set<String> CREATED = ConcurrentHashMap.newKeySet();
  private static volatile String resolved;
  private static volatile String unavailable;
  private static PostgreSQLContainer<?> container;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::dropLeftovers, "th-test-schema-cleanup"));
  }

  private TestDatabase() {}

  /** Returns the server's DSN, or skips (fails, under CI) the calling test when there is none. */
  static String dsn() {
    String dsn = resolve();
    if (dsn == null) {
      if (System.getenv("CI") != null) {
        Assertions.fail(unavailable);
      }
      Assumptions.abort(unavailable);
    }
    return dsn;
  }

  private static synchronized String resolve() {
    if (resolved != null || unavailable != null) {
      return resolved;
    }
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      resolved = env.trim();
      return resolved;
    }
    try {
      if (DockerClientFactory.instance().isDockerAvailable()) {
        container = new PostgreSQLContainer<>("postgres:15-alpine");
        container.start();
        resolved = "postgres://" + container.getUsername() + ":" + container.getPassword() + "@"
            + container.getHost() + ":" + container.getMappedPort(5432) + "/" + container.getDatabaseName()
            + "?sslmode=disable";
        return resolved;
      }
    } catch (RuntimeException | LinkageError e) {
      // reported below as no database
    }
    unavailable = "no PostgreSQL for the tests: set " + ENV + " to a DSN such as "
        + "postgres://postgres@127.0.0.1:5432/test?sslmode=disable (tests create and drop their own schemas "
        + "th_test_*), or start a Docker engine for Testcontainers";
    return null;
  }

  /** Returns the DSN with the option {@code key=value} added to its query string. */
  static String withOption(String dsn, String key, String value) {
    return dsn + (dsn.contains("?") ? "&" : "?") + key + "=" + value;
  }

  /** Returns the DSN of a schema. */
  static String dsn(String schema) {
    return withOption(dsn(), "schema", schema);
  }

  /** Opens a plain JDBC connection to the test database (auto-commit), for setup and inspection. */
  static Connection connect() throws SQLException {
    Dsn parsed = Dsn.parse(dsn());
    return DriverManager.getConnection(parsed.jdbcUrl(), parsed.properties());
  }

  /** Creates a new, empty schema {@code th_test_<random>} and returns its name; drop it with {@link #drop}. */
  static String createSchema() {
    String schema = "th_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
        .toLowerCase(Locale.ROOT);
    execute("CREATE SCHEMA " + schema);
    CREATED.add(schema);
    return schema;
  }

  /** Creates a schema and migrates it; returns its name. */
  static String createMigratedSchema() {
    String schema = createSchema();
    try (PostgresDriver driver = PostgresDriver.builder().dsn(dsn(schema)).poolSize(1).build()) {
      driver.migrate();
    }
    return schema;
  }

  /** Returns whether {@code schema.table} exists. */
  static boolean tableExists(String schema, String table) throws SQLException {
    try (Connection c = connect();
        java.sql.PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, schema + "." + table);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** Drops a schema this class created, with everything in it. */
  static void drop(String schema) {
    if (CREATED.remove(schema)) {
      execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /** Runs one statement on a fresh connection. */
  static void execute(String sql) {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("test setup statement failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  private static void dropLeftovers() {
    if (resolved == null || CREATED.isEmpty()) {
      return;
    }
    for (String schema : Set.copyOf(CREATED)) {
      try {
        drop(schema);
      } catch (RuntimeException e) {
        // best effort at exit
      }
    }
  }
}
