package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.OTHER_QUEUE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Idempotency keys: unique per queue while the job exists; a taken key deduplicates an enqueue. */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class IdempotencyContract extends TckGroup implements IdempotencyRules {

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected IdempotencyContract(DriverTck tck) {
    super(tck);
  }

  private List<EnqueueResult> enqueue(NewJob... jobs) {
    return driver().enqueue(List.of(jobs), clock.instant());
  }

  @Override
  @Test
  public void required_idm01_aTakenKeyReturnsTheFirstJobAndStoresNothing() {
    NewJob first = Jobs.builder(QUEUE).idempotencyKey("order-1").payload("{\"v\":1}").build();
    fx.enqueue(first);
    JobRecord before = fx.get(first.id());
    clock.advance(Duration.ofSeconds(5));
    NewJob second =
        Jobs.builder(QUEUE).idempotencyKey("order-1").payload("{\"v\":2}").priority(3).maxAttempts(2).build();

    assertThat(enqueue(second)).containsExactly(new EnqueueResult(first.id(), false));

    assertThat(driver().get(second.id())).isEmpty();
    assertThat(fx.all()).extracting(JobRecord::id).containsExactly(first.id());
    JobRecords.assertJob(fx.get(first.id()), before);
  }

  @Override
  @Test
  public void required_idm02_theSameKeyInAnotherQueueCreatesAJob() {
    NewJob a = Jobs.builder(QUEUE).idempotencyKey("shared").build();
    NewJob b = Jobs.builder(OTHER_QUEUE).idempotencyKey("shared").build();

    assertThat(enqueue(a, b)).containsExactly(new EnqueueResult(a.id(), true), new EnqueueResult(b.id(), true));
    assertThat(driver().findByIdempotencyKey(QUEUE, "shared")).map(JobRecord::id).contains(a.id());
    assertThat(driver().findByIdempotencyKey(OTHER_QUEUE, "shared")).map(JobRecord::id).contains(b.id());
  }

  @Override
  @Test
  public void required_idm03_aKeyRepeatedWithinABatchStoresOnlyTheFirst() {
    NewJob a = Jobs.builder(QUEUE).idempotencyKey("k1").build();
    NewJob b = Jobs.builder(QUEUE).idempotencyKey("k1").build();
    NewJob c = Jobs.builder(QUEUE).idempotencyKey("k2").build();
    NewJob d = Jobs.builder(QUEUE).idempotencyKey("k2").build();
    NewJob e = Jobs.builder(QUEUE).idempotencyKey("k1").build();

    assertThat(enqueue(a, b, c, d, e)).containsExactly(new EnqueueResult(a.id(), true),
        new EnqueueResult(a.id(), false), new EnqueueResult(c.id(), true), new EnqueueResult(c.id(), false),
        new EnqueueResult(a.id(), false));
    assertThat(fx.all()).extracting(JobRecord::id).containsExactly(a.id(), c.id());
  }

  @Override
  @Test
  public void required_idm04_aBatchMixesDeduplicatedAndNewJobsInOrder() {
    NewJob stored = Jobs.builder(QUEUE).idempotencyKey("taken").build();
    fx.enqueue(stored);
    NewJob dup = Jobs.builder(QUEUE).idempotencyKey("taken").build();
    NewJob plain = Jobs.job(QUEUE);
    NewJob fresh = Jobs.builder(QUEUE).idempotencyKey("fresh").build();

    assertThat(enqueue(dup, plain, fresh)).containsExactly(new EnqueueResult(stored.id(), false),
        new EnqueueResult(plain.id(), true), new EnqueueResult(fresh.id(), true));
    assertThat(fx.all()).extracting(JobRecord::id).containsExactly(stored.id(), plain.id(), fresh.id());
  }

  @Override
  @Test
  public void required_idm05_jobsWithoutAKeyAreNeverDeduplicated() {
    NewJob a = Jobs.job(QUEUE);
    NewJob b = Jobs.job(QUEUE);
    fx.enqueue(a, b);
    NewJob c = Jobs.job(QUEUE);
    fx.enqueue(c);

    assertThat(fx.all()).extracting(JobRecord::id).containsExactly(a.id(), b.id(), c.id());
  }

  @Override
  @ParameterizedTest(name = "while {0}")
  @EnumSource(value = JobFixture.State.class, names = {"READY", "SCHEDULED", "INFLIGHT", "DONE", "DLQ", "CANCELED"})
  public void required_idm06_aKeyStaysTakenInEveryStatus(JobFixture.State state) {
    JobId holder = fx.jobIn(state, Jobs.builder(QUEUE).idempotencyKey("held"));
    JobRecord before = fx.get(holder);
    clock.advance(Duration.ofSeconds(1));
    NewJob again = Jobs.builder(QUEUE).idempotencyKey("held").build();

    assertThat(enqueue(again)).containsExactly(new EnqueueResult(holder, false));
    assertThat(driver().get(again.id())).isEmpty();
    JobRecords.assertJob(fx.get(holder), before);
  }

  @Override
  @Test
  public void required_idm07_aKeyStaysTakenAfterRequeue() {
    JobId holder = fx.jobIn(JobFixture.State.DLQ, Jobs.builder(QUEUE).idempotencyKey("held"));
    driver().requeue(holder, true, clock.instant());

    assertThat(enqueue(Jobs.builder(QUEUE).idempotencyKey("held").build()))
        .containsExactly(new EnqueueResult(holder, false));
  }

  @Override
  @Test
  public void required_idm08_deleteFreesTheKey() {
    JobId holder = fx.enqueueOne(Jobs.builder(QUEUE).idempotencyKey("k").build());
    driver().delete(holder);
    NewJob next = Jobs.builder(QUEUE).idempotencyKey("k").build();

    assertThat(enqueue(next)).containsExactly(new EnqueueResult(next.id(), true));
    assertThat(driver().findByIdempotencyKey(QUEUE, "k")).map(JobRecord::id).contains(next.id());
  }

  @Override
  @Test
  public void required_idm09_purgeFreesTheKey() {
    JobId holder = fx.jobIn(JobFixture.State.DONE, Jobs.builder(QUEUE).idempotencyKey("k"));
    clock.advance(Duration.ofSeconds(1));
    assertThat(driver().purge(Set.of(JobStatus.DONE), clock.instant())).isEqualTo(1);
    NewJob next = Jobs.builder(QUEUE).idempotencyKey("k").build();

    assertThat(enqueue(next)).containsExactly(new EnqueueResult(next.id(), true));
    assertThat(driver().get(holder)).isEmpty();
    assertThat(driver().findByIdempotencyKey(QUEUE, "k")).map(JobRecord::id).contains(next.id());
  }

  @Override
  @Test
  public void required_idm10_findByIdempotencyKeyReturnsTheHoldingJob() {
    JobId holder = fx.enqueueOne(Jobs.builder(QUEUE).idempotencyKey("find-me").build());
    assertThat(driver().findByIdempotencyKey(QUEUE, "find-me")).hasValueSatisfying(
        r -> JobRecords.assertJob(r, fx.get(holder)));

    LeasedJob leased = fx.reserve(holder);
    assertThat(driver().findByIdempotencyKey(QUEUE, "find-me")).hasValueSatisfying(
        r -> JobRecords.assertJob(r, leased.job()));
  }

  @Override
  @Test
  public void required_idm11_findByIdempotencyKeyIsEmptyWhenNoJobHoldsTheKey() {
    JobId holder = fx.enqueueOne(Jobs.builder(QUEUE).idempotencyKey("k").build());
    fx.enqueue(Jobs.job(QUEUE));

    assertThat(driver().findByIdempotencyKey(QUEUE, "unknown")).isEmpty();
    assertThat(driver().findByIdempotencyKey(OTHER_QUEUE, "k")).isEmpty();
    driver().delete(holder);
    assertThat(driver().findByIdempotencyKey(QUEUE, "k")).isEmpty();
  }

  @Override
  @Test
  public void required_idm12_keysCompareExactly() {
    NewJob lower = Jobs.builder(QUEUE).idempotencyKey("order-1").build();
    NewJob upper = Jobs.builder(QUEUE).idempotencyKey("ORDER-1").build();
    NewJob spaced = Jobs.builder(QUEUE).idempotencyKey("order-1 ").build();

    assertThat(enqueue(lower, upper, spaced)).containsExactly(new EnqueueResult(lower.id(), true),
        new EnqueueResult(upper.id(), true), new EnqueueResult(spaced.id(), true));
    assertThat(driver().findByIdempotencyKey(QUEUE, "ORDER-1")).map(JobRecord::id).contains(upper.id());
  }

  @Override
  @Test
  public void required_idm13_resendingTheSameRequestIsDeduplicated() {
    NewJob job = Jobs.builder(QUEUE).idempotencyKey("resend").build();
    fx.enqueue(job);
    JobRecord before = fx.get(job.id());
    clock.advance(Duration.ofSeconds(1));

    assertThat(enqueue(job)).containsExactly(new EnqueueResult(job.id(), false));
    JobRecords.assertJob(fx.get(job.id()), before);
  }

  @Override
  @Test
  public void required_idm14_theIdOfADeduplicatedJobStaysFree() {
    NewJob holder = Jobs.builder(QUEUE).idempotencyKey("k").build();
    NewJob dup = Jobs.builder(QUEUE).idempotencyKey("k").build();
    assertThat(enqueue(holder, dup)).containsExactly(new EnqueueResult(holder.id(), true),
        new EnqueueResult(holder.id(), false));

    assertThat(enqueue(Jobs.job(QUEUE, dup.id()))).containsExactly(new EnqueueResult(dup.id(), true));
  }
}
