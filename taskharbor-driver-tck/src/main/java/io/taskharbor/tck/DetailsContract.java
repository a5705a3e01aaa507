package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.Detail;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.Outcome;
import io.taskharbor.spi.support.DriverRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The details log kept with each applied completion ({@link Completion#details()}), bounded by {@link Detail}.
 */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class DetailsContract extends TckGroup implements DetailsRules {

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected DetailsContract(DriverTck tck) {
    super(tck);
  }

  /** {@code n} lines {@code prefix0 ..}, 1µs apart from now, the clock moved past the last. */
  private List<Detail> lines(String prefix, int n) {
    List<Detail> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(new Detail(clock.advance(Duration.ofNanos(1_000)), prefix + i));
    }
    return lines;
  }

  @Override
  @Test
  public void required_dtl01_detailsAreKeptWithTheOutcome() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob first = fx.reserve(id);
    List<Detail> retryLines = lines("attempt 1: ", 2);
    fx.accept(new Completion.Retry(id, first.token(), null, "boom", retryLines));
    assertThat(fx.get(id).details()).isEqualTo(retryLines);

    LeasedJob second = fx.reserve(id);
    List<Detail> ackLines = lines("attempt 2: ", 3);
    fx.accept(new Completion.Ack(id, second.token(), "{\"sent\":3}", ackLines));
    List<Detail> all = new ArrayList<>(retryLines);
    all.addAll(ackLines);
    JobRecord done = fx.get(id);
    assertThat(done.details()).isEqualTo(all);
    assertThat(JsonAssert.jsonEquals(done.result(), "{\"sent\":3}")).as("the result is the output").isTrue();

    JobId failed = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob f = fx.reserve(failed);
    List<Detail> failLines = lines("fail: ", 1);
    fx.accept(new Completion.Fail(failed, f.token(), "bad", "error", failLines));
    assertThat(fx.get(failed).details()).isEqualTo(failLines);

    JobId released = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob r = fx.reserve(released);
    List<Detail> releaseLines = lines("release: ", 1);
    fx.accept(new Completion.Release(released, r.token(), clock.instant().plusSeconds(3600), releaseLines));
    assertThat(fx.get(released).details()).isEqualTo(releaseLines);

    JobId silent = fx.enqueueOne(Jobs.job(QUEUE));
    fx.ack(fx.reserve(silent));
    assertThat(fx.get(silent).details()).as("a completion without details").isEmpty();
  }

  @Override
  @Test
  public void required_dtl02_refusedCompletionsStoreNoDetails() {
    List<Detail> lines = lines("never stored ", 2);
    LeasedJob held = fx.reserve(fx.enqueueOne(Jobs.job(QUEUE)));
    JobRecord heldBefore = fx.get(held.id());
    JobId ready = fx.enqueueOne(Jobs.job("tck.dtl.ready"));
    JobRecord readyBefore = fx.get(ready);
    JobId done = fx.jobIn(JobFixture.State.DONE, "tck.dtl.done");
    JobRecord doneBefore = fx.get(done);
    JobId dlq = fx.jobIn(JobFixture.State.DLQ, "tck.dtl.dlq");
    JobRecord dlqBefore = fx.get(dlq);

    List<Outcome> wrong = driver().complete(List.of(
        new Completion.Ack(held.id(), JobFixture.wrongToken(), null, lines),
        new Completion.Retry(ready, held.token(), null, "x", lines),
        new Completion.Ack(Jobs.nextId(), held.token(), null, lines)), clock.instant());
    assertThat(wrong).allSatisfy(o -> assertThat(o.refusal()).isNotNull());
    Outcome expired = driver().complete(List.of(new Completion.Fail(held.id(), held.token(), "late", null, lines)),
        held.leaseExpiresAt()).get(0);
    assertThat(expired.refusal()).isNotNull();
    List<Outcome> noOps = driver().complete(List.of(
        new Completion.Ack(done, held.token(), null, lines),
        new Completion.Fail(done, held.token(), "again", null, lines),
        new Completion.Fail(dlq, held.token(), "again", null, lines)), clock.instant());
    assertThat(noOps).allSatisfy(o -> assertThat(o.refusal()).isNull());

    JobRecords.assertJob(fx.get(held.id()), heldBefore);
    JobRecords.assertJob(fx.get(ready), readyBefore);
    JobRecords.assertJob(fx.get(done), doneBefore);
    JobRecords.assertJob(fx.get(dlq), dlqBefore);
  }

  @Override
  @Test
  public void required_dtl03_theLogIsBoundedInLines() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    List<Detail> first = lines("a", Detail.MAX_LINES - 10);
    fx.accept(new Completion.Retry(id, fx.reserve(id).token(), null, "x", first));
    assertThat(fx.get(id).details()).as("within the bound").isEqualTo(first);

    List<Detail> second = lines("b", 30);
    fx.accept(new Completion.Retry(id, fx.reserve(id).token(), null, "x", second));
    List<Detail> expected = DriverRules.appendDetails(first, second);
    List<Detail> stored = fx.get(id).details();
    assertThat(stored).isEqualTo(expected).hasSize(Detail.MAX_LINES);
    assertThat(stored.get(0).text()).isEqualTo("... 21 earlier line(s) dropped");
    assertThat(stored.get(0).at()).isEqualTo(stored.get(1).at());
    assertThat(stored.get(stored.size() - 1)).isEqualTo(second.get(second.size() - 1));

    List<Detail> third = lines("c", 5);
    fx.accept(new Completion.Ack(id, fx.reserve(id).token(), null, third));
    List<Detail> last = fx.get(id).details();
    assertThat(last).isEqualTo(DriverRules.appendDetails(expected, third));
    assertThat(last.get(0).text()).as("the marker counts every line dropped so far")
        .isEqualTo("... 26 earlier line(s) dropped");
  }

  @Override
  @Test
  public void required_dtl04_theLogIsBoundedInBytes() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    List<Detail> lines = new ArrayList<>();
    String wide = "é€😀".repeat(120); // 2 + 3 + 4 bytes, 480 characters, 1080 bytes a line
    for (int i = 0; i < 40; i++) {
      lines.add(new Detail(clock.advance(Duration.ofNanos(1_000)), i + " " + wide));
    }
    fx.accept(new Completion.Ack(id, fx.reserve(id).token(), null, lines));

    List<Detail> stored = fx.get(id).details();
    assertThat(stored).isEqualTo(DriverRules.appendDetails(List.of(), lines));
    assertThat(stored.get(0).text()).startsWith("... ").endsWith(" earlier line(s) dropped");
    assertThat(stored.subList(1, stored.size())).isEqualTo(lines.subList(lines.size() - stored.size() + 1,
        lines.size()));
    long bytes = stored.stream().mapToLong(d -> io.taskharbor.spi.support.Validation.utf8Length(d.text())).sum();
    assertThat(bytes).isLessThanOrEqualTo(Detail.MAX_BYTES);
  }

  @Override
  @Test
  public void required_dtl05_everyReadShowsTheDetails() {
    JobId id = fx.enqueueOne(Jobs.builder(QUEUE).idempotencyKey("dtl-05").build());
    List<Detail> lines = lines("line ", 3);
    fx.accept(new Completion.Fail(id, fx.reserve(id).token(), "bad", "error", lines));

    assertThat(fx.get(id).details()).isEqualTo(lines);
    assertThat(driver().list(JobQuery.builder().queue(QUEUE).build()).items()).singleElement()
        .extracting(JobRecord::details).isEqualTo(lines);
    assertThat(driver().findByIdempotencyKey(QUEUE, "dtl-05")).get().extracting(JobRecord::details)
        .isEqualTo(lines);
    Instant at = clock.advance(Duration.ofSeconds(1));
    driver().requeue(id, true, at);
    assertThat(fx.get(id).details()).as("after requeue").isEqualTo(lines);
  }
}
