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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Enqueue: every job of a batch is stored READY with exactly the fields it was given, or none is. */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class EnqueueContract extends TckGroup implements EnqueueRules {

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected EnqueueContract(DriverTck tck) {
    super(tck);
  }

  @Override
  @Test
  public void required_enq01_enqueueStoresAReadyJobWithEveryField() {
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
  public void required_enq02_enqueueStoresEveryOptionalField() {
    Instant now = clock.instant();
    Instant runAt = now.plus(Duration.ofHours(1)).plusNanos(7_000);
    Duration timeout = Duration.ofSeconds(90).plusNanos(123_000);
    NewJob job = Jobs.builder(QUEUE).priority(7).runAt(runAt).idempotencyKey("order-42").maxAttempts(3)
        .timeout(timeout).build();

    fx.enqueue(job);

    JobRecords.assertJob(fx.get(job.id()), new JobRecord(job.id(), QUEUE, Jobs.TYPE, Jobs.PAYLOAD, 7, runAt,
        "order-42", 0, 3, timeout, JobStatus.READY, null, null, null, null, null, null, now, now, null));
  }

  @Override
  @Test
  public void required_enq03_enqueueReturnsOneResultPerJobInBatchOrder() {
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
  public void required_enq04_enqueueOfAnEmptyBatchReturnsAnEmptyList() {
    assertThat(driver().enqueue(List.of(), clock.instant())).isEmpty();
    assertThat(fx.all()).isEmpty();
  }

  @Override
  @Test
  public void required_enq05_enqueueOfAStoredIdIsADuplicateJob() {
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
  public void required_enq06_jobIdsAreUniqueAcrossQueues() {
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
  public void required_enq07_aDuplicateIdStoresNothingOfTheBatch() {
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
  public void required_enq08_anIdRepeatedWithinABatchStoresNothing() {
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
  public void required_enq09_aRefusedBatchLeavesItsIdempotencyKeysFree() {
    NewJob stored = Jobs.job(QUEUE);
    fx.enqueue(stored);
    NewJob keyed = Jobs.builder(QUEUE).idempotencyKey("k-1").build();

    DuplicateJobException e = catchThrowableOfType(DuplicateJobException.class,
        () -> driver().enqueue(List.of(keyed, Jobs.job(QUEUE, stored.id())), clock.instant()));

    assertThat(e).as("DuplicateJobException").isNotNull();
    assertThat(driver().findByIdempotencyKey(QUEUE, "k-1")).isEmpty();
    NewJob later = Jobs.builder(QUEUE).idempotencyKey("k-1").build();
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
  public void required_enq10_payloadRoundTripsAsTheSameJsonValue(String description, String payload) {
    NewJob job = Jobs.builder(QUEUE).payload(payload).build();
    fx.enqueue(job);

    JsonAssert.assertJsonEquals(fx.get(job.id()).payload(), payload, "payload from get (" + description + ")");
    JsonAssert.assertJsonEquals(fx.reserve(job.id()).job().payload(), payload,
        "payload from reserve (" + description + ")");
  }

  @Override
  @Test
  public void required_enq11_priorityRoundTripsAcrossTheIntRange() {
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
  public void required_enq12_maxAttemptsAndTimeoutRoundTripAtTheirExtremes() {
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
  public void required_enq13_aRunTimeInThePastIsStoredAsGiven() {
    Instant past = clock.instant().minus(Duration.ofDays(3)).plusNanos(5_000);
    NewJob job = Jobs.builder(QUEUE).runAt(past).build();
    fx.enqueue(job);

    assertThat(fx.get(job.id()).runAt()).isEqualTo(past);
    assertThat(fx.get(job.id()).createdAt()).isEqualTo(clock.instant());
  }

  @Override
  @Test
  public void required_enq14_createdAtIsNowTruncatedToMicroseconds() {
    Instant now = clock.instant();
    NewJob job = Jobs.job(QUEUE);

    driver().enqueue(List.of(job), now.plusNanos(999));

    assertThat(fx.get(job.id()).createdAt()).isEqualTo(now);
    assertThat(fx.get(job.id()).updatedAt()).isEqualTo(now);
  }

  @Override
  @Test
  public void required_enq15_typeQueueAndKeyRoundTripExactly() {
    String queue = ("Az09_.:-" + "q".repeat(120)).substring(0, 128);
    String type = ("tÿpé 漢字 😀 " + "t".repeat(255)).substring(0, 255);
    String key = ("kéy with spaces and 漢字 " + "k".repeat(255)).substring(0, 255);
    NewJob job = Jobs.builder(queue).type(type).idempotencyKey(key).build();
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
  public void required_enq16_enqueueLeavesStoredJobsUnchanged() {
    JobId first = fx.enqueueOne(Jobs.job(QUEUE));
    JobRecord before = fx.get(first);
    clock.advance(Duration.ofMinutes(1));

    fx.enqueue(Jobs.job(QUEUE), Jobs.job(QUEUE));

    JobRecords.assertJob(fx.get(first), before);
    assertThat(fx.all()).hasSize(3);
  }

  @Override
  @Test
  public void untested_enq17_aBatchIsAtomicEvenWhenStorageFails() {
    notVerified();
  }
}
