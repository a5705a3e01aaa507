package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.support.Validation;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The payload limit a driver declares ({@link DriverTck#maxPayloadBytes()}): a payload or ack result of exactly the
 * limit in UTF-8 bytes is stored, one byte more is an {@link IllegalArgumentException} naming the field, thrown
 * before anything of the call's batch is stored or applied. Every rule runs once per kind of character, so that a
 * limit counted in characters (or in UTF-16 units) fails. Skipped, by name, for a driver that declares no limit.
 */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class PayloadLimitContract extends TckGroup implements PayloadLimitRules {

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected PayloadLimitContract(DriverTck tck) {
    super(tck);
  }

  /** The kinds of text: the character that fills a JSON string, and what it is. */
  static Stream<Arguments> characters() {
    return Stream.of(
        Arguments.of("ASCII", "a"),
        Arguments.of("2-byte characters", "é"),
        Arguments.of("3-byte characters", "漢"),
        Arguments.of("4-byte characters", "😀"),
        Arguments.of("mixed characters", "aé漢😀"));
  }

  /**
   * Returns a JSON string (a document of its own) of exactly {@code bytes} bytes of UTF-8, its content made of {@code
   * unit} repeated, padded with ASCII at the end.
   */
  static String jsonOfBytes(int bytes, String unit) {
    int content = bytes - 2;
    if (content < 0) {
      throw new IllegalArgumentException("a JSON string takes at least 2 bytes but " + bytes + " were asked for");
    }
    int unitBytes = (int) Validation.utf8Length(unit);
    StringBuilder json = new StringBuilder(bytes).append('"');
    json.append(unit.repeat(content / unitBytes));
    json.append("a".repeat(content % unitBytes));
    String text = json.append('"').toString();
    assertThat(Validation.utf8Length(text)).as("UTF-8 length of the test's own JSON").isEqualTo(bytes);
    return text;
  }

  private int limit() {
    var limit = declaredMaxPayloadBytes();
    Assumptions.assumeTrue(limit.isPresent(),
        "driver declares no payload limit (DriverTck.maxPayloadBytes() is empty): test skipped by design");
    assertThat(limit.getAsInt()).as("the declared payload limit").isGreaterThanOrEqualTo(2);
    return limit.getAsInt();
  }

  private static void assertSameJson(String actual, String expected, String what) {
    assertThat(JsonAssert.jsonEquals(actual, expected))
        .withFailMessage("%s does not round-trip: %d UTF-8 bytes stored, %d given", what,
            actual == null ? 0 : Validation.utf8Length(actual), Validation.utf8Length(expected))
        .isTrue();
  }

  private static void assertRefusalNames(Throwable thrown, String field) {
    assertThat(thrown).as("refusal of a %s over the limit", field).isInstanceOf(IllegalArgumentException.class);
    String message = String.valueOf(thrown.getMessage());
    assertThat(Pattern.compile("\\b" + field + "\\b").matcher(message).find())
        .withFailMessage("the message \"%s\" should name the field %s", message, field)
        .isTrue();
  }

  @Override
  @ParameterizedTest(name = "{0}")
  @MethodSource("characters")
  public void optional_pay01_aPayloadOfExactlyTheLimitIsStored(String characters, String unit) {
    String payload = jsonOfBytes(limit(), unit);
    NewJob job = Jobs.builder(QUEUE).payload(payload).build();

    fx.enqueue(job);

    assertSameJson(fx.get(job.id()).payload(), payload, "a payload of exactly the limit (" + characters + ")");
    assertSameJson(fx.reserve(job.id()).job().payload(), payload, "a reserved payload (" + characters + ")");
  }

  @Override
  @ParameterizedTest(name = "{0}")
  @MethodSource("characters")
  public void optional_pay02_aPayloadOverTheLimitStoresNothingOfTheBatch(String characters, String unit) {
    String payload = jsonOfBytes(limit() + 1, unit);
    NewJob before = Jobs.builder(QUEUE).idempotencyKey("tck.pay.before").build();
    NewJob over = Jobs.builder(QUEUE).payload(payload).idempotencyKey("tck.pay.over").build();
    NewJob after = Jobs.builder(QUEUE).idempotencyKey("tck.pay.after").build();

    Throwable thrown = catchThrowable(() -> driver().enqueue(List.of(before, over, after), clock.instant()));

    assertRefusalNames(thrown, "payload");
    assertThat(fx.all()).as("jobs stored by a refused batch").isEmpty();
    assertThat(driver().findByIdempotencyKey(QUEUE, "tck.pay.before")).isEmpty();
    fx.enqueue(Jobs.builder(QUEUE).idempotencyKey("tck.pay.before").build());
  }

  @Override
  @ParameterizedTest(name = "{0}")
  @MethodSource("characters")
  public void optional_pay03_anAckResultOfExactlyTheLimitIsStored(String characters, String unit) {
    String result = jsonOfBytes(limit(), unit);
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob leased = fx.reserve(id);

    fx.accept(new Completion.Ack(id, leased.token(), result));

    JobRecord done = fx.get(id);
    assertThat(done.status()).isEqualTo(JobStatus.DONE);
    assertSameJson(done.result(), result, "a result of exactly the limit (" + characters + ")");
  }

  @Override
  @ParameterizedTest(name = "{0}")
  @MethodSource("characters")
  public void optional_pay04_anAckResultOverTheLimitAppliesNothingOfTheBatch(String characters, String unit) {
    String result = jsonOfBytes(limit() + 1, unit);
    JobId first = fx.enqueueOne(Jobs.job(QUEUE));
    JobId second = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob a = fx.reserve(first);
    LeasedJob b = fx.reserve(second);
    JobRecord firstBefore = fx.get(first);
    JobRecord secondBefore = fx.get(second);

    Throwable thrown = catchThrowable(() -> driver().complete(List.of(
        new Completion.Ack(first, a.token(), "{\"small\":true}"),
        new Completion.Ack(second, b.token(), result)), clock.instant()));

    assertRefusalNames(thrown, "result");
    JobRecords.assertJob(fx.get(first), firstBefore);
    JobRecords.assertJob(fx.get(second), secondBefore);
    fx.ack(a);
    fx.ack(b);
  }
}
