package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.OTHER_QUEUE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.taskharbor.api.DuplicateJobException;
import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.Limits;
import io.taskharbor.spi.NewJob;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Enqueue: every job of a batch is stored READY with exactly the fields it was given, or none is. */
@DisplayName("enqueue: jobs are stored READY, exactly as given, all of a batch or none")
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class EnqueueContract extends TckGroup implements TckRules.Enqueue {

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected EnqueueContract(DriverTck tck) {
    super(tck);
  }

  @Override
  @Test
  @DisplayName("an enqueued job is stored READY with every field as given, created_at = updated_at = now, "
      + "no attempts and nothing else set")
  public void required_enqueueStoresAReadyJobWithEveryField() {
    Instant now = clock.instant();
    NewJob job = Jobs.builder(QUEUE).type("send-email").payload("{\"to\":\"a@example.com\",\"n\":[1,2]}").build();

    List<EnqueueResult> results = driver().enqueue(List.of(job), now);

    assertThat(results).containsExactly(new EnqueueResult(job.id(), true));
    JobRecords.assertJob(fx.get(job.id()), new JobRecord(job.id(), QUEUE, "send-email",
        "{\"to\":\"a@example.com\",\"n\":[1,2]}", 0, null, null, 0, Limits.DEFAULT_MAX_ATTEMPTS, null,
        JobStatus.READY, null, null, null, null, null, null, now, now, null));
  }

  @Override
  @Test
  @DisplayName("priority, run time, idempotency key, max attempts and timeout are stored as given")
  public void required_enqueueStoresEveryOptionalField() {
    Instant now = clock.instant();
    Instant runAt = now.plus(Duration.ofHours(1)).plusNanos(7_000);
    Duration timeout = Duration.ofSeconds(90).plusNanos(123_000);
    NewJob job = Jobs.builder(QUEUE).priority(7).runAt(runAt).key("order-42").maxAttempts(3).timeout(timeout).build();

    fx.enqueue(job);

    JobRecords.assertJob(fx.get(job.id()), new JobRecord(job.id(), QUEUE, Jobs.TYPE, Jobs.PAYLOAD, 7, runAt,
        "order-42", 0, 3, timeout, JobStatus.READY, null, null, null, null, null, null, now, now, null));
  }

  @Override
  @Test
  @DisplayName("a batch returns one result per job, in batch order, and stores every job")
  public void required_enqueueReturnsOneResultPerJobInBatchOrder() {
    NewJob a = Jobs.job(QUEUE, Jobs.id(50));
    NewJob b = Jobs.job(OTHER_QUEUE, Jobs.id(10));
    NewJob c = Jobs.job(QUEUE, Jobs.id(30));
    NewJob d = Jobs.builder(QUEUE).id(Jobs.id(20)).priority(5).build();

    List<EnqueueResult> results = driver().enqueue(List.of(a, b, c, d), clock.instant());

    assertThat(results).containsExactly(new EnqueueResult(a.id(), true), new EnqueueResult(b.id(), true),
        new EnqueueResult(c.id(), true), new EnqueueResult(d.id(), true));
    assertThat(fx.all()).extracting(JobRecord::id).containsExactly(b.id(), d.id(), c.id(), a.id());
    assertThat(fx.all()).allSatisfy(r -> assertThat(r.createdAt()).isEqualTo(clock.instant()));
  }

  @Override
  @Test
  @DisplayName("an empty batch returns an empty list and stores nothing")
  public void required_enqueueOfAnEmptyBatchReturnsAnEmptyList() {
    assertThat(driver().enqueue(List.of(), clock.instant())).isEmpty();
    assertThat(fx.all()).isEmpty();
  }

  @Override
  @Test
  @DisplayName("enqueueing an id that is stored is a DuplicateJobException naming it, and the stored job is unchanged")
  public void required_enqueueOfAStoredIdIsADuplicateJob() {
    NewJob first = Jobs.builder(QUEUE).payload("{\"first\":true}").build();
    fx.enqueue(first);
    JobRecord before = fx.get(first.id());
    clock.advance(Duration.ofSeconds(1));
    NewJob again = Jobs.builder(QUEUE).id(first.id()).payload("{\"first\":false}").priority(9).build();

    DuplicateJobException e = catchThrowableOfType(DuplicateJobException.class,
        () -> driver().enqueue(List.of(again), clock.instant()));

    assertThat(e).as("DuplicateJobException").isNotNull();
    assertThat(e.jobId()).isEqualTo(first.id());
    JobRecords.assertJob(fx.get(first.id()), before);
  }

  @Override
  @Test
  @DisplayName("ids are unique across queues: a stored id enqueued to another queue is a DuplicateJobException")
  public void required_jobIdsAreUniqueAcrossQueues() {
    NewJob first = Jobs.job(QUEUE);
    fx.enqueue(first);

    DuplicateJobException e = catchThrowableOfType(DuplicateJobException.class,
        () -> driver().enqueue(List.of(Jobs.job(OTHER_QUEUE, first.id())), clock.instant()));

    assertThat(e).as("DuplicateJobException").isNotNull();
    assertThat(e.jobId()).isEqualTo(first.id());
    assertThat(fx.all()).extracting(JobRecord::queue).containsExactly(QUEUE);
  }

  @Override
  @Test
  @DisplayName("a batch holding one stored id stores none of its jobs, not even those before the duplicate")
  public void required_aDuplicateIdStoresNothingOfTheBatch() {
    NewJob stored = Jobs.job(QUEUE);
    fx.enqueue(stored);
    NewJob before = Jobs.job(QUEUE);
    NewJob after = Jobs.job(OTHER_QUEUE);

    DuplicateJobException e = catchThrowableOfType(DuplicateJobException.class, () -> driver().enqueue(
        List.of(before, Jobs.job(QUEUE, stored.id()), after), clock.instant()));

    assertThat(e).as("DuplicateJobException").isNotNull();
    assertThat(e.jobId()).isEqualTo(stored.id());
    assertThat(fx.all()).extracting(JobRecord::id).containsExactly(stored.id());
  }

  @Override
  @Test
  @DisplayName("an id repeated within one batch is a DuplicateJobException and nothing of the batch is stored")
  public void required_anIdRepeatedWithinABatchStoresNothing() {
    NewJob a = Jobs.job(QUEUE);
    NewJob b = Jobs.job(QUEUE);
    NewJob aAgain = Jobs.builder(OTHER_QUEUE).id(a.id()).payload("{\"again\":1}").build();

    DuplicateJobException e = catchThrowableOfType(DuplicateJobException.class,
        () -> driver().enqueue(List.of(a, b, aAgain), clock.instant()));

    assertThat(e).as("DuplicateJobException").isNotNull();
    assertThat(e.jobId()).isEqualTo(a.id());
    assertThat(fx.all()).isEmpty();
  }

  @Override
  @Test
  @DisplayName("a refused batch takes no idempotency key: its keys stay free")
  public void required_aRefusedBatchLeavesItsIdempotencyKeysFree() {
    NewJob stored = Jobs.job(QUEUE);
    fx.enqueue(stored);
    NewJob keyed = Jobs.builder(QUEUE).key("k-1").build();

    DuplicateJobException e = catchThrowableOfType(DuplicateJobException.class,
        () -> driver().enqueue(List.of(keyed, Jobs.job(QUEUE, stored.id())), clock.instant()));

    assertThat(e).as("DuplicateJobException").isNotNull();
    assertThat(driver().findByIdempotencyKey(QUEUE, "k-1")).isEmpty();
    NewJob later = Jobs.builder(QUEUE).key("k-1").build();
    assertThat(driver().enqueue(List.of(later), clock.instant()))
        .containsExactly(new EnqueueResult(later.id(), true));
  }

  static Stream<Arguments> payloads() {
    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      deep.append("{\"d\":[");
    }
    deep.append("true");
    for (int i = 0; i < 50; i++) {
      deep.append("]}");
    }
    StringBuilder large = new StringBuilder("{\"items\":[");
    for (int i = 0; i < 5_000; i++) {
      large.append(i == 0 ? "" : ",").append("{\"i\":").append(i).append(",\"s\":\"item-").append(i).append("\"}");
    }
    large.append("]}");
    return Stream.of(
        Arguments.of("a nested object", "{\"user\":{\"id\":7,\"tags\":[\"a\",\"b\"],\"address\":{\"city\":\"Oslo\"}}}"),
        Arguments.of("unicode text", "{\"text\":\"zoë · 漢字 · عربى · emoji 😀 · ☃\"}"),
        Arguments.of("escapes", "{\"s\":\"quote \\\" backslash \\\\ slash \\/ tab \\t newline \\n e-acute \\u00e9 "
            + "smile \\ud83d\\ude00\"}"),
        Arguments.of("numbers", "{\"zero\":0,\"neg\":-1,\"frac\":1.5,\"exp\":1e3,\"big\":12345678901234567890,"
            + "\"pi\":3.14159265358979323846,\"small\":-2.5E-7}"),
        Arguments.of("literals", "{\"t\":true,\"f\":false,\"n\":null}"),
        Arguments.of("an empty object", "{}"),
        Arguments.of("a top-level array", "[1,\"two\",{\"three\":3},[4],null]"),
        Arguments.of("a top-level string", "\"just text\""),
        Arguments.of("a top-level number", "42"),
        Arguments.of("a top-level null", "null"),
        Arguments.of("insignificant whitespace", " {\n\t\"b\" : [ 1 , 2 ] ,\r\n \"a\" : { } } "),
        Arguments.of("keys out of order", "{\"z\":1,\"a\":2,\"m\":{\"y\":1,\"b\":2}}"),
        Arguments.of("100 levels of nesting", deep.toString()),
        Arguments.of("a payload of over 100 KB", large.toString()));
  }

  @Override
  @ParameterizedTest(name = "{0}")
  @MethodSource("payloads")
  @DisplayName("a payload round-trips as the same JSON value through get and reserve")
  public void required_payloadRoundTripsAsTheSameJsonValue(String description, String payload) {
    NewJob job = Jobs.builder(QUEUE).payload(payload).build();
    fx.enqueue(job);

    JsonAssert.assertJsonEquals(fx.get(job.id()).payload(), payload, "payload from get (" + description + ")");
    JsonAssert.assertJsonEquals(fx.reserve(job.id()).job().payload(), payload,
        "payload from reserve (" + description + ")");
  }

  @Override
  @Test
  @DisplayName("priorities round-trip across the whole int range")
  public void required_priorityRoundTripsAcrossTheIntRange() {
    int[] priorities = {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE};
    NewJob[] jobs = new NewJob[priorities.length];
    for (int i = 0; i < priorities.length; i++) {
      jobs[i] = Jobs.builder(QUEUE).priority(priorities[i]).build();
    }
    fx.enqueue(jobs);

    for (int i = 0; i < priorities.length; i++) {
      assertThat(fx.get(jobs[i].id()).priority()).as("priority of job %d", i).isEqualTo(priorities[i]);
    }
  }

  @Override
  @Test
  @DisplayName("max attempts and timeout round-trip at their extremes: 1 and Integer.MAX_VALUE, 1µs and 100 years")
  public void required_maxAttemptsAndTimeoutRoundTripAtTheirExtremes() {
    NewJob low = Jobs.builder(QUEUE).maxAttempts(1).timeout(Duration.ofNanos(1_000)).build();
    NewJob high = Jobs.builder(QUEUE).maxAttempts(Integer.MAX_VALUE).timeout(Duration.ofDays(365 * 100L)).build();
    fx.enqueue(low, high);

    assertThat(fx.get(low.id()).maxAttempts()).isEqualTo(1);
    assertThat(fx.get(low.id()).timeout()).isEqualTo(Duration.ofNanos(1_000));
    assertThat(fx.get(high.id()).maxAttempts()).isEqualTo(Integer.MAX_VALUE);
    assertThat(fx.get(high.id()).timeout()).isEqualTo(Duration.ofDays(365 * 100L));
  }

  @Override
  @Test
  @DisplayName("a run time in the past is stored as given, not moved to now")
  public void required_aRunTimeInThePastIsStoredAsGiven() {
    Instant past = clock.instant().minus(Duration.ofDays(3)).plusNanos(5_000);
    NewJob job = Jobs.builder(QUEUE).runAt(past).build();
    fx.enqueue(job);

    assertThat(fx.get(job.id()).runAt()).isEqualTo(past);
    assertThat(fx.get(job.id()).createdAt()).isEqualTo(clock.instant());
  }

  @Override
  @Test
  @DisplayName("created_at and updated_at are now truncated to microseconds")
  public void required_createdAtIsNowTruncatedToMicroseconds() {
    Instant now = clock.instant();
    NewJob job = Jobs.job(QUEUE);

    driver().enqueue(List.of(job), now.plusNanos(999));

    assertThat(fx.get(job.id()).createdAt()).isEqualTo(now);
    assertThat(fx.get(job.id()).updatedAt()).isEqualTo(now);
  }

  @Override
  @Test
  @DisplayName("type, queue and idempotency key round-trip exactly at their longest, with any allowed character")
  public void required_typeQueueAndKeyRoundTripExactly() {
    String queue = ("Az09_.:-" + "q".repeat(120)).substring(0, 128);
    String type = ("tÿpé 漢字 😀 " + "t".repeat(255)).substring(0, 255);
    String key = ("kéy with spaces and 漢字 " + "k".repeat(255)).substring(0, 255);
    NewJob job = Jobs.builder(queue).type(type).key(key).build();
    fx.enqueue(job);

    JobRecord stored = fx.get(job.id());
    assertThat(stored.queue()).isEqualTo(queue);
    assertThat(stored.type()).isEqualTo(type);
    assertThat(stored.idempotencyKey()).isEqualTo(key);
    assertThat(driver().findByIdempotencyKey(queue, key)).map(JobRecord::id).contains(job.id());
    assertThat(fx.reserve(job.id()).job().type()).isEqualTo(type);
  }

  @Override
  @Test
  @DisplayName("a second enqueue leaves jobs already stored unchanged")
  public void required_enqueueLeavesStoredJobsUnchanged() {
    JobId first = fx.enqueueOne(Jobs.job(QUEUE));
    JobRecord before = fx.get(first);
    clock.advance(Duration.ofMinutes(1));

    fx.enqueue(Jobs.job(QUEUE), Jobs.job(QUEUE));

    JobRecords.assertJob(fx.get(first), before);
    assertThat(fx.all()).hasSize(3);
  }
}
