package io.taskharbor.driver.postgres;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import liquibase.Scope;
import liquibase.UpdateSummaryEnum;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.changelog.ChangeLogParameters;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.UpdateSqlCommandStep;
import liquibase.command.core.helpers.DatabaseChangelogCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.command.core.helpers.ShowSummaryArgument;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;
import org.jspecify.annotations.Nullable;

/**
 * Applies the changelogs inside the jar with Liquibase, into one schema, recording them in {@value #LEDGER}.
 *
 * <p>Many processes may call {@link #migrate} at once when they start. Liquibase's own lock table serialises the
 * changesets, but creating the ledger and lock tables on a first run is itself a race (two processes both see no
 * lock table and both create it; one fails). So every run first takes a PostgreSQL advisory lock whose key is
 * derived from the schema name, on the connection Liquibase then uses: runs on one schema queue behind each other,
 * the first applies the changesets, the others find nothing to do. The lock is session-level and goes away with the
 * session, so a process that dies mid-migration never blocks the next one.
 */
final class Migrations {

  /** The master changelog, a classpath resource. */
  static final String CHANGELOG = "io/taskharbor/driver/postgres/db/changelog/db.changelog-master.xml";

  /** The ledger of applied changesets (Liquibase's databasechangelog), in the migrated schema. */
  static final String LEDGER = "th_schema_migrations";

  /** Liquibase's lock table, in the migrated schema. */
  static final String LOCK_TABLE = "th_schema_migrations_lock";

  private Migrations() {}

  /** Applies every pending changeset to {@code schema} over {@code connection}; returns when the schema is current. */
  static void migrate(Connection connection, String schema) throws Exception {
    migrate(connection, schema, CHANGELOG);
  }

  /**
   * Applies the changesets of another master changelog (a classpath resource in the same directory as {@link
   * #CHANGELOG}, so that its changesets are recorded under the same file names): tests build a schema as an earlier
   * release left it.
   */
  static void migrate(Connection connection, String schema, String changelog) throws Exception {
    withLock(connection, schema, () -> {
      run(connection, schema, UpdateCommandStep.COMMAND_NAME, changelog, null);
      return null;
    });
  }

  /** Returns the SQL that {@link #migrate} would run now (empty of changes when the schema is current). */
  static String updateSql(Connection connection, String schema) throws Exception {
    return withLock(connection, schema, () -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      run(connection, schema, UpdateSqlCommandStep.COMMAND_NAME, CHANGELOG, out);
      return out.toString(StandardCharsets.UTF_8);
    });
  }

  /** The advisory lock key of migrations of {@code schema}: a stable 64-bit hash of a fixed prefix and the name. */
  static long lockKey(String schema) {
    UUID hash = UUID.nameUUIDFromBytes(("taskharbor.migrate:" + schema).getBytes(StandardCharsets.UTF_8));
    return hash.getMostSignificantBits();
  }

  private interface Body<T> {
    T run() throws Exception;
  }

  private static <T> T withLock(Connection connection, String schema, Body<T> body) throws Exception {
    boolean autoCommit = connection.getAutoCommit();
    try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?)")) {
      lock.setLong(1, lockKey(schema));
      lock.execute();
    }
    try {
      return body.run();
    } finally {
      try {
        if (!connection.getAutoCommit()) {
          connection.rollback();
        }
        connection.setAutoCommit(autoCommit);
      } finally {
        try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
          unlock.setLong(1, lockKey(schema));
          unlock.execute();
        } catch (SQLException e) {
          // the session ends with the connection's return or eviction, releasing the lock anyway
        }
      }
    }
  }

  private static void run(Connection connection, String schema, String[] command, String changelog,
      @Nullable OutputStream out) throws Exception {
    Map<String, Object> scope = new HashMap<>();
    scope.put(Scope.Attr.resourceAccessor.name(), new ClassLoaderResourceAccessor(Migrations.class.getClassLoader()));
    scope.put(Scope.Attr.logService.name(), new LiquibaseLogs(out != null));
    scope.put(Scope.Attr.ui.name(), new LoggerUIService());
    scope.put("liquibase.analytics.enabled", Boolean.FALSE);
    scope.put("liquibase.showBanner", Boolean.FALSE);
    scope.put("liquibase.checksNowEnabled", Boolean.FALSE);
    Scope.child(scope, () -> {
      Database database = DatabaseFactory.getInstance()
          .findCorrectDatabaseImplementation(new JdbcConnection(connection));
      database.setDefaultSchemaName(schema);
      database.setLiquibaseSchemaName(schema);
      database.setDatabaseChangeLogTableName(LEDGER);
      database.setDatabaseChangeLogLockTableName(LOCK_TABLE);
      ChangeLogParameters parameters = new ChangeLogParameters(database);
      parameters.set("schema", schema);
      CommandScope update = new CommandScope(command)
          .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
          .addArgumentValue(out == null ? UpdateCommandStep.CHANGELOG_FILE_ARG
              : UpdateSqlCommandStep.CHANGELOG_FILE_ARG, changelog)
          .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_PARAMETERS, parameters)
          .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY, UpdateSummaryEnum.OFF)
          .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG);
      if (out != null) {
        update.addArgumentValue(UpdateSqlCommandStep.OUTPUT_WRITER,
            new OutputStreamWriter(out, StandardCharsets.UTF_8));
        update.setOutput(out);
      }
      update.execute();
    });
  }
}
