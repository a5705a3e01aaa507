package io.taskharbor.driver.postgres;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Conversions between JDBC and the API's types: job rows to {@link JobRecord}s, statuses to their stored spelling,
 * instants to {@code timestamptz} (bound as UTC {@link OffsetDateTime}s, exact to the microsecond) and parameters by
 * name.
 */
final class JobRows {

  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSXXX")
      .withZone(ZoneOffset.UTC);

  private JobRows() {}

  /** Reads the current row as a job record. */
  static JobRecord read(ResultSet rs) throws SQLException {
    long timeout = rs.getLong("timeout_micros");
    Duration timeoutDuration = rs.wasNull() ? null : Duration.of(timeout, ChronoUnit.MICROS);
    UUID token = rs.getObject("lease_token", UUID.class);
    return new JobRecord(
        new JobId(rs.getObject("id", UUID.class)),
        rs.getString("queue"),
        rs.getString("type"),
        rs.getString("payload"),
        rs.getInt("priority"),
        instant(rs, "run_at"),
        rs.getString("idempotency_key"),
        rs.getInt("attempts"),
        rs.getInt("max_attempts"),
        timeoutDuration,
        status(rs.getString("status")),
        token == null ? null : new LeaseToken(token),
        instant(rs, "lease_expires_at"),
        rs.getString("last_error"),
        rs.getString("result"),
        rs.getString("dlq_reason"),
        instant(rs, "dlq_failed_at"),
        requireInstant(rs, "created_at"),
        requireInstant(rs, "updated_at"),
        instant(rs, "finished_at"));
  }

  static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  static Instant requireInstant(ResultSet rs, String column) throws SQLException {
    Instant t = instant(rs, column);
    if (t == null) {
      throw new SQLException("column " + column + " is unexpectedly null", "XX000");
    }
    return t;
  }

  static JobStatus status(String stored) {
    return JobStatus.valueOf(stored.toUpperCase(Locale.ROOT));
  }

  static String stored(JobStatus status) {
    return status.name().toLowerCase(Locale.ROOT);
  }

  /** Returns the ISO text of an instant, for {@code timestamptz[]} array parameters. */
  static @Nullable String iso(@Nullable Instant instant) {
    return instant == null ? null : ISO.format(instant);
  }

  /** Binds parameters of one statement by name. */
  static final class Params {
    private final PreparedStatement ps;
    private final NamedSql sql;

    Params(PreparedStatement ps, NamedSql sql) {
      this.ps = ps;
      this.sql = sql;
    }

    static Params of(PreparedStatement ps, NamedSql sql) {
      return new Params(ps, sql);
    }

    Params instant(String name, @Nullable Instant value) throws SQLException {
      for (int i : sql.positions(name)) {
        if (value == null) {
          ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
          ps.setObject(i, OffsetDateTime.ofInstant(value, ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
        }
      }
      return this;
    }

    Params text(String name, @Nullable String value) throws SQLException {
      for (int i : sql.positions(name)) {
        ps.setString(i, value);
      }
      return this;
    }

    Params uuid(String name, UUID value) throws SQLException {
      for (int i : sql.positions(name)) {
        ps.setObject(i, value);
      }
      return this;
    }

    Params integer(String name, int value) throws SQLException {
      for (int i : sql.positions(name)) {
        ps.setInt(i, value);
      }
      return this;
    }

    Params bool(String name, boolean value) throws SQLException {
      for (int i : sql.positions(name)) {
        ps.setBoolean(i, value);
      }
      return this;
    }

    Params array(String name, Connection c, String type, Object[] values) throws SQLException {
      Array array = c.createArrayOf(type, values);
      for (int i : sql.positions(name)) {
        ps.setArray(i, array);
      }
      return this;
    }
  }
}
