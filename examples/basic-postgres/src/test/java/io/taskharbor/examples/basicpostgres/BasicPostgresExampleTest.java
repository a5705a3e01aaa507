package io.taskharbor.examples.basicpostgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.QueueStats;
import io.taskharbor.examples.support.ExampleEnv;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The basic PostgreSQL example runs end to end in a schema of its own, twice: the idempotent job is made once. */
@Tag("postgres")
class BasicPostgresExampleTest {

  @Test
  void theExampleRunsEveryJobAndTheIdempotentOneOnlyOnce() throws Exception {
    String dsn = ExampleEnv.testDsn().orElseGet(() -> {
      if (System.getenv("CI") != null) {
        Assertions.fail(ExampleEnv.NO_TEST_DATABASE);
      }
      Assumptions.abort(ExampleEnv.NO_TEST_DATABASE);
      return null;
    });
    String schema = "th_test_basic_" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    try (Connection c = ExampleEnv.connect(dsn); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
      try {
        String exampleDsn = dsn + (dsn.contains("?") ? "&" : "?") + "schema=" + schema;

        QueueStats first = BasicPostgresExample.run(exampleDsn);
        QueueStats second = BasicPostgresExample.run(exampleDsn);

        assertThat(first.done()).as("done after the first run").isEqualTo(4);
        assertThat(second.done()).as("done after the second run: the idempotent job is not made again")
            .isEqualTo(7);
        assertThat(second.ready() + second.scheduled() + second.inflight() + second.dlq()).isZero();
      } finally {
        st.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }
}
