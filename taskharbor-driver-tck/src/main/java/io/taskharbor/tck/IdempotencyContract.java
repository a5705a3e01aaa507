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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Idempotency keys: unique per queue while the job exists; a taken key deduplicates an enqueue. */
@DisplayName("idempotency: a (queue, key) pair names at most one stored job")
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class IdempotencyContract extends TckGroup implements TckRules.Idempotency {

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected IdempotencyContract(DriverTck tck) {
    super(tck);
  }

  private List<EnqueueResult> enqueue(NewJob... jobs) {
    return driver().enqueue(List.of(jobs), clock.instant());
  }

  @Override
  @Test
  @DisplayName("a second enqueue with the same queue and key stores nothing and returns the first job's id, "
      + "created = false; the first job is unchanged")
  public void required_aTakenKeyReturnsTheFirstJobAndStoresNothing() {
    NewJob first = Jobs.builder(QUEUE).key("order-1").payload("{\"v\":1}").build();
    fx.enqueue(first);
    JobRecord before = fx.get(first.id());
    clock.advance(Duration.ofSeconds(5));
    NewJob second = Jobs.builder(QUEUE).key("order-1").payload("{\"v\":2}").priority(3).maxAttempts(2).build();

    assertThat(enqueue(second)).containsExactly(new EnqueueResult(first.id(), false));

    assertThat(driver().get(second.id())).isEmpty();
    assertThat(fx.all()).extracting(JobRecord::id).containsExactly(first.id());
    JobRecords.assertJob(fx.get(first.id()), before);
  }

  @Override
  @Test
  @DisplayName("the same key in another queue is another job")
  public void required_theSameKeyInAnotherQueueCreatesAJob() {
    NewJob a = Jobs.builder(QUEUE).key("shared").build();
    NewJob b = Jobs.builder(OTHER_QUEUE).key("shared").build();

    assertThat(enqueue(a, b)).containsExactly(new EnqueueResult(a.id(), true), new EnqueueResult(b.id(), true));
    assertThat(driver().findByIdempotencyKey(QUEUE, "shared")).map(JobRecord::id).contains(a.id());
    assertThat(driver().findByIdempotencyKey(OTHER_QUEUE, "shared")).map(JobRecord::id).contains(b.id());
  }

  @Override
  @Test
  @DisplayName("a key repeated within one batch stores only its first job; the others return that job's id")
  public void required_aKeyRepeatedWithinABatchStoresOnlyTheFirst() {
    NewJob a = Jobs.builder(QUEUE).key("k1").build();
    NewJob b = Jobs.builder(QUEUE).key("k1").build();
    NewJob c = Jobs.builder(QUEUE).key("k2").build();
    NewJob d = Jobs.builder(QUEUE).key("k2").build();
    NewJob e = Jobs.builder(QUEUE).key("k1").build();

    assertThat(enqueue(a, b, c, d, e)).containsExactly(new EnqueueResult(a.id(), true),
        new EnqueueResult(a.id(), false), new EnqueueResult(c.id(), true), new EnqueueResult(c.id(), false),
        new EnqueueResult(a.id(), false));
    assertThat(fx.all()).extracting(JobRecord::id).containsExactly(a.id(), c.id());
  }

  @Override
  @Test
  @DisplayName("a batch mixing taken keys, new keys and no keys answers each job in order")
  public void required_aBatchMixesDeduplicatedAndNewJobsInOrder() {
    NewJob stored = Jobs.builder(QUEUE).key("taken").build();
    fx.enqueue(stored);
    NewJob dup = Jobs.builder(QUEUE).key("taken").build();
    NewJob plain = Jobs.job(QUEUE);
    NewJob fresh = Jobs.builder(QUEUE).key("fresh").build();

    assertThat(enqueue(dup, plain, fresh)).containsExactly(new EnqueueResult(stored.id(), false),
        new EnqueueResult(plain.id(), true), new EnqueueResult(fresh.id(), true));
    assertThat(fx.all()).extracting(JobRecord::id).containsExactly(stored.id(), plain.id(), fresh.id());
  }

  @Override
  @Test
  @DisplayName("jobs without a key are never deduplicated, however alike")
  public void required_jobsWithoutAKeyAreNeverDeduplicated() {
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
  @DisplayName("a key stays taken whatever the job's status")
  public void required_aKeyStaysTakenInEveryStatus(JobFixture.State state) {
    JobId holder = fx.jobIn(state, Jobs.builder(QUEUE).key("held"));
    JobRecord before = fx.get(holder);
    clock.advance(Duration.ofSeconds(1));
    NewJob again = Jobs.builder(QUEUE).key("held").build();

    assertThat(enqueue(again)).containsExactly(new EnqueueResult(holder, false));
    assertThat(driver().get(again.id())).isEmpty();
    JobRecords.assertJob(fx.get(holder), before);
  }

  @Override
  @Test
  @DisplayName("a key stays taken after its job is requeued from the DLQ")
  public void required_aKeyStaysTakenAfterRequeue() {
    JobId holder = fx.jobIn(JobFixture.State.DLQ, Jobs.builder(QUEUE).key("held"));
    driver().requeue(holder, true, clock.instant());

    assertThat(enqueue(Jobs.builder(QUEUE).key("held").build())).containsExactly(new EnqueueResult(holder, false));
  }

  @Override
  @Test
  @DisplayName("deleting the job frees its key: the next enqueue with it creates a job")
  public void required_deleteFreesTheKey() {
    JobId holder = fx.enqueueOne(Jobs.builder(QUEUE).key("k").build());
    driver().delete(holder);
    NewJob next = Jobs.builder(QUEUE).key("k").build();

    assertThat(enqueue(next)).containsExactly(new EnqueueResult(next.id(), true));
    assertThat(driver().findByIdempotencyKey(QUEUE, "k")).map(JobRecord::id).contains(next.id());
  }

  @Override
  @Test
  @DisplayName("purging the job frees its key: the next enqueue with it creates a job")
  public void required_purgeFreesTheKey() {
    JobId holder = fx.jobIn(JobFixture.State.DONE, Jobs.builder(QUEUE).key("k"));
    clock.advance(Duration.ofSeconds(1));
    assertThat(driver().purge(Set.of(JobStatus.DONE), clock.instant())).isEqualTo(1);
    NewJob next = Jobs.builder(QUEUE).key("k").build();

    assertThat(enqueue(next)).containsExactly(new EnqueueResult(next.id(), true));
    assertThat(driver().get(holder)).isEmpty();
    assertThat(driver().findByIdempotencyKey(QUEUE, "k")).map(JobRecord::id).contains(next.id());
  }

  @Override
  @Test
  @DisplayName("findByIdempotencyKey returns the holding job's whole record, in any status")
  public void required_findByIdempotencyKeyReturnsTheHoldingJob() {
    JobId holder = fx.enqueueOne(Jobs.builder(QUEUE).key("find-me").build());
    assertThat(driver().findByIdempotencyKey(QUEUE, "find-me")).hasValueSatisfying(
        r -> JobRecords.assertJob(r, fx.get(holder)));

    LeasedJob leased = fx.reserve(holder);
    assertThat(driver().findByIdempotencyKey(QUEUE, "find-me")).hasValueSatisfying(
        r -> JobRecords.assertJob(r, leased.job()));
  }

  @Override
  @Test
  @DisplayName("findByIdempotencyKey is empty for a key never used, for another queue, and after delete")
  public void required_findByIdempotencyKeyIsEmptyWhenNoJobHoldsTheKey() {
    JobId holder = fx.enqueueOne(Jobs.builder(QUEUE).key("k").build());
    fx.enqueue(Jobs.job(QUEUE));

    assertThat(driver().findByIdempotencyKey(QUEUE, "unknown")).isEmpty();
    assertThat(driver().findByIdempotencyKey(OTHER_QUEUE, "k")).isEmpty();
    driver().delete(holder);
    assertThat(driver().findByIdempotencyKey(QUEUE, "k")).isEmpty();
  }

  @Override
  @Test
  @DisplayName("keys compare exactly: case and surrounding spaces make different keys")
  public void required_keysCompareExactly() {
    NewJob lower = Jobs.builder(QUEUE).key("order-1").build();
    NewJob upper = Jobs.builder(QUEUE).key("ORDER-1").build();
    NewJob spaced = Jobs.builder(QUEUE).key("order-1 ").build();

    assertThat(enqueue(lower, upper, spaced)).containsExactly(new EnqueueResult(lower.id(), true),
        new EnqueueResult(upper.id(), true), new EnqueueResult(spaced.id(), true));
    assertThat(driver().findByIdempotencyKey(QUEUE, "ORDER-1")).map(JobRecord::id).contains(upper.id());
  }

  @Override
  @Test
  @DisplayName("resending the same request (same id, same key) is deduplicated: created = false, not a duplicate id")
  public void required_resendingTheSameRequestIsDeduplicated() {
    NewJob job = Jobs.builder(QUEUE).key("resend").build();
    fx.enqueue(job);
    JobRecord before = fx.get(job.id());
    clock.advance(Duration.ofSeconds(1));

    assertThat(enqueue(job)).containsExactly(new EnqueueResult(job.id(), false));
    JobRecords.assertJob(fx.get(job.id()), before);
  }

  @Override
  @Test
  @DisplayName("the id of a deduplicated job is not taken: it may be enqueued later")
  public void required_theIdOfADeduplicatedJobStaysFree() {
    NewJob holder = Jobs.builder(QUEUE).key("k").build();
    NewJob dup = Jobs.builder(QUEUE).key("k").build();
    assertThat(enqueue(holder, dup)).containsExactly(new EnqueueResult(holder.id(), true),
        new EnqueueResult(holder.id(), false));

    assertThat(enqueue(Jobs.job(QUEUE, dup.id()))).containsExactly(new EnqueueResult(dup.id(), true));
  }
}
