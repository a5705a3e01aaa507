package io.taskharbor.examples.stresspostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StorageSettingsTest {

  @Test
  void scalingDefaultsAreTheRequirementsFigures() {
    StorageSettings.Scaling s = (StorageSettings.Scaling) StorageSettings.parse(List.of("--mode=scaling"));

    assertThat(s.backlogs()).containsExactly(0, 1_000, 10_000, 100_000, 1_000_000, 1_000);
    assertThat(List.of(s.finished(), s.scheduled(), s.scheduledPriority(), s.calls(), s.warmupCalls(), s.batch()))
        .containsExactly(1_000_000, 1_000_000, 0, 300, 30, 16);
    assertThat(s.settle()).isEqualTo(Duration.ofSeconds(180));
    assertThat(s.analyze()).as("autovacuum only, unless asked").isFalse();
    assertThat(s.schema()).isEqualTo("th_storage_scaling");
    assertThat(s.keepSchema()).isFalse();
  }

  @Test
  void bloatDefaultsAreTheRequirementsFigures() {
    StorageSettings.Bloat b = (StorageSettings.Bloat) StorageSettings.parse(List.of("--mode=bloat"));

    assertThat(List.of(b.jobs(), b.backlog(), b.enqueueBatch(), b.concurrency()))
        .containsExactly(2_000_000, 50_000, 1_000, 16);
    assertThat(List.of(b.retention(), b.purgeInterval(), b.sampleInterval(), b.maxDuration(), b.tail()))
        .containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMinutes(9),
            Duration.ZERO);
    assertThat(b.holdXmin()).isFalse();
    assertThat(b.schema()).isEqualTo("th_storage_bloat");
  }

  @Test
  void everyOptionIsRead() {
    StorageSettings.Scaling s = (StorageSettings.Scaling) StorageSettings.parse(List.of("--mode=SCALING",
        "--backlogs=10, 100,1_000", "--finished=0", "--scheduled=5", "--scheduled-priority=-2", "--calls=7",
        "--warmup-calls=0", "--batch=4", "--settle=0s", "--analyze", "--schema=th_storage_x1", "--keep-schema"));

    assertThat(s).isEqualTo(new StorageSettings.Scaling("th_storage_x1", true, List.of(10, 100, 1_000), 0, 5, -2, 7,
        0, 4, Duration.ZERO, true));
    assertThat(((StorageSettings.Scaling) StorageSettings.parse(List.of("--mode=scaling", "--backlogs=1000,10,1000")))
        .backlogs()).as("any order: drained down, then topped up again").containsExactly(1_000, 10, 1_000);

    StorageSettings.Bloat b = (StorageSettings.Bloat) StorageSettings.parse(List.of("--mode=bloat", "--jobs=2_000",
        "--backlog=300", "--enqueue-batch=50", "--concurrency=2", "--retention=500ms", "--purge-interval=200ms",
        "--sample-interval=1s", "--hold-xmin", "--max-duration=2m", "--tail=3s"));

    assertThat(b).isEqualTo(new StorageSettings.Bloat("th_storage_bloat", false, 2_000, 300, 50, 2,
        Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofSeconds(1), true, Duration.ofMinutes(2),
        Duration.ofSeconds(3)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--jobs=5                        | --mode is required: scaling or bloat",
      "--mode=fast                     | --mode must be scaling or bloat, got 'fast'",
      "--mode=scaling --backlogs=       | --backlogs must be a whole number, got ''",
      "--mode=scaling --backlogs=10,x   | --backlogs must be a whole number, got 'x'",
      "--mode=scaling --backlogs=-1     | --backlogs must be at least 0, got -1",
      "--mode=scaling --finished=-1     | --finished must be at least 0, got -1",
      "--mode=scaling --calls=0         | --calls must be at least 1, got 0",
      "--mode=scaling --batch=x         | --batch must be a whole number, got 'x'",
      "--mode=scaling --settle=10       | --settle must be a whole number with a unit (ms, s or m)",
      "--mode=scaling --settle=1h       | --settle must be a whole number with a unit (ms, s or m)",
      "--mode=scaling --jobs=5          | --jobs applies to --mode=bloat only",
      "--mode=scaling --hold-xmin       | --hold-xmin applies to --mode=bloat only",
      "--mode=bloat --backlogs=10       | --backlogs applies to --mode=scaling only",
      "--mode=bloat --analyze           | --analyze applies to --mode=scaling only",
      "--mode=bloat --jobs=0            | --jobs must be at least 1, got 0",
      "--mode=bloat --backlog=0         | --backlog must be at least 1, got 0",
      "--mode=bloat --retention=0s      | --retention must be more than 0, got 0ms",
      "--mode=bloat --purge-interval=0ms | --purge-interval must be more than 0",
      "--mode=bloat --max-duration=-1s  | --max-duration must be a whole number with a unit",
      "--mode=bloat --hold-xmin=true    | --hold-xmin takes no value",
      "--mode=bloat --jobs=1 --jobs=2   | --jobs is given twice",
      "--mode=bloat --schema=public     | --schema must be a lower-case SQL identifier starting with th_storage_",
      "--mode=bloat --schema=th_storage_A | --schema must be a lower-case SQL identifier starting with th_storage_",
      "--mode=bloat --schema=th_storage_ | --schema must be a lower-case SQL identifier starting with th_storage_",
      "--mode=bloat --colour=blue       | unknown argument(s) [colour]",
      "--mode=bloat jobs=5              | arguments look like --name=value, got 'jobs=5'",
      "--mode=bloat --hold              | arguments look like --name=value, got '--hold'"})
  void aBadArgumentIsRefusedWithAMessageNamingIt(String arguments, String message) {
    assertThatThrownBy(() -> StorageSettings.parse(List.of(arguments.trim().split(" +"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void theUsageNamesEveryOption() {
    for (String option : StorageSettings.SCALING_OPTIONS) {
      assertThat(StorageSettings.USAGE).contains("--" + option);
    }
    for (String option : StorageSettings.BLOAT_OPTIONS) {
      assertThat(StorageSettings.USAGE).contains("--" + option);
    }
    assertThat(StorageSettings.USAGE).contains("--schema", "--keep-schema", "--mode");
  }
}
