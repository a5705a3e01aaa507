package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.api.DriverException;
import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.Limits;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.support.Validation;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input never reaches the table: oversized payloads and results, text the database cannot hold (NUL, lone
 * surrogates), over-long keys, are refused with {@link IllegalArgumentException} before any statement, whether the
 * refusal comes from the driver or from the SPI's value types; every refused call leaves the stored rows exactly as
 * they were (compared through {@code get} and as raw rows with their row versions). Values at the edge of what
 * validation accepts are stored, not turned into database errors. A DSN's password never shows in a failure.
 *
 * <p>The schema that does not exist is covered by {@link MigrationTest#anUnknownSchemaIsRefusedWhenTheDriverOpens}.
 */
@Tag("postgres")
class BadInputReachingTheDatabaseTest {

  private static final int MAX_PAYLOAD = 1024;
  private static final String QUEUE = "bad-input";
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Instant NOW = T0.plusSeconds(10);
  private static final Duration LEASE = Duration.ofMinutes(5);
  private static final String PASSWORD = "wrong-secret-123";

  private static String schema;
  private static PostgresDriver driver;
  /** Stored jobs in every state; none may change when a call is refused. */
  private final Map<String, JobId> bystanders = new LinkedHashMap<>();
  /** An INFLIGHT job of {@link #QUEUE} that the completion cases present. */
  private LeasedJob leased;
  /** The id every refused enqueue tries to store; it must never be found. */
  private final JobId attempted = JobId.newId();

  @BeforeAll
  static void migrateOnce() {
    schema = TestDatabase.createMigratedSchema();
    driver = PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(2).minIdle(1)
        .maxPayloadBytes(MAX_PAYLOAD).build();
  }

  @AfterAll
  static void dropSchema() {
    if (driver != null) {
      driver.close();
    }
    if (schema != null) {
      TestDatabase.drop(schema);
    }
  }

  /** Every test starts from the same stored jobs, in a table of its own class's schema. */
  @BeforeEach
  void setUp() {
    TestDatabase.execute("DELETE FROM " + schema + ".th_jobs");
    store("ready", NewJob.of(JobId.newId(), "by-ready", "bystander", "{\"text\":\"héllo 😀\"}"));
    store("keyed", new NewJob(JobId.newId(), "by-ready", "bystander", "[1,2]", 3, null, "bystander-key", 5, null));
    store("scheduled", new NewJob(JobId.newId(), "by-ready", "bystander", "{}", 0, T0.plusSeconds(3600), null, 5,
        Duration.ofSeconds(30)));
    store("inflight", NewJob.of(JobId.newId(), "by-inflight", "bystander", "{}"));
    store("done", NewJob.of(JobId.newId(), "by-done", "bystander", "{}"));
    store("dlq", NewJob.of(JobId.newId(), "by-dlq", "bystander", "{}"));
    driver.reserve("by-inflight", 1, T0, LEASE);
    LeasedJob done = driver.reserve("by-done", 1, T0, LEASE).get(0);
    LeasedJob dlq = driver.reserve("by-dlq", 1, T0, LEASE).get(0);
    assertThat(driver.complete(List.of(new Completion.Ack(done.id(), done.token(), "{\"ok\":true}"),
        new Completion.Fail(dlq.id(), dlq.token(), "broken", "stack")), T0)).allMatch(Outcome::isOk);

    JobId inflight = JobId.newId();
    driver.enqueue(List.of(NewJob.of(inflight, QUEUE, "work", "{}")), T0);
    leased = driver.reserve(QUEUE, 1, T0, LEASE).get(0);
    bystanders.put("leased", inflight);
  }

  private void store(String name, NewJob job) {
    assertThat(driver.enqueue(List.of(job), T0)).containsExactly(new EnqueueResult(job.id(), true));
    bystanders.put(name, job.id());
  }

  // ------------------------------------------------------------------------------------------------ (h) unchanged

  /** The visible records of the bystanders and of the attempted id, and the raw rows with their row versions. */
  private record Snapshot(Map<String, Optional<JobRecord>> records, List<String> rows) {}

  private Snapshot snapshot() {
    Map<String, Optional<JobRecord>> records = new LinkedHashMap<>();
    bystanders.forEach((name, id) -> records.put(name, driver.get(id)));
    records.put("attempted", driver.get(attempted));
    List<String> rows = new ArrayList<>();
    try (Connection c = TestDatabase.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT j.xmin::text || ' ' || j::text FROM " + schema + ".th_jobs j "
            + "ORDER BY j.id")) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return new Snapshot(records, rows);
  }

  /** Runs {@code call}, which must be refused with {@code type}, and checks that no stored row changed. */
  private Throwable refusedWithoutChange(Class<? extends Throwable> type, ThrowingCallable call) {
    Snapshot before = snapshot();
    QueueStats statsBefore = driver.stats(QUEUE, NOW);
    assertThat(before.records().get("attempted")).isEmpty();

    Throwable thrown = catchThrowable(call);

    assertThat(thrown).isInstanceOf(type);
    Snapshot after = snapshot();
    assertThat(after.records()).as("records after the refused call").isEqualTo(before.records());
    assertThat(after.rows()).as("raw rows after the refused call").isEqualTo(before.rows());
    assertThat(driver.stats(QUEUE, NOW)).isEqualTo(statsBefore);
    return thrown;
  }

  private static String jsonString(String content) {
    return "\"" + content + "\"";
  }

  // ------------------------------------------------------------------------------------------------ (a) (b) sizes

  @Test
  @DisplayName("a batch whose third payload is over maxPayloadBytes is refused before any write: none of the three is stored")
  void aBatchWithOneOversizedPayloadStoresNothing() {
    JobId second = JobId.newId();
    List<NewJob> batch = List.of(
        NewJob.of(attempted, QUEUE, "work", "{}"),
        NewJob.of(second, QUEUE, "work", "{\"n\":2}"),
        NewJob.of(JobId.newId(), QUEUE, "work", jsonString("x".repeat(MAX_PAYLOAD))));

    refusedWithoutChange(IllegalArgumentException.class, () -> driver.enqueue(batch, NOW));

    assertThat(driver.get(second)).isEmpty();
    assertThat(driver.get(batch.get(2).id())).isEmpty();
  }

  @Test
  @DisplayName("an oversized payload on the application's connection is refused before any statement: its "
      + "transaction goes on")
  void anOversizedPayloadInTheApplicationsTransactionIsRefusedBeforeAnyStatement() throws SQLException {
    try (Connection app = TestDatabase.connect()) {
      app.setAutoCommit(false);
      JobId fine = JobId.newId();
      driver.enqueue(app, List.of(NewJob.of(fine, QUEUE, "work", "{}")), NOW);
      List<NewJob> batch = List.of(NewJob.of(attempted, QUEUE, "work", "{}"),
          NewJob.of(JobId.newId(), QUEUE, "work", jsonString("x".repeat(MAX_PAYLOAD))));

      Throwable thrown = catchThrowable(() -> driver.enqueue(app, batch, NOW));

      assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
      try (Statement st = app.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
        assertThat(rs.next()).as("the application's transaction is not aborted").isTrue();
      }
      app.commit();
      assertThat(driver.get(fine)).as("the job enqueued before the refusal commits with the transaction").isPresent();
      assertThat(driver.get(attempted)).isEmpty();
    }
  }

  @Test
  @DisplayName("the payload limit counts UTF-8 bytes: 1024 bytes of é and 😀 are stored, 1025 are refused")
  void thePayloadLimitCountsUtf8Bytes() {
    // 2 quotes + 255 emoji of 4 bytes + 1 é of 2 bytes = 1024 bytes in 513 UTF-16 units.
    String atLimit = jsonString("😀".repeat(255) + "é");
    String overLimit = jsonString("😀".repeat(255) + "é" + "x");
    assertThat(atLimit.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_PAYLOAD);
    assertThat(overLimit.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_PAYLOAD + 1);

    refusedWithoutChange(IllegalArgumentException.class,
        () -> driver.enqueue(List.of(NewJob.of(attempted, QUEUE, "work", overLimit)), NOW));

    JobId id = JobId.newId();
    assertThat(driver.enqueue(List.of(NewJob.of(id, QUEUE, "work", atLimit)), NOW))
        .containsExactly(new EnqueueResult(id, true));
    assertThat(driver.get(id).orElseThrow().payload()).isEqualTo(atLimit);
  }

  @Test
  @DisplayName("an ack whose result is over maxPayloadBytes is refused, even beside a good ack; both jobs keep their leases")
  void anOversizedAckResultIsRefusedAndTheJobStaysInflight() {
    JobId other = JobId.newId();
    driver.enqueue(List.of(NewJob.of(other, QUEUE, "work", "{}")), NOW);
    LeasedJob second = driver.reserve(QUEUE, 1, NOW, LEASE).get(0);
    assertThat(second.id()).isEqualTo(other);
    bystanders.put("second", other);
    String tooBig = jsonString("r".repeat(MAX_PAYLOAD - 1));
    List<Completion> acks = List.of(
        new Completion.Ack(second.id(), second.token(), "{}"),
        new Completion.Ack(leased.id(), leased.token(), tooBig));

    Snapshot before = snapshot();
    Throwable thrown = catchThrowable(() -> driver.complete(acks, NOW));

    assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
    assertThat(snapshot()).isEqualTo(before);
    JobRecord job = driver.get(leased.id()).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.INFLIGHT);
    assertThat(job.leaseToken()).isEqualTo(leased.token());
    assertThat(job.leaseExpiresAt()).isEqualTo(leased.leaseExpiresAt());
    assertThat(job.result()).isNull();
  }

  @Test
  void anAckResultOfExactlyMaxPayloadBytesIsStored() {
    String atLimit = jsonString("r".repeat(MAX_PAYLOAD - 2));

    assertThat(driver.complete(List.of(new Completion.Ack(leased.id(), leased.token(), atLimit)), NOW))
        .allMatch(Outcome::isOk);

    JobRecord job = driver.get(leased.id()).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.DONE);
    assertThat(job.result()).isEqualTo(atLimit);
  }

  // ------------------------------------------------------------------------------------------------ (c) (d) text

  /** A call carrying bad text; it may fail while building its arguments (the SPI's value types validate). */
  @FunctionalInterface
  interface BadCall {
    void call(BadInputReachingTheDatabaseTest t) throws Exception;
  }

  private static Arguments badCall(String name, BadCall call) {
    return Arguments.of(name, call);
  }

  private static Stream<Arguments> textTheDatabaseCannotHold() {
    return Stream.of(
        // NUL: text columns cannot hold U+0000, and jsonb refuses the escape \u0000.
        badCall("NUL in the type", t -> t.enqueue(NewJob.of(t.attempted, QUEUE, "send\u0000mail", "{}"))),
        badCall("NUL in the queue", t -> t.enqueue(NewJob.of(t.attempted, "bad\u0000input", "work", "{}"))),
        badCall("NUL in the idempotency key", t -> t.enqueue(t.keyed("order\u00001"))),
        badCall("the JSON escape \\u0000 in a payload string",
            t -> t.enqueue(NewJob.of(t.attempted, QUEUE, "work", "{\"a\":\"x\\u0000y\"}"))),
        badCall("the JSON escape \\u0000 in a payload key",
            t -> t.enqueue(NewJob.of(t.attempted, QUEUE, "work", "{\"\\u0000\":1}"))),
        badCall("a raw NUL in a payload string",
            t -> t.enqueue(NewJob.of(t.attempted, QUEUE, "work", "{\"a\":\"x\u0000y\"}"))),
        badCall("NUL in a retry's error", t -> t.complete(
            new Completion.Retry(t.leased.id(), t.leased.token(), null, "boom\u0000"))),
        badCall("NUL in a fail reason", t -> t.complete(
            new Completion.Fail(t.leased.id(), t.leased.token(), "bad\u0000reason", null))),
        badCall("NUL in a fail's error", t -> t.complete(
            new Completion.Fail(t.leased.id(), t.leased.token(), "reason", "trace\u0000"))),
        badCall("the JSON escape \\u0000 in an ack result", t -> t.complete(
            new Completion.Ack(t.leased.id(), t.leased.token(), "\"\\u0000\""))),
        badCall("NUL in findByIdempotencyKey's key", t -> driver.findByIdempotencyKey(QUEUE, "order\u00001")),
        badCall("NUL in reserve's queue", t -> driver.reserve("bad\u0000input", 1, NOW, LEASE)),
        badCall("NUL in a list's type filter", t -> driver.list(JobQuery.builder().type("w\u0000rk").build())),
        // Lone surrogates have no UTF-8 form.
        badCall("a lone high surrogate in the type", t -> t.enqueue(NewJob.of(t.attempted, QUEUE, "work\uD800", "{}"))),
        badCall("a lone low surrogate in the type", t -> t.enqueue(NewJob.of(t.attempted, QUEUE, "\uDC00work", "{}"))),
        badCall("a lone surrogate in the idempotency key", t -> t.enqueue(t.keyed("order-\uD83D"))),
        badCall("a raw lone surrogate in a payload string",
            t -> t.enqueue(NewJob.of(t.attempted, QUEUE, "work", "{\"a\":\"\uD800\"}"))),
        badCall("the JSON escape of a lone high surrogate",
            t -> t.enqueue(NewJob.of(t.attempted, QUEUE, "work", "{\"a\":\"\\uD800\"}"))),
        badCall("the JSON escape of a lone low surrogate",
            t -> t.enqueue(NewJob.of(t.attempted, QUEUE, "work", "{\"a\":\"\\uDC00\"}"))),
        badCall("a high surrogate escape followed by a non-surrogate escape",
            t -> t.enqueue(NewJob.of(t.attempted, QUEUE, "work", "[\"\\uD800\\u0041\"]"))),
        badCall("a lone surrogate in a retry's error", t -> t.complete(
            new Completion.Retry(t.leased.id(), t.leased.token(), null, "boom\uDFFF"))),
        badCall("a lone surrogate in a fail reason", t -> t.complete(
            new Completion.Fail(t.leased.id(), t.leased.token(), "\uD800", null))),
        badCall("a lone surrogate escape in an ack result", t -> t.complete(
            new Completion.Ack(t.leased.id(), t.leased.token(), "{\"r\":\"\\uDBFF\"}"))),
        badCall("a lone surrogate in findByIdempotencyKey's key",
            t -> driver.findByIdempotencyKey(QUEUE, "order-\uDC00")));
  }

  private void enqueue(NewJob job) {
    driver.enqueue(List.of(job), NOW);
  }

  private void complete(Completion completion) {
    driver.complete(List.of(completion), NOW);
  }

  private NewJob keyed(String key) {
    return new NewJob(attempted, QUEUE, "work", "{}", 0, null, key, Limits.DEFAULT_MAX_ATTEMPTS, null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("textTheDatabaseCannotHold")
  @DisplayName("text the database cannot hold is refused with IllegalArgumentException and nothing changes")
  void textTheDatabaseCannotHoldIsRefusedAndNothingChanges(String name, BadCall call) {
    refusedWithoutChange(IllegalArgumentException.class, () -> call.call(this));

    JobRecord job = driver.get(leased.id()).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.INFLIGHT);
    assertThat(job.leaseToken()).isEqualTo(leased.token());
  }

  // ------------------------------------------------------------------------------------------------ (e) lengths

  @Test
  void anIdempotencyKeyOverTheLimitIsRefusedEverywhere() {
    String tooLong = "k".repeat(Limits.MAX_IDEMPOTENCY_KEY_LENGTH + 1);

    refusedWithoutChange(IllegalArgumentException.class, () -> enqueue(keyed(tooLong)));
    refusedWithoutChange(IllegalArgumentException.class, () -> driver.findByIdempotencyKey(QUEUE, tooLong));
  }

  @ParameterizedTest(name = "a key of {0} repeated up to the limit")
  @ValueSource(strings = {"k", "é", "😀"})
  @DisplayName("an idempotency key exactly at the length limit is stored and found again")
  void anIdempotencyKeyAtTheLimitIsStoredAndFoundAgain(String unit) {
    String key = unit.repeat(Limits.MAX_IDEMPOTENCY_KEY_LENGTH / unit.length());
    assertThat(key.length()).isBetween(Limits.MAX_IDEMPOTENCY_KEY_LENGTH - 1, Limits.MAX_IDEMPOTENCY_KEY_LENGTH);

    assertThat(driver.enqueue(List.of(keyed(key)), NOW)).containsExactly(new EnqueueResult(attempted, true));

    assertThat(driver.findByIdempotencyKey(QUEUE, key)).map(JobRecord::id).contains(attempted);
    assertThat(driver.get(attempted).orElseThrow().idempotencyKey()).isEqualTo(key);
    JobId again = JobId.newId();
    assertThat(driver.enqueue(List.of(new NewJob(again, QUEUE, "work", "{}", 0, null, key, 3, null)), NOW))
        .containsExactly(new EnqueueResult(attempted, false));
  }

  @Test
  void aTypeAndAQueueAtTheirLimitsAreStoredAndOneCharacterMoreIsRefused() {
    String type = "t".repeat(Limits.MAX_TYPE_LENGTH);
    String queue = "q".repeat(128);
    refusedWithoutChange(IllegalArgumentException.class,
        () -> enqueue(NewJob.of(attempted, QUEUE, type + "t", "{}")));
    refusedWithoutChange(IllegalArgumentException.class,
        () -> enqueue(NewJob.of(attempted, queue + "q", "work", "{}")));

    enqueue(NewJob.of(attempted, queue, type, "{}"));

    JobRecord job = driver.get(attempted).orElseThrow();
    assertThat(job.type()).isEqualTo(type);
    assertThat(job.queue()).isEqualTo(queue);
  }

  // ------------------------------------------------------------------------------------------------ edges accepted

  @Test
  @DisplayName("JSON at the edges of what validation accepts reaches the database and is stored, never a DriverException")
  void jsonAtTheEdgesOfValidationIsStored() {
    List<String> payloads = List.of(
        "[".repeat(Validation.MAX_JSON_DEPTH) + "]".repeat(Validation.MAX_JSON_DEPTH),
        "[1e1000,-1E-1000,-0,0.0e+0]",
        "\"\\ud83d\\ude00 \\u0001 \\u001f \\uffff \\/\"",
        "{\"a\":{\"a\":1},\"a\":2}",
        "null");
    for (String payload : payloads) {
      JobId id = JobId.newId();
      assertThat(driver.enqueue(List.of(NewJob.of(id, QUEUE, "work", payload)), NOW))
          .as("enqueue of %s", payload.length() > 40 ? payload.substring(0, 40) + "…" : payload)
          .containsExactly(new EnqueueResult(id, true));
      assertThat(driver.get(id)).isPresent();
    }
    String deepest = "[".repeat(Validation.MAX_JSON_DEPTH + 1) + "]".repeat(Validation.MAX_JSON_DEPTH + 1);
    refusedWithoutChange(IllegalArgumentException.class,
        () -> enqueue(NewJob.of(attempted, QUEUE, "work", deepest)));
  }

  private static Stream<Arguments> numbersBeyondPostgresNumeric() {
    return Stream.of(
        Arguments.of("131073 integer digits", "[" + "1".repeat(131_073) + "]"),
        Arguments.of("16384 fraction digits", "[0." + "1".repeat(16_384) + "]"),
        Arguments.of("a small exponent on a long fraction", "{\"n\":0." + "0".repeat(16_000) + "1e-1000}"));
  }

  /**
   * Valid JSON (RFC 8259, and within the JSON check's exponent and depth limits) whose numbers PostgreSQL's
   * {@code numeric}, hence {@code jsonb}, cannot hold. Under the default 1 MiB limit it reaches the database. It must
   * be stored or refused as bad input (IllegalArgumentException, nothing stored), never fail as a database error:
   * The JSON check promises that every driver accepts and refuses the same documents.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("numbersBeyondPostgresNumeric")
  @DisplayName("a JSON number beyond PostgreSQL's numeric range is stored or refused as bad input, never a database error")
  void aJsonNumberBeyondPostgresNumericIsNotADatabaseError(String name, String payload) {
    try (PostgresDriver roomy = PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(1).build()) {
      Snapshot before = snapshot();

      Throwable thrown = catchThrowable(() -> roomy.enqueue(List.of(NewJob.of(attempted, QUEUE, "work", payload)), NOW));

      if (thrown == null) {
        assertThat(roomy.get(attempted)).isPresent();
      } else {
        assertThat(thrown).as("the refusal of %s", name).isInstanceOf(IllegalArgumentException.class);
        assertThat(snapshot()).isEqualTo(before);
      }
    }
  }

  /**
   * The same numbers in an ack result: the ack must be stored or refused on its own (an outcome, or an
   * IllegalArgumentException before any statement), and must not sink the good ack beside it in a database error.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("numbersBeyondPostgresNumeric")
  @DisplayName("an ack result with a number beyond PostgreSQL's numeric range is not a database error for its batch")
  void anAckResultBeyondPostgresNumericIsNotADatabaseError(String name, String result) {
    try (PostgresDriver roomy = PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(1).build()) {
      JobId other = JobId.newId();
      roomy.enqueue(List.of(NewJob.of(other, QUEUE, "work", "{}")), NOW);
      LeasedJob second = roomy.reserve(QUEUE, 1, NOW, LEASE).get(0);
      Snapshot before = snapshot();

      // Completion.Ack validates its result, so the refusal may come before the driver is even called.
      Throwable thrown = catchThrowable(() -> roomy.complete(List.of(
          new Completion.Ack(second.id(), second.token(), "{}"),
          new Completion.Ack(leased.id(), leased.token(), result)), NOW));

      if (thrown == null) {
        assertThat(roomy.get(second.id()).orElseThrow().status()).isEqualTo(JobStatus.DONE);
      } else {
        assertThat(thrown).as("the refusal of %s", name).isInstanceOf(IllegalArgumentException.class);
        assertThat(snapshot()).isEqualTo(before);
      }
    }
  }

  @Test
  @DisplayName("numbers and instants at the ends of their ranges are stored and read back exactly")
  void extremeNumbersAndInstantsAreStoredExactly() {
    Duration longest = Duration.ofDays(365 * 100L);
    NewJob job = new NewJob(attempted, QUEUE, "work", "{}", Integer.MAX_VALUE, Limits.MAX_INSTANT, "edge",
        Integer.MAX_VALUE, longest);
    JobId lowest = JobId.newId();

    driver.enqueue(List.of(job, new NewJob(lowest, QUEUE, "work", "{}", Integer.MIN_VALUE, Limits.MIN_INSTANT, null,
        1, Duration.ofNanos(1_000))), Limits.MIN_INSTANT);

    JobRecord stored = driver.get(attempted).orElseThrow();
    assertThat(stored.priority()).isEqualTo(Integer.MAX_VALUE);
    assertThat(stored.runAt()).isEqualTo(Limits.MAX_INSTANT);
    assertThat(stored.maxAttempts()).isEqualTo(Integer.MAX_VALUE);
    assertThat(stored.timeout()).isEqualTo(longest);
    assertThat(stored.createdAt()).isEqualTo(Limits.MIN_INSTANT);
    JobRecord low = driver.get(lowest).orElseThrow();
    assertThat(low.priority()).isEqualTo(Integer.MIN_VALUE);
    assertThat(low.runAt()).isEqualTo(Limits.MIN_INSTANT);
    assertThat(low.timeout()).isEqualTo(Duration.ofNanos(1_000));
  }

  @Test
  @DisplayName("a reserve at the last supported instant with the longest lease works: the expiry lies past year 9999")
  void aLeaseEndingAfterTheLastSupportedInstantIsStoredAndExtended() {
    Duration longest = Duration.ofDays(365 * 100L);
    driver.enqueue(List.of(NewJob.of(attempted, "far-future", "work", "{}")), Limits.MAX_INSTANT);

    List<LeasedJob> got = driver.reserve("far-future", 1, Limits.MAX_INSTANT, longest);

    assertThat(got).extracting(LeasedJob::id).containsExactly(attempted);
    assertThat(got.get(0).leaseExpiresAt()).isEqualTo(Limits.MAX_INSTANT.plus(longest));
    assertThat(driver.get(attempted).orElseThrow().leaseExpiresAt()).isEqualTo(Limits.MAX_INSTANT.plus(longest));
    assertThat(driver.extendLease(attempted, got.get(0).token(), Limits.MAX_INSTANT, longest))
        .isEqualTo(Limits.MAX_INSTANT.plus(longest));
    assertThat(driver.complete(List.of(new Completion.Ack(attempted, got.get(0).token(), null)), Limits.MAX_INSTANT))
        .allMatch(Outcome::isOk);
  }

  // ------------------------------------------------------------------------------------------------ (g) passwords

  private static Stream<Arguments> dsnsWithAWrongPassword() {
    return Stream.of(
        Arguments.of("postgres://postgres:" + PASSWORD + "@127.0.0.1:1/test?connectTimeout=250ms"),
        Arguments.of("postgresql://postgres:wrong%2Dsecret%2D123@127.0.0.1:1/test?connectTimeout=250ms"),
        Arguments.of("jdbc:postgresql://127.0.0.1:1/test?user=postgres&password=" + PASSWORD
            + "&connectTimeout=250ms"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dsnsWithAWrongPassword")
  @DisplayName("a server that refuses the connection is a DriverException whose message, stack trace and log lines "
      + "never hold the password")
  void aFailedConnectionNeverShowsThePassword(String dsn) {
    CapturedOutput output = new CapturedOutput();
    Throwable thrown;
    try {
      thrown = catchThrowable(() -> PostgresDriver.open(dsn).close());
    } finally {
      output.restore();
    }

    assertThat(thrown).isInstanceOf(DriverException.class);
    assertThat(((DriverException) thrown).isTransient()).as("a refused connection may work later").isTrue();
    assertNoPassword(thrown, output.text());
  }

  @Test
  @DisplayName("a server error at login (a database that does not exist) never shows the password either")
  void aServerErrorAtLoginNeverShowsThePassword() {
    URI server = URI.create(TestDatabase.dsn());
    String user = server.getRawUserInfo() == null ? "postgres" : server.getRawUserInfo().split(":", 2)[0];
    String dsn = "postgres://" + user + ":" + PASSWORD + "@" + server.getHost()
        + (server.getPort() < 0 ? "" : ":" + server.getPort()) + "/th_test_no_such_database"
        + "?sslmode=disable&connectTimeout=250ms";
    CapturedOutput output = new CapturedOutput();
    Throwable thrown;
    try {
      thrown = catchThrowable(() -> PostgresDriver.open(dsn).close());
    } finally {
      output.restore();
    }

    assertThat(thrown).isInstanceOf(DriverException.class);
    assertThat(((DriverException) thrown).isTransient()).as("a missing database stays missing").isFalse();
    assertNoPassword(thrown, output.text());
  }

  private static void assertNoPassword(Throwable thrown, String logged) {
    StringWriter trace = new StringWriter();
    thrown.printStackTrace(new PrintWriter(trace));
    System.out.println("refused as: " + thrown.getMessage());
    for (String form : List.of(PASSWORD, "wrong%2Dsecret%2D123")) {
      assertThat(thrown.getMessage()).doesNotContain(form);
      assertThat(trace.toString()).as("the stack trace").doesNotContain(form);
      assertThat(logged).as("what was logged meanwhile").doesNotContain(form);
    }
  }

  /** Copies what is written to System.out and System.err (where slf4j-simple logs) while it is installed. */
  private static final class CapturedOutput {
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    CapturedOutput() {
      System.setOut(new PrintStream(tee(out), true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(tee(err), true, StandardCharsets.UTF_8));
    }

    private OutputStream tee(PrintStream original) {
      return new OutputStream() {
        @Override
        public void write(int b) {
          synchronized (bytes) {
            bytes.write(b);
          }
          original.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          synchronized (bytes) {
            bytes.write(b, off, len);
          }
          original.write(b, off, len);
        }
      };
    }

    void restore() {
      System.out.flush();
      System.err.flush();
      System.setOut(out);
      System.setErr(err);
    }

    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
