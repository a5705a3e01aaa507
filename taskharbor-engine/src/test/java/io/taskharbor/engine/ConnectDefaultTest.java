package io.taskharbor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskharbor.api.DriverNotFoundException;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** connectDefault() takes its DSN from the environment: TASKHARBOR_DSN first, then DATABASE_URL. */
class ConnectDefaultTest {

  @Test
  @DisplayName("TASKHARBOR_DSN wins over DATABASE_URL; the DSN is opened by URI, whatever drivers are present")
  void taskharborDsnFirst() {
    // The engine's test class path holds no driver: opening a DSN names the one that is missing.
    assertThatThrownBy(() -> TaskHarbor.connectDefault(Map.of("TASKHARBOR_DSN", "alpha://x",
        "DATABASE_URL", "beta://y")))
        .isInstanceOf(DriverNotFoundException.class).hasMessageContaining("alpha://x")
        .hasMessageNotContaining("beta://y");
    assertThatThrownBy(() -> TaskHarbor.connectDefault(Map.of("DATABASE_URL", "beta://y")))
        .isInstanceOf(DriverNotFoundException.class).hasMessageContaining("beta://y");
    assertThatThrownBy(() -> TaskHarbor.connectDefault(Map.of("TASKHARBOR_DSN", "  ", "DATABASE_URL", "beta://y")))
        .as("a blank variable counts as unset").isInstanceOf(DriverNotFoundException.class)
        .hasMessageContaining("beta://y");
  }

  @Test
  @DisplayName("with neither variable, the default driver is looked for on the class path")
  void noVariable() {
    assertThatThrownBy(() -> TaskHarbor.connectDefault(Map.of()))
        .isInstanceOf(DriverNotFoundException.class).hasMessageContaining("no TaskHarbor driver is on the class path");
    assertThat(TaskHarbor.DSN_VARIABLE).isEqualTo("TASKHARBOR_DSN");
  }
}
