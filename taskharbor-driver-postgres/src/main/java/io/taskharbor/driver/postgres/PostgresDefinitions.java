package io.taskharbor.driver.postgres;

import io.taskharbor.api.DefinitionException;
import io.taskharbor.api.DefinitionStatus;
import io.taskharbor.api.TaskDefinition;
import io.taskharbor.spi.Definitions;
import io.taskharbor.spi.support.Validation;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link Definitions} extension of the PostgreSQL driver: the table {@code th_task_definitions}, keyed by alias.
 * Each call is one statement. Create is an {@code INSERT ... ON CONFLICT DO NOTHING}: the primary key decides between
 * two clients creating the same alias at once, and the one that inserts nothing is refused as a duplicate. Update,
 * cancel and delete lock the row ({@code FOR UPDATE}) and change it only when the contract allows, returning the row
 * as it was and as it became, so a refusal is judged on the state the change would have applied to.
 */
final class PostgresDefinitions implements Definitions {

  private static final String COLUMNS = "alias, title, description, status, memo, created_at, updated_at, deleted_at";

  private final PostgresCoordination.Connections connections;
  private final NamedSql create;
  private final NamedSql change;
  private final NamedSql find;
  private final NamedSql listLive;
  private final NamedSql listAll;

  PostgresDefinitions(Statements sql, PostgresCoordination.Connections connections) {
    this.connections = connections;
    String t = "\"" + sql.schema + "\".th_task_definitions";
    create = NamedSql.of("""
        INSERT INTO %1$s (alias, title, description, status, memo, created_at, updated_at)
        VALUES (:alias::text, :title::text, :description::text, :status::text, :memo::text, :now::timestamptz,
                :now::timestamptz)
        ON CONFLICT (alias) DO NOTHING
        RETURNING %2$s
        """.formatted(t, COLUMNS));
    // One statement for update, cancel and delete: :op says which; the row comes back changed, or as it was when the
    // operation does not apply (missing: no row; deleted: deleted_at set).
    change = NamedSql.of("""
        WITH cur AS MATERIALIZED (
          SELECT %2$s FROM %1$s WHERE alias = :alias::text FOR UPDATE
        ),
        changed AS (
          UPDATE %1$s AS d
          SET title = CASE WHEN :op::text = 'update' THEN :title::text ELSE d.title END,
              description = CASE WHEN :op::text = 'update' THEN :description::text ELSE d.description END,
              memo = CASE WHEN :op::text = 'update' THEN :memo::text ELSE d.memo END,
              status = CASE :op::text WHEN 'update' THEN :status::text WHEN 'cancel' THEN 'canceled' ELSE d.status END,
              deleted_at = CASE WHEN :op::text = 'delete' THEN :now::timestamptz ELSE d.deleted_at END,
              updated_at = :now::timestamptz
          FROM cur
          WHERE d.alias = cur.alias AND cur.deleted_at IS NULL
            AND NOT (:op::text = 'cancel' AND cur.status = 'canceled')
          RETURNING d.alias, d.title, d.description, d.status, d.memo, d.created_at, d.updated_at, d.deleted_at
        )
        SELECT %2$s FROM changed
        UNION ALL
        SELECT %2$s FROM cur WHERE NOT EXISTS (SELECT 1 FROM changed)
        """.formatted(t, COLUMNS));
    find = NamedSql.of("SELECT " + COLUMNS + " FROM " + t + " WHERE alias = :alias::text");
    listLive = NamedSql.of("SELECT " + COLUMNS + " FROM " + t + " WHERE deleted_at IS NULL ORDER BY alias COLLATE \"C\"");
    listAll = NamedSql.of("SELECT " + COLUMNS + " FROM " + t + " ORDER BY alias COLLATE \"C\"");
  }

  @Override
  public TaskDefinition create(TaskDefinition definition, Instant now) {
    connections.ensureOpen();
    Objects.requireNonNull(definition, "definition must not be null");
    Instant at = Validation.now(now);
    Optional<TaskDefinition> created = connections.run("createDefinition", c -> {
      try (PreparedStatement ps = c.prepareStatement(create.jdbc())) {
        texts(JobRows.Params.of(ps, create), definition).instant("now", at);
        return one(ps);
      }
    });
    return created.orElseThrow(() -> new DefinitionException(definition.alias(),
        DefinitionException.Reason.DUPLICATE, "create"));
  }

  @Override
  public TaskDefinition update(TaskDefinition definition, Instant now) {
    Objects.requireNonNull(definition, "definition must not be null");
    return change("update", definition.alias(), definition, now);
  }

  @Override
  public Optional<TaskDefinition> find(String alias) {
    connections.ensureOpen();
    Validation.type(alias);
    return connections.run("findDefinition", c -> {
      try (PreparedStatement ps = c.prepareStatement(find.jdbc())) {
        JobRows.Params.of(ps, find).text("alias", alias);
        return one(ps);
      }
    });
  }

  @Override
  public List<TaskDefinition> list(boolean includeDeleted) {
    connections.ensureOpen();
    NamedSql s = includeDeleted ? listAll : listLive;
    return connections.run("listDefinitions", c -> {
      List<TaskDefinition> all = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(s.jdbc()); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          all.add(read(rs));
        }
      }
      return List.copyOf(all);
    });
  }

  @Override
  public TaskDefinition cancel(String alias, Instant now) {
    return change("cancel", alias, null, now);
  }

  @Override
  public TaskDefinition delete(String alias, Instant now) {
    return change("delete", alias, null, now);
  }

  /**
   * Runs the change statement; refuses a missing alias (NOT_FOUND) and, except for a delete (deleting again changes
   * nothing), a deleted one (DELETED).
   */
  private TaskDefinition change(String op, String alias, TaskDefinition definition, Instant now) {
    connections.ensureOpen();
    Validation.type(alias);
    Instant at = Validation.now(now);
    Optional<TaskDefinition> row = connections.run(op + "Definition", c -> {
      try (PreparedStatement ps = c.prepareStatement(change.jdbc())) {
        JobRows.Params p = JobRows.Params.of(ps, change).text("op", op).text("alias", alias).instant("now", at);
        if (definition != null) {
          texts(p, definition);
        } else {
          p.text("title", null).text("description", null).text("memo", null).text("status", null);
        }
        return one(ps);
      }
    });
    TaskDefinition d = row.orElseThrow(() -> new DefinitionException(alias, DefinitionException.Reason.NOT_FOUND, op));
    if (d.deletedAt() != null && !op.equals("delete")) {
      throw new DefinitionException(alias, DefinitionException.Reason.DELETED, op);
    }
    return d;
  }

  private static JobRows.Params texts(JobRows.Params p, TaskDefinition d) throws SQLException {
    return p.text("alias", d.alias()).text("title", d.title()).text("description", d.description())
        .text("status", d.status().name().toLowerCase(Locale.ROOT)).text("memo", d.memo());
  }

  private static Optional<TaskDefinition> one(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(read(rs)) : Optional.empty();
    }
  }

  private static TaskDefinition read(ResultSet rs) throws SQLException {
    return new TaskDefinition(rs.getString(1), rs.getString(2), rs.getString(3),
        DefinitionStatus.valueOf(rs.getString(4).toUpperCase(Locale.ROOT)), rs.getString(5),
        JobRows.requireInstant(rs, 6), JobRows.requireInstant(rs, 7), JobRows.instant(rs, 8));
  }

  @Override
  public String toString() {
    return "PostgresDriver.definitions";
  }
}
