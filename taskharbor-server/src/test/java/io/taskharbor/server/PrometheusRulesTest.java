package io.taskharbor.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/prometheus/alerts.yml is valid ({@code promtool check rules}), its unit tests pass ({@code promtool test
 * rules alerts.test.yml}, one or more per alert). Without promtool
 * the test is skipped, and under {@code CI} it fails (.ci/run installs Debian's {@code prometheus} package).
 */
class PrometheusRulesTest {

  private static final Path RULES_DIR = Path.of("..", "docs", "prometheus");
  private static String promtool;

  @BeforeAll
  static void findPromtool() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        promtool = candidate.toString();
        return;
      }
    }
    String message = "promtool is not on the PATH: apt-get install prometheus (Debian's package ships it)";
    if (System.getenv("CI") != null) {
      Assertions.fail(message);
    }
    Assumptions.abort(message);
  }

  private static String run(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(promtool));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(RULES_DIR.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool %s:%n%s", String.join(" ", args), output).isZero();
    return output;
  }

  @Test
  void theRuleFileIsValid() throws Exception {
    assertThat(run("check", "rules", "alerts.yml")).contains("SUCCESS: 7 rules found");
  }

  @Test
  void everyAlertPassesItsUnitTests() throws Exception {
    assertThat(run("test", "rules", "alerts.test.yml")).contains("SUCCESS");
    String rules = Files.readString(RULES_DIR.resolve("alerts.yml"));
    String tests = Files.readString(RULES_DIR.resolve("alerts.test.yml"));
    for (String alert : List.of("NoLeader", "SplitBrain", "TaskQueueBacklog", "WorkerPoolSaturated",
        "TasksDeadLettered", "TaskHarborCompletionsRefused", "TaskHarborOldestDueJobTooOld")) {
      assertThat(rules).contains("- alert: " + alert + "\n");
      assertThat(tests).as("a unit test of " + alert).contains("alertname: " + alert + "\n");
    }
  }
}
