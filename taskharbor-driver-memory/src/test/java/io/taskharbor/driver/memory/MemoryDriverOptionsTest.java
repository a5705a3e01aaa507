package io.taskharbor.driver.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobStatus;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.DriverConfig;
import io.taskharbor.spi.Drivers;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.support.DriverRules;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The memory driver's payload limit and how it is set: the same option, default and range as PostgreSQL's. */
class MemoryDriverOptionsTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  /** A JSON string of exactly {@code bytes} bytes of UTF-8. */
  private static String json(int bytes) {
    return "\"" + "a".repeat(bytes - 2) + "\"";
  }

  private static NewJob job(String payload) {
    return NewJob.of(JobId.newId(), "q", "t", payload);
  }

  private static void assertLimit(Driver driver, int limit) {
    driver.enqueue(List.of(job(json(limit))), NOW);
    assertThatThrownBy(() -> driver.enqueue(List.of(job(json(limit + 1))), NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("payload")
        .hasMessageContaining(DriverRules.MAX_PAYLOAD_BYTES_OPTION + "=" + limit);
  }

  @Test
  @DisplayName("a new memory driver stores payloads of up to 1 MiB of UTF-8 and refuses one byte more")
  void theDefaultLimitIsOneMebibyte() {
    try (MemoryDriver driver = new MemoryDriver()) {
      assertThat(driver.maxPayloadBytes()).isEqualTo(DriverRules.DEFAULT_MAX_PAYLOAD_BYTES).isEqualTo(1 << 20);
      assertLimit(driver, 1 << 20);
    }
    try (Driver opened = Drivers.open("memory:")) {
      assertLimit(opened, DriverRules.DEFAULT_MAX_PAYLOAD_BYTES);
    }
  }

  @Test
  @DisplayName("the limit counts UTF-8 bytes, not characters")
  void theLimitCountsBytes() {
    try (MemoryDriver driver = MemoryDriver.builder().maxPayloadBytes(7).build()) {
      driver.enqueue(List.of(job("\"漢é\"")), NOW); // 2 + 3 + 2 bytes
      assertThatThrownBy(() -> driver.enqueue(List.of(job("\"漢漢\"")), NOW)) // 2 + 3 + 3 bytes, 4 characters
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8 bytes");
    }
  }

  @Test
  @DisplayName("the builder and the URI option memory:?maxPayloadBytes=... set the limit")
  void theLimitIsConfigurable() {
    try (MemoryDriver built = MemoryDriver.builder().maxPayloadBytes(2048).build()) {
      assertThat(built.maxPayloadBytes()).isEqualTo(2048);
      assertLimit(built, 2048);
    }
    try (Driver fromUri = Drivers.open("memory:?maxPayloadBytes=2048")) {
      assertThat(((MemoryDriver) fromUri).maxPayloadBytes()).isEqualTo(2048);
      assertLimit(fromUri, 2048);
    }
    try (Driver named = Drivers.open("memory:tests?maxPayloadBytes=%32%30%34%38")) {
      assertThat(((MemoryDriver) named).maxPayloadBytes()).isEqualTo(2048);
    }
    try (Driver fromOptions = Drivers.open(new DriverConfig(URI.create("memory:/"),
        Map.of(DriverRules.MAX_PAYLOAD_BYTES_OPTION, "4096")))) {
      assertThat(((MemoryDriver) fromOptions).maxPayloadBytes()).isEqualTo(4096);
    }
    try (Driver both = Drivers.open(new DriverConfig(URI.create("memory:?maxPayloadBytes=4096"),
        Map.of(DriverRules.MAX_PAYLOAD_BYTES_OPTION, "4096")))) {
      assertThat(((MemoryDriver) both).maxPayloadBytes()).isEqualTo(4096);
    }
    try (MemoryDriver extremes = MemoryDriver.builder().maxPayloadBytes(2).build()) {
      assertLimit(extremes, 2);
    }
    assertThat(MemoryDriver.builder().maxPayloadBytes(268_435_456).build().maxPayloadBytes()).isEqualTo(268_435_456);
  }

  @ParameterizedTest(name = "maxPayloadBytes={0}")
  @ValueSource(strings = {"1", "0", "-1", "268435457", "2147483647"})
  @DisplayName("a limit outside 2 .. 268435456 is an IllegalArgumentException naming the option and the range")
  void aLimitOutOfRangeIsRefused(String value) {
    assertThatThrownBy(() -> Drivers.open("memory:?maxPayloadBytes=" + value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxPayloadBytes must be between 2 and 268435456")
        .hasMessageContaining(value);
    assertThatThrownBy(() -> MemoryDriver.builder().maxPayloadBytes(Integer.parseInt(value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxPayloadBytes must be between 2 and 268435456");
  }

  @ParameterizedTest(name = "memory:?{0}")
  @ValueSource(strings = {"maxPayloadBytes=abc", "maxPayloadBytes=", "maxPayloadBytes", "maxPayloadBytes=1.5",
      "maxPayloadBytes=99999999999"})
  @DisplayName("a limit that is no whole number is an IllegalArgumentException naming the option")
  void aLimitThatIsNoNumberIsRefused(String query) {
    assertThatThrownBy(() -> Drivers.open("memory:?" + query))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxPayloadBytes must be a whole number");
  }

  @Test
  @DisplayName("an unknown option, an option set twice or set differently in the URI and the config is refused")
  void badOptionsAreRefused() {
    assertThatThrownBy(() -> Drivers.open("memory:?maxPayload=10"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option 'maxPayload'").hasMessageContaining("maxPayloadBytes");
    assertThatThrownBy(() -> Drivers.open(new DriverConfig(URI.create("memory:/"), Map.of("poolSize", "3"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option 'poolSize'");
    assertThatThrownBy(() -> Drivers.open("memory:?maxPayloadBytes=10&maxPayloadBytes=10"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than once");
    assertThatThrownBy(() -> Drivers.open(new DriverConfig(URI.create("memory:?maxPayloadBytes=10"),
        Map.of(DriverRules.MAX_PAYLOAD_BYTES_OPTION, "20"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set it in one place");
  }

  @Test
  @DisplayName("a payload over the limit anywhere in a batch stores nothing of it")
  void anEnqueueBatchIsCheckedWhole() {
    try (MemoryDriver driver = MemoryDriver.builder().maxPayloadBytes(16).build()) {
      NewJob small = NewJob.builder(JobId.newId(), "q", "t", "{}").idempotencyKey("k").build();
      assertThatThrownBy(() -> driver.enqueue(List.of(small, job(json(17))), NOW))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload");
      assertThat(driver.get(small.id())).isEmpty();
      assertThat(driver.findByIdempotencyKey("q", "k")).isEmpty();
    }
  }

  @Test
  @DisplayName("an ack result over the limit is refused from complete before any item of the batch is applied")
  void aCompletionBatchIsCheckedWhole() {
    try (MemoryDriver driver = MemoryDriver.builder().maxPayloadBytes(16).build()) {
      JobId a = JobId.newId();
      JobId b = JobId.newId();
      driver.enqueue(List.of(job(a, "{}"), job(b, "{}")), NOW);
      List<LeasedJob> leased = driver.reserve("q", 2, NOW, Duration.ofSeconds(30));
      assertThat(leased).hasSize(2);
      List<Completion> acks = leased.stream()
          .map(l -> (Completion) new Completion.Ack(l.id(), l.token(), l.id().equals(b) ? json(17) : json(16)))
          .toList();

      assertThatThrownBy(() -> driver.complete(acks, NOW))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("result of job " + b);
      assertThat(driver.get(a).orElseThrow().status()).isEqualTo(JobStatus.INFLIGHT);
      assertThat(driver.get(b).orElseThrow().status()).isEqualTo(JobStatus.INFLIGHT);

      driver.complete(List.of(acks.get(leased.get(0).id().equals(a) ? 0 : 1)), NOW);
      assertThat(driver.get(a).orElseThrow().result()).isEqualTo(json(16));
    }
  }

  private static NewJob job(JobId id, String payload) {
    return NewJob.of(id, "q", "t", payload);
  }
}
