package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.LEASE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Driver;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A closed driver refuses every call but close with {@link IllegalStateException}; close is idempotent. */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class ClosedDriverContract extends TckGroup implements ClosedDriverRules {

  /** The jobs stored before the driver was closed: READY (with key {@code "k"}), INFLIGHT with its token, and DLQ. */
  public record Stored(JobId ready, JobId inflight, LeaseToken token, JobId dlq) {}

  /** A call on a closed driver. */
  @FunctionalInterface
  public interface Call {
    void on(Driver driver, Stored stored);
  }

  private static Named<Call> call(String description, Call call) {
    return Named.of(description, call);
  }

  static Stream<Named<Call>> calls() {
    return Stream.of(
        call("enqueue", (d, s) -> d.enqueue(List.of(Jobs.job(QUEUE)), TestClock.START)),
        call("enqueue of an empty batch", (d, s) -> d.enqueue(List.of(), TestClock.START)),
        call("reserve", (d, s) -> d.reserve(QUEUE, 10, TestClock.START, LEASE)),
        call("extendLease", (d, s) -> d.extendLease(s.inflight(), s.token(), TestClock.START, LEASE)),
        call("complete", (d, s) -> d.complete(List.of(new Completion.Ack(s.inflight(), s.token(), null)),
            TestClock.START)),
        call("complete of an empty batch", (d, s) -> d.complete(List.of(), TestClock.START)),
        call("get of a stored job", (d, s) -> d.get(s.ready())),
        call("get of an unknown id", (d, s) -> d.get(Jobs.nextId())),
        call("findByIdempotencyKey", (d, s) -> d.findByIdempotencyKey(QUEUE, "k")),
        call("list", (d, s) -> d.list(JobQuery.all())),
        call("stats", (d, s) -> d.stats(QUEUE, TestClock.START)),
        call("requeue", (d, s) -> d.requeue(s.dlq(), true, TestClock.START)),
        call("cancel", (d, s) -> d.cancel(s.ready(), TestClock.START)),
        call("delete", (d, s) -> d.delete(s.ready())),
        call("purge", (d, s) -> d.purge(Set.of(JobStatus.DONE), TestClock.START)));
  }

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected ClosedDriverContract(DriverTck tck) {
    super(tck);
  }

  private Stored storeJobs() {
    JobId ready = fx.jobIn(JobFixture.State.READY, Jobs.builder(QUEUE).idempotencyKey("k"));
    JobId inflight = fx.jobIn(JobFixture.State.INFLIGHT, "tck.inflight");
    JobId dlq = fx.jobIn(JobFixture.State.DLQ, "tck.dlq");
    return new Stored(ready, inflight, fx.get(inflight).leaseToken(), dlq);
  }

  @Override
  @ParameterizedTest(name = "{0}")
  @MethodSource("calls")
  public void required_cls01_everyCallOnAClosedDriverIsIllegalState(Call call) {
    Stored stored = storeJobs();
    driver().close();

    Throwable thrown = catchThrowable(() -> call.on(driver(), stored));

    assertThat(thrown).isInstanceOf(IllegalStateException.class);
  }

  @Override
  @Test
  public void required_cls02_closeIsIdempotent() {
    storeJobs();
    driver().close();

    assertThatCode(() -> driver().close()).doesNotThrowAnyException();
    assertThatCode(() -> driver().close()).doesNotThrowAnyException();
    assertThat(catchThrowable(() -> driver().list(JobQuery.all()))).isInstanceOf(IllegalStateException.class);
  }

  @Override
  @Test
  public void required_cls03_aDriverClosedBeforeUseRefusesCalls() {
    driver().close();

    assertThat(catchThrowable(() -> driver().reserve(QUEUE, 1, clock.instant(), LEASE)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(catchThrowable(() -> driver().enqueue(List.of(Jobs.job(QUEUE)), clock.instant())))
        .isInstanceOf(IllegalStateException.class);
  }

  @Override
  @Test
  public void untested_cls04_closeReleasesWhatTheDriverOpened() {
    notVerified();
  }
}
