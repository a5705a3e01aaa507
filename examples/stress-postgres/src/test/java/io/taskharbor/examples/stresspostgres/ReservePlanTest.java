package io.taskharbor.examples.stresspostgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The benchmark explains the driver's own reserve statement, read by reflection: this test fails first when the
 * driver's statement classes change shape, before a benchmark run does.
 */
class ReservePlanTest {

  @Test
  void theDriversReserveStatementIsReadWithEveryParameterNamedByPosition() {
    ReservePlan.Driver reserve = ReservePlan.driversReserve("th_storage_copy");

    assertThat(reserve.jdbc()).contains("\"th_storage_copy\".th_jobs").contains("FOR UPDATE SKIP LOCKED");
    assertThat(reserve.parameters()).hasSize((int) reserve.jdbc().chars().filter(c -> c == '?').count())
        .doesNotContainNull()
        .containsOnly("queue", "max", "now", "expires", "holder");
  }
}
