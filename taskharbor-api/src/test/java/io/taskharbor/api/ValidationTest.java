package io.taskharbor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.support.Validation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Bad values are refused where they are built, with a message that names the field. */
class ValidationTest {
  record Payload(int n) {}

  private static JobRequest.Builder request() {
    return JobRequest.builder("email.send", new Payload(1));
  }

  /** Asserts that {@code call} is refused with an IllegalArgumentException whose message names {@code field}. */
  private static void refused(ThrowingCallable call, String field) {
    assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(field);
  }

  @Test
  @DisplayName("JobRequest: queue, type, run time, key, max attempts, timeout and payload are checked")
  void jobRequest() {
    refused(() -> request().queue("").build(), "queue");
    refused(() -> request().queue("has space").build(), "queue");
    refused(() -> request().queue("q".repeat(129)).build(), "queue");
    refused(() -> JobRequest.builder(" ", new Payload(1)).build(), "type");
    refused(() -> JobRequest.builder("t".repeat(256), new Payload(1)).build(), "type");
    assertThatThrownBy(() -> JobRequest.builder("t", null).build()).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("payload");
    refused(() -> request().runAt(Instant.parse("1969-12-31T23:59:59Z")).build(), "runAt");
    refused(() -> request().runAt(Instant.parse("+12000-01-01T00:00:00Z")).build(), "runAt");
    refused(() -> request().idempotencyKey(" ").build(), "idempotencyKey");
    refused(() -> request().idempotencyKey("k".repeat(256)).build(), "idempotencyKey");
    refused(() -> request().idempotencyKey("a\u0000b").build(), "idempotencyKey");
    refused(() -> request().maxAttempts(0).build(), "maxAttempts");
    refused(() -> request().maxAttempts(-3).build(), "maxAttempts");
    refused(() -> request().timeout(Duration.ZERO).build(), "timeout");
    refused(() -> request().timeout(Duration.ofSeconds(-5)).build(), "timeout");
  }

  @Test
  @DisplayName("NewJob: queue, type, run time, key, max attempts and timeout are checked as in JobRequest")
  void newJobFields() {
    JobId id = JobId.newId();
    refused(() -> new NewJob(id, "no spaces", "t", "{}", 0, null, null, 25, null), "queue");
    refused(() -> new NewJob(id, "q", "", "{}", 0, null, null, 25, null), "type");
    refused(() -> new NewJob(id, "q", "t\u0000", "{}", 0, null, null, 25, null), "type");
    refused(() -> new NewJob(id, "q", "t", "{}", 0, Instant.parse("+12000-01-01T00:00:00Z"), null, 25, null),
        "runAt");
    refused(() -> new NewJob(id, "q", "t", "{}", 0, null, "\uD800", 25, null), "idempotencyKey");
    refused(() -> new NewJob(id, "q", "t", "{}", 0, null, null, 0, null), "maxAttempts");
    refused(() -> new NewJob(id, "q", "t", "{}", 0, null, null, 25, Duration.ofMillis(-1)), "timeout");
    assertThatThrownBy(() -> new NewJob(null, "q", "t", "{}", 0, null, null, 25, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("id");
  }

  @Test
  @DisplayName("JobRequest keeps what it is given, truncating instants to microseconds")
  void jobRequestValues() {
    Instant at = Instant.parse("2030-01-01T00:00:00.123456789Z");
    JobRequest r = request().queue("mail").priority(7).runAt(at).idempotencyKey("k1").maxAttempts(4).build();
    assertThat(r.queue()).isEqualTo("mail");
    assertThat(r.priority()).isEqualTo(7);
    assertThat(r.runAt()).isEqualTo(Instant.parse("2030-01-01T00:00:00.123456Z"));
    assertThat(r.maxAttempts()).isEqualTo(4);
    assertThat(request().build().queue()).isEqualTo(Limits.DEFAULT_QUEUE);
  }

  @Test
  @DisplayName("NewJob refuses a payload that is not JSON, and one jsonb cannot hold")
  void newJobPayload() {
    JobId id = JobId.newId();
    refused(() -> NewJob.of(id, "q", "t", "{not json"), "payload");
    refused(() -> NewJob.of(id, "q", "t", "{\"a\":\"\\u0000\"}"), "payload");
    refused(() -> NewJob.of(id, "q", "t", "{} {}"), "payload");
    assertThat(NewJob.of(id, "q", "t", " {\"a\": [1, 2.5e3, true, null]} ").payload()).contains("2.5e3");
  }

  @Test
  @DisplayName("NewJob refuses numbers PostgreSQL's numeric cannot hold, at the exact limits, exponent applied")
  void newJobNumbersAtTheNumericLimits() {
    JobId id = JobId.newId();
    List<String> accepted = List.of(
        "[1" + "0".repeat(131_071) + "]",
        "[0." + "1".repeat(16_383) + "]",
        "[0." + "1".repeat(15_383) + "e-1000]",
        "[1" + "0".repeat(130_071) + "e1000]",
        "[-0." + "0".repeat(16_382) + "1e1000]",
        "[0." + "0".repeat(17_383) + "e+1000]",
        "[1.5" + "0".repeat(16_382) + "e2]");
    for (String json : accepted) {
      assertThat(NewJob.of(id, "q", "t", json).payload()).isEqualTo(json);
    }
    List<String> refused = List.of(
        "[1" + "0".repeat(131_072) + "]",
        "[0." + "1".repeat(16_384) + "]",
        "[0." + "1".repeat(15_384) + "e-1000]",
        "[1" + "0".repeat(130_072) + "e1000]",
        "[0." + "0".repeat(17_384) + "e+1000]",
        "{\"n\":0." + "0".repeat(16_000) + "1e-1000}");
    for (String json : refused) {
      assertThatThrownBy(() -> NewJob.of(id, "q", "t", json)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("payload").hasMessageContaining("digits");
    }
  }

  @Test
  @DisplayName("NewJob accepts exponents up to 1000, leading zeros allowed, and refuses larger ones however written")
  void newJobExponentLimits() {
    JobId id = JobId.newId();
    for (String json : List.of("[1e1000]", "[1E+1000]", "[1e-1000]", "[1e0001000]", "[2.5e-01000]", "[0e0]")) {
      assertThat(NewJob.of(id, "q", "t", json).payload()).isEqualTo(json);
    }
    for (String json : List.of("[1e1001]", "[1e-1001]", "[1e00001001]", "[1E99999999999999999999]")) {
      refused(() -> NewJob.of(id, "q", "t", json), "exponent");
    }
  }

  @Test
  @DisplayName("JobQuery checks its limit and cursor")
  void jobQuery() {
    refused(() -> JobQuery.builder().limit(0).build(), "limit");
    refused(() -> JobQuery.builder().limit(Limits.MAX_PAGE_SIZE + 1).build(), "limit");
    refused(() -> JobQuery.builder().cursor("not-a-cursor").build(), "cursor");
  }

  @Test
  @DisplayName("job ids order as unsigned 128-bit numbers, and new ids grow over time")
  void jobIds() {
    JobId low = JobId.parse("00000000-0000-0000-0000-000000000001");
    JobId high = JobId.parse("ffffffff-ffff-ffff-ffff-ffffffffffff");
    assertThat(low).isLessThan(high);
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      ids.add(JobId.newId());
    }
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(ids.get(0).toString().substring(0, 8)).isLessThanOrEqualTo(ids.get(999).toString().substring(0, 8));
    assertThatThrownBy(() -> JobId.parse("nope")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("new job ids are version 7 UUIDs with the IETF variant and the current time, unique across threads")
  void newJobIdsAreUuidV7() throws Exception {
    long before = System.currentTimeMillis();
    Set<JobId> ids = ConcurrentHashMap.newKeySet();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(new Thread(() -> {
        for (int i = 0; i < 50_000; i++) {
          ids.add(JobId.newId());
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    long after = System.currentTimeMillis();

    assertThat(ids).hasSize(200_000);
    Set<Long> lowBits = new HashSet<>();
    for (JobId id : ids) {
      UUID u = id.uuid();
      assertThat(u.version()).isEqualTo(7);
      assertThat(u.variant()).isEqualTo(2);
      assertThat(u.getMostSignificantBits() >>> 16).isBetween(before, after);
      lowBits.add(u.getLeastSignificantBits() & 0xFFFF);
    }
    assertThat(lowBits).as("distinct values of 16 random bits over 200,000 ids").hasSizeGreaterThan(60_000);
  }

  @Test
  @DisplayName("the hand-written queue check accepts exactly what Limits.QUEUE_NAME matches")
  void queueCheckAgreesWithThePattern() {
    List<String> names = new ArrayList<>(List.of("", "q".repeat(128), "q".repeat(129), "a.b:c-d_9", "ünï"));
    for (char c = 0; c < 0x300; c++) {
      names.add("x" + c + "y");
    }
    for (String name : names) {
      boolean matches = Limits.QUEUE_NAME.matcher(name).matches();
      boolean accepted;
      try {
        Validation.queue(name);
        accepted = true;
      } catch (IllegalArgumentException e) {
        accepted = false;
      }
      assertThat(accepted).as("queue name %s", name).isEqualTo(matches);
    }
  }
}
