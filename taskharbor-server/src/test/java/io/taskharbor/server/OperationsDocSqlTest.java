package io.taskharbor.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobRequest;
import io.taskharbor.driver.postgres.PostgresDriver;
import io.taskharbor.engine.PermanentFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ```sql} block of docs/operations.md §7 runs against a schema the service has worked on (jobs done, one
 * dead letter, one running, one scheduled), and finds what the page says it finds.
 */
@Tag("postgres")
class OperationsDocSqlTest {

  private static final Path DOC = Path.of("..", "docs", "operations.md");
  private static final Pattern SQL_BLOCK = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL);

  record Nothing() {}

  private String schema;
  private TaskHarborServer server;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void runTheService() throws Exception {
    schema = TestDatabase.createSchema();
    CountDownLatch running = new CountDownLatch(1);
    Map<String, String> env = new HashMap<>(Map.of("DATABASE_URL", TestDatabase.dsn(schema), "METRICS_PORT",
        Integer.toString(Http.freePort()), "CLAIM_INTERVAL", "100ms", "ENQUEUE_EXAMPLES", "true",
        "SHUTDOWN_TIMEOUT", "1s"));
    server = TaskHarborServer.fromEnv(env)
        .handle("doc:ok", Nothing.class, job -> { })
        .handle("doc:fail", Nothing.class, job -> {
          throw new PermanentFailure("broken on purpose");
        })
        .handle("doc:hold", Nothing.class, job -> {
          running.countDown();
          release.await(30, TimeUnit.SECONDS);
        })
        .examples(harbor -> {
          harbor.enqueue(JobRequest.builder("doc:ok", new Nothing()).build());
          harbor.enqueue(JobRequest.builder("doc:fail", new Nothing()).build());
          harbor.enqueue(JobRequest.builder("doc:hold", new Nothing()).build());
          harbor.enqueue(JobRequest.builder("doc:ok", new Nothing()).runAt(Instant.now().plusSeconds(3600)).build());
        })
        .start();
    assertThat(running.await(20, TimeUnit.SECONDS)).isTrue();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (!Http.get(server.port(), "/metrics").body().contains("tasks_dead_letter_total{type=\"doc:fail\"} 1.0")) {
      assertThat(Instant.now()).as("the dead letter within 20 s").isBefore(deadline);
      Thread.sleep(50);
    }
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.shutdown();
    }
    TestDatabase.drop(schema);
  }

  private static List<String> blocksOfSection7() throws Exception {
    String doc = Files.readString(DOC);
    String section = doc.substring(doc.indexOf("## 7. Viewing queue state"), doc.indexOf("## 8. "));
    List<String> blocks = new ArrayList<>();
    Matcher m = SQL_BLOCK.matcher(section);
    while (m.find()) {
      blocks.add(m.group(1).trim());
    }
    return blocks;
  }

  private List<List<String>> query(Connection c, String sql) throws Exception {
    List<List<String>> rows = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  @Test
  void everyQueryOfTheQueueStateSectionRunsAndFindsWhatItSays() throws Exception {
    List<String> blocks = blocksOfSection7();
    assertThat(blocks).hasSize(4);
    try (Connection c = PostgresDriver.connect(TestDatabase.dsn()); Statement st = c.createStatement()) {
      st.execute("SET search_path TO " + schema);
      assertThat(query(c, blocks.get(0))).as("pending by type: nothing due waits").isEmpty();
      assertThat(query(c, blocks.get(1))).as("dead letters").singleElement()
          .satisfies(row -> assertThat(row.get(1)).isEqualTo("doc:fail"));
      assertThat(query(c, blocks.get(2))).as("running jobs, with their instance").singleElement()
          .satisfies(row -> assertThat(row.get(1)).isEqualTo("doc:hold"))
          .satisfies(row -> assertThat(row.get(2)).isNotBlank());
      assertThat(query(c, blocks.get(3))).as("orphans: the running job's instance is not registered outside "
          + "distributed mode").singleElement().satisfies(row -> assertThat(row.get(1)).isEqualTo("doc:hold"));
      st.execute("UPDATE th_jobs SET run_at = now(), available_at = now() WHERE status = 'ready'");
      assertThat(query(c, blocks.get(0))).as("pending by type, once the scheduled job is due")
          .containsExactly(List.of("doc:ok", "1"));
    }
  }
}
