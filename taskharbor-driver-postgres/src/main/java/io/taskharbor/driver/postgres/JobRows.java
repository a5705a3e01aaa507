package io.taskharbor.driver.postgres;

import io.taskharbor.api.Detail;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.QueueSettings;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * Reads the current row as a job record; its first columns must be {@link Statements#COLUMNS}, in that order. By
   * position, not by name: pgjdbc lower-cases and hashes a label on every lookup, twenty per row.
   */
  static JobRecord read(ResultSet rs) throws SQLException {
    UUID token = rs.getObject(12, UUID.class);
    return record(rs, status(rs.getString(11)), token == null ? null : new LeaseToken(token), instant(rs, 13),
        rs.getString(14), rs.getString(15), rs.getString(16), instant(rs, 17), requireInstant(rs, 18),
        requireInstant(rs, 19), instant(rs, 20), rs.getString(21), instant(rs, 22))
        .cancelRequestedAt(instant(rs, 23)).details(details(rs, 24)).build();
  }

  /**
   * Reads a row that reserve just leased, from {@link Statements#RESERVED_COLUMNS}: the columns that reserve wrote are
   * not read back but known ({@code INFLIGHT}, the lease expiry {@code expires}, {@code updated_at = now}), and so
   * are those that a leasable job never has (a result, DLQ fields, a finish time): fewer columns to format, send and
   * parse on the worker's hot path. The holder and the start are known too ({@code holder}, {@code now}).
   */
  static JobRecord readReserved(ResultSet rs, Instant now, Instant expires, @Nullable String holder)
      throws SQLException {
    return record(rs, JobStatus.INFLIGHT, new LeaseToken(rs.getObject(11, UUID.class)), expires, rs.getString(12),
        null, null, null, requireInstant(rs, 13), now, null, holder, now).details(details(rs, 16)).build();
  }

  /**
   * Reads a details log stored in two parallel arrays, {@code details_at} in column {@code column} and {@code
   * details_text} in the next; none when null.
   */
  static List<Detail> details(ResultSet rs, int column) throws SQLException {
    Array at = rs.getArray(column);
    Array text = rs.getArray(column + 1);
    if (at == null || text == null) {
      return List.of();
    }
    Object[] ats = (Object[]) at.getArray();
    Object[] texts = (Object[]) text.getArray();
    List<Detail> lines = new ArrayList<>(ats.length);
    for (int i = 0; i < ats.length; i++) {
      lines.add(new Detail(((Timestamp) ats[i]).toInstant(), (String) texts[i]));
    }
    return List.copyOf(lines);
  }

  /**
   * Returns a details log as two PostgreSQL array literals, for {@code text[]} parameters cast to {@code
   * timestamptz[]} and {@code text[]}: the instants, then the texts (every element quoted, so any text is exact).
   */
  static String[] detailsLiterals(List<Detail> lines) {
    StringBuilder at = new StringBuilder("{");
    StringBuilder text = new StringBuilder("{");
    for (int i = 0; i < lines.size(); i++) {
      if (i > 0) {
        at.append(',');
        text.append(',');
      }
      at.append('"').append(iso(lines.get(i).at())).append('"');
      text.append('"');
      String t = lines.get(i).text();
      for (int k = 0; k < t.length(); k++) {
        char ch = t.charAt(k);
        if (ch == '"' || ch == '\\') {
          text.append('\\');
        }
        text.append(ch);
      }
      text.append('"');
    }
    return new String[] {at.append('}').toString(), text.append('}').toString()};
  }

  /**
   * A job record from the ten columns that {@link Statements#COLUMNS} and {@link Statements#RESERVED_COLUMNS} begin
   * with (id to timeout), and the rest as given.
   */
  private static JobRecord.Builder record(ResultSet rs, JobStatus status, @Nullable LeaseToken token,
      @Nullable Instant leaseExpiresAt, @Nullable String lastError, @Nullable String result,
      @Nullable String dlqReason, @Nullable Instant dlqFailedAt, Instant createdAt, Instant updatedAt,
      @Nullable Instant finishedAt, @Nullable String leasedBy, @Nullable Instant startedAt) throws SQLException {
    long timeout = rs.getLong(10);
    Duration timeoutDuration = rs.wasNull() ? null : Duration.of(timeout, ChronoUnit.MICROS);
    return JobRecord.builder(new JobId(rs.getObject(1, UUID.class)), rs.getString(2), rs.getString(3),
            rs.getString(4), createdAt)
        .priority(rs.getInt(5)).runAt(instant(rs, 6)).idempotencyKey(rs.getString(7)).attempts(rs.getInt(8))
        .maxAttempts(rs.getInt(9)).timeout(timeoutDuration).status(status).leaseToken(token)
        .leaseExpiresAt(leaseExpiresAt).lastError(lastError).result(result).dlqReason(dlqReason)
        .dlqFailedAt(dlqFailedAt).updatedAt(updatedAt).finishedAt(finishedAt).leasedBy(leasedBy).startedAt(startedAt);
  }

  /** Reads queue settings from two columns: paused at {@code column}, the limit (null: none) at the next. */
  static QueueSettings queueSettings(ResultSet rs, int column) throws SQLException {
    int limit = rs.getInt(column + 1);
    Integer concurrencyLimit = rs.wasNull() ? null : limit;
    return new QueueSettings(rs.getBoolean(column), concurrencyLimit);
  }

  static @Nullable Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  static Instant requireInstant(ResultSet rs, int column) throws SQLException {
    Instant t = instant(rs, column);
    if (t == null) {
      throw new SQLException("column " + rs.getMetaData().getColumnName(column) + " is unexpectedly null", "XX000");
    }
    return t;
  }

  static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
    return instant(rs, rs.findColumn(column));
  }

  static Instant requireInstant(ResultSet rs, String column) throws SQLException {
    return requireInstant(rs, rs.findColumn(column));
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

    Params bigint(String name, long value) throws SQLException {
      for (int i : sql.positions(name)) {
        ps.setLong(i, value);
      }
      return this;
    }

    Params bigint(String name, @Nullable Long value) throws SQLException {
      for (int i : sql.positions(name)) {
        if (value == null) {
          ps.setNull(i, Types.BIGINT);
        } else {
          ps.setLong(i, value);
        }
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
