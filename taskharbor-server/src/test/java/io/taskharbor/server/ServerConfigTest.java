package io.taskharbor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerConfigTest {

  private static final String DSN = "postgres://app:s3cret@db:5432/app?sslmode=disable";

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", DSN);
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void everyVariableHasTheSeedsDefault() {
    ServerConfig config = ServerConfig.fromEnv(env());
    assertThat(config.databaseUrl()).isEqualTo(DSN);
    assertThat(config.databaseUrlVariable()).isEqualTo("DATABASE_URL");
    assertThat(config.workerPoolSize()).isEqualTo(10);
    assertThat(config.claimInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.distributed()).isFalse();
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.workerTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.leaderTerm()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.cleanupInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.metricsPort()).isEqualTo(9090);
    assertThat(config.metricsRefreshInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.debug()).isFalse();
    assertThat(config.enqueueExamples()).isFalse();
    assertThat(config.queues()).containsExactly("default");
    assertThat(config.migrate()).isTrue();
    assertThat(config.unknownTaskHarborVariables()).isEmpty();
  }

  @Test
  void everyVariableIsRead() {
    ServerConfig config = ServerConfig.fromEnv(env("WORKER_POOL_SIZE", "3", "CLAIM_INTERVAL", "500ms",
        "SHUTDOWN_TIMEOUT", "1m30s", "DISTRIBUTED_MODE", "true", "HEARTBEAT_INTERVAL", "2s", "WORKER_TIMEOUT", "5s",
        "LEADER_TERM", "4s", "CLEANUP_INTERVAL", "10s", "METRICS_PORT", "9464", "METRICS_REFRESH_INTERVAL", "2s", "DEBUG", "1", "ENQUEUE_EXAMPLES",
        "TRUE", "QUEUES", " emails , reports,default", "MIGRATE", "false"));
    assertThat(config.workerPoolSize()).isEqualTo(3);
    assertThat(config.claimInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.distributed()).isTrue();
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.workerTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.leaderTerm()).isEqualTo(Duration.ofSeconds(4));
    assertThat(config.cleanupInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.metricsPort()).isEqualTo(9464);
    assertThat(config.metricsRefreshInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.debug()).isTrue();
    assertThat(config.enqueueExamples()).isTrue();
    assertThat(config.queues()).containsExactly("emails", "reports", "default");
    assertThat(config.migrate()).isFalse();
  }

  @Test
  void taskharborDsnWinsOverDatabaseUrlAndBlankCountsAsUnset() {
    ServerConfig both = ServerConfig.fromEnv(env("TASKHARBOR_DSN", "postgresql://other@db/x"));
    assertThat(both.databaseUrl()).isEqualTo("postgresql://other@db/x");
    assertThat(both.databaseUrlVariable()).isEqualTo("TASKHARBOR_DSN");
    ServerConfig blank = ServerConfig.fromEnv(env("TASKHARBOR_DSN", "  ", "WORKER_POOL_SIZE", ""));
    assertThat(blank.databaseUrl()).isEqualTo(DSN);
    assertThat(blank.workerPoolSize()).isEqualTo(10);
    ServerConfig only = ServerConfig.fromEnv(Map.of("TASKHARBOR_DSN", "jdbc:postgresql://db/x"));
    assertThat(only.databaseUrl()).isEqualTo("jdbc:postgresql://db/x");
  }

  @Test
  void aMissingDatabaseUrlNamesBothVariables() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ServerConfig.fromEnv(Map.of()));
    assertThat(e.variable()).isEqualTo("DATABASE_URL");
    assertThat(e.getMessage()).contains("DATABASE_URL is not set", "TASKHARBOR_DSN", "postgres://");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "DATABASE_URL       | mysql://app:s3cret@db/app | is not a PostgreSQL DSN: expected postgres://",
      "WORKER_POOL_SIZE   | ten    | WORKER_POOL_SIZE='ten' is not an integer: expected an integer from 1 to 1000",
      "WORKER_POOL_SIZE   | 0      | WORKER_POOL_SIZE=0 is out of range: expected an integer from 1 to 1000",
      "WORKER_POOL_SIZE   | 1001   | WORKER_POOL_SIZE=1001 is out of range",
      "WORKER_POOL_SIZE   | 99999999999 | WORKER_POOL_SIZE=99999999999 is out of range",
      "WORKER_POOL_SIZE   | 2.5    | WORKER_POOL_SIZE='2.5' is not an integer",
      "CLAIM_INTERVAL     | 1      | CLAIM_INTERVAL='1' is not a duration (missing unit after 1): expected a Go duration such as 500ms, 10s, 1m30s or 1h",
      "CLAIM_INTERVAL     | 0s     | CLAIM_INTERVAL=0s is out of range: expected a Go duration",
      "SHUTDOWN_TIMEOUT   | 30sec  | SHUTDOWN_TIMEOUT='30sec' is not a duration (unknown unit sec)",
      "SHUTDOWN_TIMEOUT   | -5s    | SHUTDOWN_TIMEOUT='-5s' is not a duration",
      "SHUTDOWN_TIMEOUT   | 25h    | SHUTDOWN_TIMEOUT=25h is out of range: expected a Go duration such as 500ms, 10s, 1m30s or 1h, more than 0 and at most 24h",
      "HEARTBEAT_INTERVAL | 1d     | HEARTBEAT_INTERVAL='1d' is not a duration (unknown unit d)",
      "WORKER_TIMEOUT     | 30     | WORKER_TIMEOUT='30' is not a duration",
      "LEADER_TERM        | x      | LEADER_TERM='x' is not a duration",
      "CLEANUP_INTERVAL   | 1 m    | CLEANUP_INTERVAL='1 m' is not a duration (unknown unit  m)",
      "METRICS_PORT       | 0      | METRICS_PORT=0 is out of range: expected an integer from 1 to 65535",
      "METRICS_PORT       | 65536  | METRICS_PORT=65536 is out of range",
      "METRICS_REFRESH_INTERVAL | 15 | METRICS_REFRESH_INTERVAL='15' is not a duration",
      "METRICS_PORT       | http   | METRICS_PORT='http' is not an integer",
      "DISTRIBUTED_MODE   | yes    | DISTRIBUTED_MODE='yes' is not a boolean: expected true or false (also 1, 0, t, f, TRUE, FALSE)",
      "DEBUG              | on     | DEBUG='on' is not a boolean",
      "ENQUEUE_EXAMPLES   | 2      | ENQUEUE_EXAMPLES='2' is not a boolean",
      "MIGRATE            | no     | MIGRATE='no' is not a boolean",
      "QUEUES             | a,,b   | QUEUES='a,,b' holds an invalid queue name '': expected comma-separated queue names",
      "QUEUES             | a b    | QUEUES='a b' holds an invalid queue name 'a b'",
      "QUEUES             | a,a    | QUEUES='a,a' names queue 'a' twice",
  })
  void aBadValueIsOneLineNamingTheVariableTheValueAndTheForm(String variable, String value, String message) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ServerConfig.fromEnv(env(variable, value)));
    assertThat(e.variable()).isEqualTo(variable);
    assertThat(e.getMessage()).contains(message).doesNotContain("\n").doesNotContain("s3cret");
  }

  @Test
  void theWorkerTimeoutMustCoverTwoHeartbeatsInDistributedModeOnly() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ServerConfig.fromEnv(env(
        "DISTRIBUTED_MODE", "true", "HEARTBEAT_INTERVAL", "10s", "WORKER_TIMEOUT", "15s")));
    assertThat(e.variable()).isEqualTo("WORKER_TIMEOUT");
    assertThat(e.getMessage()).isEqualTo("WORKER_TIMEOUT=15s is out of range: expected at least twice "
        + "HEARTBEAT_INTERVAL (10s), so that one late heartbeat does not count a node dead");
    assertThat(ServerConfig.fromEnv(env("HEARTBEAT_INTERVAL", "10s", "WORKER_TIMEOUT", "15s")).workerTimeout())
        .isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void unknownTaskHarborVariablesAreCollectedForAWarning() {
    ServerConfig config = ServerConfig.fromEnv(env("TASKHARBOR_WORKER_POOL_SIZE", "5", "TASKHARBOR_DNS", "x",
        "OTHER_THING", "y"));
    assertThat(config.unknownTaskHarborVariables()).containsExactlyInAnyOrder("TASKHARBOR_DNS", "TASKHARBOR_WORKER_POOL_SIZE");
  }

  @Test
  void theDescriptionHidesThePassword() {
    String text = ServerConfig.fromEnv(env("DISTRIBUTED_MODE", "true")).toString();
    assertThat(text).doesNotContain("s3cret").contains("DATABASE_URL=postgres://app:****@db:5432/app",
        "WORKER_POOL_SIZE=10", "CLAIM_INTERVAL=1s", "CLEANUP_INTERVAL=1m0s", "QUEUES=default");
    assertThat(List.of(text.split("\n"))).hasSize(1);
  }
}
