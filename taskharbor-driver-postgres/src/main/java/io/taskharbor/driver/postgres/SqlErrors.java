package io.taskharbor.driver.postgres;

import io.taskharbor.api.DriverException;
import io.taskharbor.spi.DriverConfig;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.jspecify.annotations.Nullable;

/**
 * Turns JDBC failures into {@link DriverException}s that say whether trying again may help, so callers never parse
 * SQLStates. Transient: class 08 (connection), 40001 and 40P01 (serialization failure, deadlock), 57P01 to 57P03
 * (administrator shutdown, crash shutdown, cannot connect now), class 53 (insufficient resources), and a failure
 * without a SQLState that JDBC itself calls transient or recoverable (a pool timeout). Everything else is not.
 * Messages name the redacted target and never hold a password.
 */
final class SqlErrors {

  private final String target;
  private final String password;

  /**
   * @param target the redacted DSN or data source description, for messages
   * @param password the password to scrub from server messages as well (empty when unknown)
   */
  SqlErrors(String target, String password) {
    this.target = target;
    this.password = password;
  }

  /** Returns whether a failure with this SQLState may go away when the call is tried again. */
  static boolean isTransientState(@Nullable String state) {
    if (state == null || state.length() != 5) {
      return false;
    }
    return state.startsWith("08") || state.startsWith("53") || state.equals("40001") || state.equals("40P01")
        || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
  }

  /** Returns whether trying the call again later may succeed. */
  static boolean isTransient(SQLException e) {
    String state = firstState(e);
    if (state != null) {
      return isTransientState(state);
    }
    return e instanceof SQLTransientException || e instanceof SQLRecoverableException;
  }

  private static @Nullable String firstState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        return s.getSQLState();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /** Returns the DriverException for a failed {@code operation}. */
  DriverException translate(String operation, SQLException e) {
    String state = firstState(e);
    StringBuilder b = new StringBuilder("PostgreSQL driver: ").append(operation).append(" failed on ")
        .append(target).append(": ").append(scrub(String.valueOf(e.getMessage())));
    if (state != null) {
      b.append(" (SQLState ").append(state).append(')');
    }
    if ("42P01".equals(state) || "3F000".equals(state)) {
      b.append(". Is the schema migrated? Call PostgresDriver.migrate() or apply PostgresDriver.migrationSql()");
    }
    boolean transientFailure = isTransient(e);
    if (transientFailure) {
      b.append(" [transient: the call may succeed when tried again]");
    }
    return new DriverException(b.toString(), sanitized(e), transientFailure);
  }

  /** Returns the DriverException for a failure outside JDBC (a pool that cannot start, a Liquibase error). */
  DriverException translate(String operation, RuntimeException e, boolean transientFailure) {
    return new DriverException("PostgreSQL driver: " + operation + " failed on " + target + ": "
        + scrub(String.valueOf(e.getMessage())), sanitized(e), transientFailure);
  }

  /** Returns {@code text} with URI and {@code password=} passwords and the known password redacted. */
  String scrub(String text) {
    String redacted = DriverConfig.redact(text);
    if (password.length() >= 3) {
      redacted = redacted.replace(password, "REDACTED");
    }
    return redacted;
  }

  /**
   * Returns a copy of the cause chain whose messages are scrubbed, keeping types, SQLStates and stack traces, so that
   * a logged stack trace cannot leak a password either.
   */
  Throwable sanitized(Throwable e) {
    Throwable copy;
    String message = e.getMessage() == null ? null : scrub(e.getMessage());
    if (e instanceof SQLException s) {
      copy = new ScrubbedSqlException(e.getClass().getName() + ": " + message, s.getSQLState(), s.getErrorCode());
    } else {
      copy = new ScrubbedException(e.getClass().getName() + ": " + message);
    }
    copy.setStackTrace(e.getStackTrace());
    Throwable cause = e.getCause();
    if (cause != null && cause != e) {
      copy.initCause(sanitized(cause));
    }
    return copy;
  }

  /** A scrubbed stand-in for a JDBC exception: the original type is the message's prefix. */
  static final class ScrubbedSqlException extends SQLException {
    private static final long serialVersionUID = 1L;

    ScrubbedSqlException(String message, @Nullable String state, int code) {
      super(message, state, code);
    }
  }

  /** A scrubbed stand-in for any other exception: the original type is the message's prefix. */
  static final class ScrubbedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ScrubbedException(String message) {
      super(message);
    }
  }
}
