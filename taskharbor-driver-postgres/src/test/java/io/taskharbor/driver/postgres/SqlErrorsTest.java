package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.DriverException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SQLState classification and scrubbing of the exceptions the driver throws. */
class SqlErrorsTest {

  private final SqlErrors errors = new SqlErrors("postgres://app:REDACTED@db/orders", "hunter22");

  @ParameterizedTest
  @ValueSource(strings = {"08000", "08001", "08003", "08006", "08P01", "40001", "40P01", "57P01", "57P02", "57P03",
      "53000", "53100", "53200", "53300"})
  void connectionSerializationShutdownAndResourceFailuresAreTransient(String state) {
    assertThat(SqlErrors.isTransient(new SQLException("x", state))).isTrue();
    assertThat(errors.translate("reserve", new SQLException("x", state)).isTransient()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"23505", "23514", "42P01", "42501", "28P01", "3D000", "22001", "57014", "XX000", "P0001"})
  void everythingElseIsNotTransient(String state) {
    assertThat(SqlErrors.isTransient(new SQLException("x", state))).isFalse();
  }

  @Test
  void withoutAStateThePoolTimeoutIsTransientAndAPlainFailureIsNot() {
    assertThat(SqlErrors.isTransient(new SQLTransientConnectionException("pool timed out"))).isTrue();
    assertThat(SqlErrors.isTransient(new SQLException("weird"))).isFalse();
    SQLException wrapped = new SQLTransientConnectionException("pool timed out", null,
        new SQLException("password authentication failed", "28P01"));
    assertThat(SqlErrors.isTransient(wrapped)).as("the cause's state decides").isFalse();
  }

  @Test
  void translatedExceptionsNameTheOperationTargetAndStateButNeverThePassword() {
    SQLException cause = new SQLException("connection to postgres://app:hunter22@db failed; password=hunter22 "
        + "and again hunter22", "08001", new IllegalStateException("inner hunter22"));

    DriverException e = errors.translate("enqueue", cause);

    assertThat(e.getMessage()).contains("enqueue").contains("postgres://app:REDACTED@db/orders")
        .contains("SQLState 08001").doesNotContain("hunter22");
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString()).doesNotContain("hunter22").contains("08001");
    assertThat(e.getCause()).isInstanceOf(SQLException.class);
    assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("08001");
  }

  @Test
  void aMissingTableSuggestsMigrating() {
    DriverException e = errors.translate("reserve", new SQLException("relation does not exist", "42P01"));

    assertThat(e.getMessage()).contains("migrate()");
    assertThat(e.isTransient()).isFalse();
  }
}
