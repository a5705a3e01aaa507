package io.taskharbor.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The service's logs: one JSON object per line on standard output, MDC fields included, DEBUG only with DEBUG=true. */
class JsonLoggingTest {

  private final PrintStream original = System.out;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  @AfterEach
  void restore() {
    System.setOut(original);
    JsonLogging.configure(false);
  }

  private List<String> logWith(boolean debug) {
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    assertThat(JsonLogging.configure(debug)).as("Logback is the backend").isTrue();
    Logger log = LoggerFactory.getLogger("io.taskharbor.test");
    MDC.put("job.id", "01a2");
    MDC.put("job.type", "email:send");
    try {
      log.info("handled {}", "a \"quoted\"\nmessage");
      log.debug("a debug line");
    } finally {
      MDC.clear();
    }
    LoggerFactory.getLogger("com.zaxxer.hikari.pool.HikariPool").debug("pool chatter");
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void everyLineIsOneJsonObjectWithTheJobFieldsOfTheMdc() {
    List<String> lines = logWith(false);
    assertThat(lines).singleElement().satisfies(line -> assertThat(line)
        .startsWith("{").endsWith("}")
        .contains("\"level\":\"INFO\"", "\"loggerName\":\"io.taskharbor.test\"", "\"job.id\":\"01a2\"",
            "\"job.type\":\"email:send\"", "\"formattedMessage\":\"handled a \\\"quoted\\\"\\nmessage\"")
        .doesNotContain("sequenceNumber"));
  }

  @Test
  void debugRaisesTheLevelButNotForThePoolsChatter() {
    List<String> lines = logWith(true);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).contains("\"level\":\"DEBUG\"", "a debug line");
    assertThat(String.join("\n", lines)).doesNotContain("pool chatter");
  }
}
