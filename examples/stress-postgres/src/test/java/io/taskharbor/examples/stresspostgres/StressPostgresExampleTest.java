package io.taskharbor.examples.stresspostgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.examples.support.ExampleEnv;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stress example on a small scale, in a schema of its own: the mixed mode's checks pass (done + dlq = created,
 * repeated keys create nothing), and the latency mode starts every job.
 */
@Tag("postgres")
class StressPostgresExampleTest {
  private final String schema = "th_test_stress_" + UUID.randomUUID().toString().substring(0, 8)
      .toLowerCase(Locale.ROOT);

  private static String dsn() {
    return ExampleEnv.testDsn().orElseGet(() -> {
      if (System.getenv("CI") != null) {
        Assertions.fail(ExampleEnv.NO_TEST_DATABASE);
      }
      Assumptions.abort(ExampleEnv.NO_TEST_DATABASE);
      return null;
    });
  }

  @AfterEach
  void dropSchema() throws Exception {
    if (ExampleEnv.testDsn().isPresent()) {
      try (Connection c = ExampleEnv.connect(dsn()); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  @Test
  void theMixedModeFinishesEveryJobItCreated() throws Exception {
    StressSettings settings = StressSettings.parse(List.of("--jobs=1000", "--workers=2", "--concurrency=4",
        "--runs=1", "--warmup-runs=0", "--schema=" + schema));

    assertThat(StressPostgresExample.run(dsn(), settings)).isTrue();
  }

  @Test
  void withMetricsTheListenersCountEveryFinishedJob() throws Exception {
    StressSettings settings = StressSettings.parse(List.of("--jobs=1000", "--workers=2", "--concurrency=4",
        "--runs=1", "--warmup-runs=1", "--metrics", "--schema=" + schema));

    assertThat(StressPostgresExample.run(dsn(), settings)).isTrue();
    assertThat(StressPostgresExample.run(dsn(), StressSettings.parse(List.of("--mode=noop", "--jobs=500",
        "--runs=1", "--warmup-runs=0", "--metrics=simple", "--schema=" + schema)))).isTrue();
  }

  @Test
  void inDistributedModeTheDrainFinishesEveryJob() throws Exception {
    StressSettings settings = StressSettings.parse(List.of("--mode=noop", "--jobs=1000", "--workers=2",
        "--distributed", "--runs=1", "--warmup-runs=0", "--schema=" + schema));

    assertThat(StressPostgresExample.run(dsn(), settings)).isTrue();
  }

  @Test
  void theRecoveryModeRunsAKilledWorkersJobsElsewhere() throws Exception {
    StressSettings settings = StressSettings.parse(List.of("--mode=recovery", "--jobs=3", "--lease-seconds=2",
        "--runs=1", "--schema=" + schema));

    assertThat(StressPostgresExample.run(dsn(), settings)).isTrue();
  }

  @Test
  void theNoopBenchmarkWithPrefetchFinishesEveryJob() throws Exception {
    StressSettings settings = StressSettings.parse(List.of("--mode=noop", "--jobs=2000", "--prefetch=256",
        "--runs=2", "--warmup-runs=0", "--schema=" + schema));

    assertThat(StressPostgresExample.run(dsn(), settings)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"latency", "latency-shared"})
  void theLatencyModesStartEveryJob(String mode) throws Exception {
    StressSettings settings = StressSettings.parse(List.of("--mode=" + mode, "--jobs=20", "--schema=" + schema));

    assertThat(StressPostgresExample.run(dsn(), settings)).isTrue();
  }

  @Test
  void theSerialModeNeverRunsTwoJobsAtOnceAcrossThreeWorkers() throws Exception {
    StressSettings settings = StressSettings.parse(List.of("--mode=serial", "--jobs=200", "--workers=3",
        "--concurrency=4", "--schema=" + schema));

    assertThat(StressPostgresExample.run(dsn(), settings)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"cancel", "cancel-shared"})
  void theCancelModesEndEveryJobCanceled(String mode) throws Exception {
    StressSettings settings = StressSettings.parse(List.of("--mode=" + mode, "--jobs=3", "--schema=" + schema));

    assertThat(StressPostgresExample.run(dsn(), settings)).isTrue();
  }
}
