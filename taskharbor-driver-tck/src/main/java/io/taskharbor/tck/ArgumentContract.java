package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.LEASE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Limits;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Arguments: a bad value is an {@link IllegalArgumentException} whose message names the SPI parameter, a null is a
 * {@link NullPointerException} or an {@link IllegalArgumentException}; either way before any storage is touched, so
 * nothing changes, and before the job is looked up, so a bad value wins over an unknown id.
 */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class ArgumentContract extends TckGroup implements ArgumentRules {

  private static final Instant BEFORE_MIN = Limits.MIN_INSTANT.minusNanos(1_000);
  private static final Instant AFTER_MAX = Limits.MAX_INSTANT.plusNanos(1_000);
  private static final Instant NOW = TestClock.START;

  /** The jobs every call may refer to: a READY, an INFLIGHT (with its token) and a DLQ job, and an unknown id. */
  public record Refs(JobId ready, JobId inflight, LeaseToken token, JobId dlq, JobId missing) {}

  /** A call against a driver holding {@link Refs}. */
  @FunctionalInterface
  public interface Call {
    void on(Driver driver, Refs jobs);
  }

  /**
   * A call that must be refused.
   *
   * @param description what the call does wrong, shown as the test's name
   * @param fields the names of which the message must contain one as a whole word; empty for a null argument
   * @param call the call
   */
  public record BadCall(String description, List<String> fields, Call call) {
    @Override
    public String toString() {
      return description;
    }
  }

  private static BadCall bad(String description, String field, Call call) {
    return new BadCall(description, List.of(field), call);
  }

  private static BadCall badKey(String description, Call call) {
    return new BadCall(description, List.of("key", "idempotencyKey"), call);
  }

  private static BadCall isNull(String description, Call call) {
    return new BadCall(description, List.of(), call);
  }

  private static Completion ackOf(Refs j) {
    return new Completion.Ack(j.inflight(), j.token(), null);
  }

  static Stream<BadCall> badValues() {
    return Stream.of(
        bad("enqueue at a now before " + Limits.MIN_INSTANT, "now",
            (d, j) -> d.enqueue(List.of(Jobs.job(QUEUE)), BEFORE_MIN)),
        bad("enqueue at a now after " + Limits.MAX_INSTANT, "now",
            (d, j) -> d.enqueue(List.of(Jobs.job(QUEUE)), AFTER_MAX)),
        bad("reserve from an empty queue name", "queue", (d, j) -> d.reserve("", 1, NOW, LEASE)),
        bad("reserve from a queue name with a space", "queue", (d, j) -> d.reserve("has space", 1, NOW, LEASE)),
        bad("reserve from a queue name with a slash", "queue", (d, j) -> d.reserve("a/b", 1, NOW, LEASE)),
        bad("reserve from a queue name with a non-ASCII letter", "queue", (d, j) -> d.reserve("naïve", 1, NOW, LEASE)),
        bad("reserve from a queue name with a tab", "queue", (d, j) -> d.reserve("tab\t", 1, NOW, LEASE)),
        bad("reserve from a queue name of 129 characters", "queue",
            (d, j) -> d.reserve("q".repeat(129), 1, NOW, LEASE)),
        bad("reserve with max 0", "max", (d, j) -> d.reserve(QUEUE, 0, NOW, LEASE)),
        bad("reserve with max -1", "max", (d, j) -> d.reserve(QUEUE, -1, NOW, LEASE)),
        bad("reserve with max Integer.MIN_VALUE", "max", (d, j) -> d.reserve(QUEUE, Integer.MIN_VALUE, NOW, LEASE)),
        bad("reserve with a zero lease", "lease", (d, j) -> d.reserve(QUEUE, 1, NOW, Duration.ZERO)),
        bad("reserve with a negative lease", "lease", (d, j) -> d.reserve(QUEUE, 1, NOW, Duration.ofSeconds(-30))),
        bad("reserve with a lease under 1µs", "lease", (d, j) -> d.reserve(QUEUE, 1, NOW, Duration.ofNanos(999))),
        bad("reserve with a lease over 100 years", "lease",
            (d, j) -> d.reserve(QUEUE, 1, NOW, Duration.ofDays(365 * 100L + 1))),
        bad("reserve at a now before " + Limits.MIN_INSTANT, "now", (d, j) -> d.reserve(QUEUE, 1, BEFORE_MIN, LEASE)),
        bad("reserve at a now after " + Limits.MAX_INSTANT, "now", (d, j) -> d.reserve(QUEUE, 1, AFTER_MAX, LEASE)),
        bad("extendLease with a zero lease", "lease",
            (d, j) -> d.extendLease(j.inflight(), j.token(), NOW, Duration.ZERO)),
        bad("extendLease with a negative lease", "lease",
            (d, j) -> d.extendLease(j.inflight(), j.token(), NOW, Duration.ofSeconds(-1))),
        bad("extendLease with a lease under 1µs", "lease",
            (d, j) -> d.extendLease(j.inflight(), j.token(), NOW, Duration.ofNanos(1))),
        bad("extendLease at a now after " + Limits.MAX_INSTANT, "now",
            (d, j) -> d.extendLease(j.inflight(), j.token(), AFTER_MAX, LEASE)),
        bad("extendLease of an unknown job with a zero lease (the argument is checked first)", "lease",
            (d, j) -> d.extendLease(j.missing(), j.token(), NOW, Duration.ZERO)),
        bad("complete at a now before " + Limits.MIN_INSTANT, "now",
            (d, j) -> d.complete(List.of(ackOf(j)), BEFORE_MIN)),
        bad("complete at a now after " + Limits.MAX_INSTANT, "now", (d, j) -> d.complete(List.of(ackOf(j)), AFTER_MAX)),
        bad("complete of an unknown job at a now out of range (the argument is checked first)", "now",
            (d, j) -> d.complete(List.of(new Completion.Ack(j.missing(), j.token(), null)), AFTER_MAX)),
        bad("findByIdempotencyKey in an empty queue name", "queue", (d, j) -> d.findByIdempotencyKey("", "k")),
        bad("findByIdempotencyKey in a queue name with a space", "queue",
            (d, j) -> d.findByIdempotencyKey("bad queue", "k")),
        badKey("findByIdempotencyKey with an empty key", (d, j) -> d.findByIdempotencyKey(QUEUE, "")),
        badKey("findByIdempotencyKey with a blank key", (d, j) -> d.findByIdempotencyKey(QUEUE, "   ")),
        badKey("findByIdempotencyKey with a key of 256 characters",
            (d, j) -> d.findByIdempotencyKey(QUEUE, "k".repeat(256))),
        badKey("findByIdempotencyKey with a NUL in the key", (d, j) -> d.findByIdempotencyKey(QUEUE, "a\u0000b")),
        bad("stats of an empty queue name", "queue", (d, j) -> d.stats("", NOW)),
        bad("stats of a queue name of 129 characters", "queue", (d, j) -> d.stats("q".repeat(129), NOW)),
        bad("stats at a now before " + Limits.MIN_INSTANT, "now", (d, j) -> d.stats(QUEUE, BEFORE_MIN)),
        bad("stats at a now after " + Limits.MAX_INSTANT, "now", (d, j) -> d.stats(QUEUE, AFTER_MAX)),
        bad("requeue at a now after " + Limits.MAX_INSTANT, "now", (d, j) -> d.requeue(j.dlq(), true, AFTER_MAX)),
        bad("requeue of an unknown job at a now out of range (the argument is checked first)", "now",
            (d, j) -> d.requeue(j.missing(), true, BEFORE_MIN)),
        bad("cancel at a now before " + Limits.MIN_INSTANT, "now", (d, j) -> d.cancel(j.ready(), BEFORE_MIN)),
        bad("cancel of an unknown job at a now out of range (the argument is checked first)", "now",
            (d, j) -> d.cancel(j.missing(), AFTER_MAX)),
        bad("purge of no statuses", "statuses", (d, j) -> d.purge(Set.of(), NOW)),
        bad("purge of READY jobs", "statuses", (d, j) -> d.purge(Set.of(JobStatus.READY), NOW)),
        bad("purge of INFLIGHT and DONE jobs", "statuses",
            (d, j) -> d.purge(EnumSet.of(JobStatus.INFLIGHT, JobStatus.DONE), NOW)),
        bad("purge of every status", "statuses", (d, j) -> d.purge(EnumSet.allOf(JobStatus.class), NOW)),
        bad("purge before an instant after " + Limits.MAX_INSTANT, "finishedBefore",
            (d, j) -> d.purge(Set.of(JobStatus.DONE), AFTER_MAX)));
  }

  static Stream<BadCall> nulls() {
    return Stream.of(
        isNull("enqueue of a null list", (d, j) -> d.enqueue(null, NOW)),
        isNull("enqueue of a list holding null", (d, j) -> d.enqueue(Collections.singletonList(null), NOW)),
        isNull("enqueue at a null now", (d, j) -> d.enqueue(List.of(Jobs.job(QUEUE)), null)),
        isNull("reserve from a null queue", (d, j) -> d.reserve(null, 1, NOW, LEASE)),
        isNull("reserve at a null now", (d, j) -> d.reserve(QUEUE, 1, null, LEASE)),
        isNull("reserve with a null lease", (d, j) -> d.reserve(QUEUE, 1, NOW, null)),
        isNull("extendLease of a null id", (d, j) -> d.extendLease(null, j.token(), NOW, LEASE)),
        isNull("extendLease with a null token", (d, j) -> d.extendLease(j.inflight(), null, NOW, LEASE)),
        isNull("extendLease at a null now", (d, j) -> d.extendLease(j.inflight(), j.token(), null, LEASE)),
        isNull("extendLease with a null lease", (d, j) -> d.extendLease(j.inflight(), j.token(), NOW, null)),
        isNull("complete of a null list", (d, j) -> d.complete(null, NOW)),
        isNull("complete of a list holding null",
            (d, j) -> d.complete(Arrays.asList(ackOf(j), null), NOW)),
        isNull("complete at a null now", (d, j) -> d.complete(List.of(ackOf(j)), null)),
        isNull("get of a null id", (d, j) -> d.get(null)),
        isNull("findByIdempotencyKey in a null queue", (d, j) -> d.findByIdempotencyKey(null, "k")),
        isNull("findByIdempotencyKey with a null key", (d, j) -> d.findByIdempotencyKey(QUEUE, null)),
        isNull("list with a null query", (d, j) -> d.list(null)),
        isNull("stats of a null queue", (d, j) -> d.stats(null, NOW)),
        isNull("stats at a null now", (d, j) -> d.stats(QUEUE, null)),
        isNull("requeue of a null id", (d, j) -> d.requeue(null, true, NOW)),
        isNull("requeue at a null now", (d, j) -> d.requeue(j.dlq(), true, null)),
        isNull("cancel of a null id", (d, j) -> d.cancel(null, NOW)),
        isNull("cancel at a null now", (d, j) -> d.cancel(j.ready(), null)),
        isNull("delete of a null id", (d, j) -> d.delete(null)),
        isNull("purge of a null status set", (d, j) -> d.purge(null, NOW)),
        isNull("purge of a status set holding null",
            (d, j) -> d.purge(new HashSet<>(Arrays.asList(JobStatus.DONE, null)), NOW)),
        isNull("purge before a null instant", (d, j) -> d.purge(Set.of(JobStatus.DONE), null)));
  }

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected ArgumentContract(DriverTck tck) {
    super(tck);
  }

  private Refs setUpJobs() {
    assertThat(clock.instant()).isEqualTo(NOW);
    JobId ready = fx.jobIn(JobFixture.State.READY, QUEUE);
    JobId inflight = fx.jobIn(JobFixture.State.INFLIGHT, "tck.inflight");
    JobId dlq = fx.jobIn(JobFixture.State.DLQ, "tck.dlq");
    LeaseToken token = fx.get(inflight).leaseToken();
    return new Refs(ready, inflight, token, dlq, Jobs.nextId());
  }

  private void assertNothingChanged(List<JobRecord> before) {
    List<JobRecord> after = fx.all();
    assertThat(after).extracting(JobRecord::id).containsExactlyElementsOf(before.stream().map(JobRecord::id).toList());
    for (int i = 0; i < before.size(); i++) {
      JobRecords.assertJob(after.get(i), before.get(i));
    }
  }

  @Override
  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  public void required_arg01_badValuesAreIllegalArgumentsNamingTheParameter(BadCall bad) {
    Refs jobs = setUpJobs();
    List<JobRecord> before = fx.all();

    Throwable thrown = catchThrowable(() -> bad.call().on(driver(), jobs));

    assertThat(thrown).as(bad.description()).isInstanceOf(IllegalArgumentException.class);
    String message = String.valueOf(thrown.getMessage());
    assertThat(bad.fields()).as("the message %s names one of", message)
        .anyMatch(f -> Pattern.compile("\\b" + Pattern.quote(f) + "\\b").matcher(message).find());
    assertNothingChanged(before);
  }

  @Override
  @ParameterizedTest(name = "{0}")
  @MethodSource("nulls")
  public void required_arg02_nullArgumentsAreRefused(BadCall bad) {
    Refs jobs = setUpJobs();
    List<JobRecord> before = fx.all();

    Throwable thrown = catchThrowable(() -> bad.call().on(driver(), jobs));

    assertThat(thrown).as(bad.description())
        .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
    assertNothingChanged(before);
  }

  @Override
  @Test
  public void required_arg03_instantsAtTheLimitsAreAccepted() {
    NewJob job = Jobs.builder(QUEUE).runAt(Limits.MAX_INSTANT).build();
    driver().enqueue(List.of(job), Limits.MIN_INSTANT);

    assertThat(fx.get(job.id()).createdAt()).isEqualTo(Limits.MIN_INSTANT);
    assertThat(fx.get(job.id()).runAt()).isEqualTo(Limits.MAX_INSTANT);
    assertThat(driver().stats(QUEUE, Limits.MIN_INSTANT)).isEqualTo(new QueueStats(QUEUE, 0, 1, 0, 0, 0, 0));
    assertThat(driver().stats(QUEUE, Limits.MAX_INSTANT)).isEqualTo(new QueueStats(QUEUE, 1, 0, 0, 0, 0, 0));
    assertThat(driver().reserve(QUEUE, 1, Limits.MAX_INSTANT.minusSeconds(1), LEASE)).isEmpty();
    List<LeasedJob> leased = driver().reserve(QUEUE, 1, Limits.MAX_INSTANT, LEASE);
    assertThat(leased).extracting(LeasedJob::id).containsExactly(job.id());
    assertThat(driver().complete(List.of(new Completion.Ack(job.id(), leased.get(0).token(), null)),
        Limits.MAX_INSTANT)).allSatisfy(o -> assertThat(o.isOk()).isTrue());
    assertThat(fx.get(job.id()).finishedAt()).isEqualTo(Limits.MAX_INSTANT);
    assertThat(driver().purge(Set.of(JobStatus.DONE), Limits.MAX_INSTANT)).isZero();
    assertThat(driver().purge(Set.of(JobStatus.DONE), Limits.MIN_INSTANT)).isZero();
    assertThat(driver().get(job.id())).isPresent();
  }

  @Override
  @Test
  public void untested_arg04_storageFailuresAreDriverExceptions() {
    notVerified();
  }
}
