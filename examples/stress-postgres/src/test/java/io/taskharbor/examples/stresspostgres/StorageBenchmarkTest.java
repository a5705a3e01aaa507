package io.taskharbor.examples.stresspostgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.examples.support.ExampleEnv;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The storage benchmark on a tiny scale, in a schema of its own: each mode does its work, prints its summary and
 * drops its schema. It checks that the program works, not its figures (a figure counts only from a benchmark run).
 */
@Tag("postgres")
class StorageBenchmarkTest {
  private final String schema = "th_storage_test_" + UUID.randomUUID().toString().substring(0, 8)
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
      StorageBenchmark.dropSchema(dsn(), schema);
    }
  }

  @Test
  void theScalingModeMeasuresEveryBacklogAndExplainsTheReserve() throws Exception {
    String out = run(List.of("--mode=scaling", "--backlogs=0,20,200,20", "--finished=300", "--scheduled=300",
        "--calls=10", "--warmup-calls=2", "--batch=4", "--settle=0s", "--schema=" + schema));

    assertThat(out).contains("filled 300 finished jobs", "ratio of medians, backlog 200 / 20", "-- generic plan",
        "th_jobs_reserve_idx").doesNotContain("REFUSED");
    assertThat(out).containsPattern("backlog +0: reserve median").containsPattern("backlog +200: reserve median")
        .contains("backlog 20: drained down", "reserve median by thirds of the calls");
    assertThat(schemaExists()).as("dropped at the end").isFalse();
  }

  @Test
  void theBloatModeProcessesAndPurgesEveryJobWithAndWithoutAHeldHorizon() throws Exception {
    for (String hold : List.of("--backlog=500", "--hold-xmin")) {
      String out = run(List.of("--mode=bloat", "--jobs=3000", hold, "--retention=200ms", "--purge-interval=100ms",
          "--sample-interval=500ms", "--tail=1s", "--schema=" + schema));

      assertThat(out).contains("summary: 3,000 of 3,000 jobs processed", "peak: th_jobs total", "final indexes:")
          .doesNotContain("FAILED");
      assertThat(out.contains("holding the xmin horizon")).isEqualTo(hold.equals("--hold-xmin"));
    }
  }

  @Test
  void keepSchemaLeavesTheTableForALookByHand() throws Exception {
    run(List.of("--mode=scaling", "--backlogs=8", "--finished=0", "--scheduled=0", "--calls=2", "--warmup-calls=0",
        "--batch=4", "--settle=0s", "--keep-schema", "--schema=" + schema));

    assertThat(schemaExists()).isTrue();
  }

  private static String run(List<String> args) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    boolean ok;
    try {
      ok = StorageBenchmark.run(dsn(), StorageSettings.parse(args));
    } finally {
      System.setOut(original);
    }
    String out = buffer.toString(StandardCharsets.UTF_8);
    System.out.print(out);
    assertThat(ok).as(out).isTrue();
    return out;
  }

  private boolean schemaExists() throws Exception {
    try (Connection c = ExampleEnv.connect(dsn()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname = '" + schema + "'")) {
      rs.next();
      return rs.getInt(1) == 1;
    }
  }
}
