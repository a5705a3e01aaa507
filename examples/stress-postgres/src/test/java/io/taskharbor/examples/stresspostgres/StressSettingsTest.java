package io.taskharbor.examples.stresspostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskharbor.examples.stresspostgres.StressSettings.Metrics;
import io.taskharbor.examples.stresspostgres.StressSettings.Mode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StressSettingsTest {

  @Test
  void defaultsAreTheDocumentedBenchmark() {
    StressSettings s = StressSettings.parse(List.of());

    assertThat(s.mode()).isEqualTo(Mode.MIXED);
    assertThat(List.of(s.jobs(), s.queues(), s.workers(), s.concurrency(), s.fetchParallelism(), s.producers(),
        s.runs(), s.warmupRuns(), s.enqueueBatch())).containsExactly(20_000, 4, 1, 16, 1, 4, 1, 1, 1000);
    assertThat(s.prefetch()).as("the worker's adaptive prefetch").isNull();
    assertThat(StressSettings.parse(List.of("--prefetch=256")).prefetch()).isEqualTo(256);
    assertThat(StressSettings.parse(List.of("--mode=latency")).jobs()).isEqualTo(200);
    assertThat(StressSettings.parse(List.of("--mode=latency-shared")).mode()).isEqualTo(StressSettings.Mode.LATENCY_SHARED);
    assertThat(StressSettings.parse(List.of("--jobs=20_000", "--mode=NOOP")).jobs()).isEqualTo(20_000);
    assertThat(StressSettings.parse(List.of("--mode=serial")).jobs()).isEqualTo(2_000);
    assertThat(StressSettings.parse(List.of("--mode=cancel")).jobs()).isEqualTo(20);
    assertThat(StressSettings.parse(List.of("--mode=cancel-shared")).mode()).isEqualTo(Mode.CANCEL_SHARED);
    assertThat(s.distributed()).isFalse();
    assertThat(StressSettings.parse(List.of("--distributed", "--mode=noop")).distributed()).isTrue();
    assertThat(StressSettings.parse(List.of("--distributed=false")).distributed()).isFalse();
    assertThat(s.leaseSeconds()).as("the worker's default lease").isNull();
    assertThat(StressSettings.parse(List.of("--mode=recovery")).jobs()).isEqualTo(8);
    assertThat(StressSettings.parse(List.of("--mode=recovery", "--lease-seconds=5")).leaseSeconds()).isEqualTo(5);
  }

  @Test
  void theMemoryLineReportsTheHeapLimitTheLiveHeapAndThePeakResidentSetSize() {
    System.gc();
    assertThat(StressPostgresExample.memory())
        .matches("memory: heap limit \\d+ MB, heap in use after the last collections \\d+ MB, peak RSS \\d+ MB");
  }

  @Test
  void theCpuMeterReportsThisJvmsTimePerJob() {
    CpuMeter meter = CpuMeter.start();
    long spin = 0;
    for (long i = 0; i < 50_000_000L; i++) {
      spin += i ^ (spin >>> 3);
    }
    String line = meter.perJob(1000);

    assertThat(line).as("after %d", spin).matches("CPU per job: this JVM \\d+\\.\\d µs, (postgres processes on this host "
        + "\\d+\\.\\d µs|no postgres process on this host)");
    double jvm = Double.parseDouble(line.replaceAll("^CPU per job: this JVM ([0-9.]+) µs.*$", "$1"));
    assertThat(jvm).as("µs per job of a loop that spun the CPU for a while").isGreaterThan(1.0);
  }

  @Test
  void outOfOrderCountsTheJobsThatRanAfterALaterOne() {
    assertThat(ControlModes.outOfOrder(List.of(0, 1, 2, 3))).isZero();
    assertThat(ControlModes.outOfOrder(List.of(0, 2, 1, 3))).isEqualTo(1);
    assertThat(ControlModes.outOfOrder(List.of(3, 0, 1, 2))).isEqualTo(3);
    assertThat(ControlModes.outOfOrder(List.of())).isZero();
  }

  @Test
  void metricsAreOffUnlessAskedForAndTheFlagAloneMeansPrometheus() {
    assertThat(StressSettings.parse(List.of()).metrics()).isEqualTo(Metrics.NONE);
    assertThat(StressSettings.parse(List.of("--metrics")).metrics()).isEqualTo(Metrics.PROMETHEUS);
    assertThat(StressSettings.parse(List.of("--mode=noop", "--metrics", "--jobs=10")).metrics())
        .isEqualTo(Metrics.PROMETHEUS);
    assertThat(StressSettings.parse(List.of("--metrics=simple")).metrics()).isEqualTo(Metrics.SIMPLE);
    assertThat(StressSettings.parse(List.of("--metrics=Prometheus")).metrics()).isEqualTo(Metrics.PROMETHEUS);
    assertThat(StressSettings.parse(List.of("--metrics=none")).metrics()).isEqualTo(Metrics.NONE);
    assertThat(StressSettings.USAGE).contains("--metrics");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--jobs=0            | --jobs must be at least 1",
      "--jobs=many         | --jobs must be a whole number",
      "--producers=0       | --producers must be at least 1",
      "--fetch-parallelism=0 | --fetch-parallelism must be at least 1",
      "--prefetch=-1       | --prefetch must be at least 0",
      "--warmup-runs=-1    | --warmup-runs must be at least 0",
      "--mode=fast         | --mode must be mixed, noop, latency, latency-shared, serial, cancel, cancel-shared or recovery",
      "--lease-seconds=0   | --lease-seconds must be at least 1",
      "--lease-seconds=1.5 | --lease-seconds must be a whole number",
      "--schema=Public     | --schema must be a lower-case SQL identifier",
      "--colour=blue       | unknown argument(s) [colour]",
      "--metrics=graphite  | --metrics must be none, simple or prometheus",
      "--metrics=          | --metrics must be none, simple or prometheus",
      "--metricsx          | arguments look like --name=value",
      "--distributed=yes   | --distributed must be true or false",
      "jobs=5              | arguments look like --name=value"})
  void aBadArgumentIsRefusedWithAMessageNamingIt(String argument, String message) {
    assertThatThrownBy(() -> StressSettings.parse(List.of(argument))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
