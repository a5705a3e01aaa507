package io.taskharbor.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The steps the contract tests repeat, each asserting that it did what it should, so that a test fails at the step
 * that went wrong: enqueue and expect a new job, reserve and expect a particular job, complete and expect acceptance,
 * and bring a job into a given {@link State}. Every step runs at the clock's current instant and never moves the
 * clock. Not thread-safe (one per test).
 */
public final class JobFixture {

  /** The lease every step takes unless told otherwise. */
  public static final Duration LEASE = Duration.ofSeconds(30);

  /** The queue most tests use. */
  public static final String QUEUE = "tck";

  /** A second queue, for tests about queue isolation. */
  public static final String OTHER_QUEUE = "tck.other";

  /** The DLQ reason that reserve writes for an expired lease on the last attempt (see {@link Driver#reserve}). */
  public static final String LAST_ATTEMPT_EXPIRED = "lease expired on the last attempt";

  /**
   * The states a test can put a job in. {@link #SCHEDULED} is READY with a run time in the future; {@link #MISSING}
   * is an id that was never stored.
   */
  public enum State {
    MISSING,
    READY,
    SCHEDULED,
    INFLIGHT,
    DONE,
    DLQ,
    CANCELED
  }

  private final Supplier<Driver> driver;
  private final TestClock clock;

  /**
   * @param driver the test's driver, asked for at each step (so it may be made lazily)
   * @param clock the test's clock
   */
  public JobFixture(Supplier<Driver> driver, TestClock clock) {
    this.driver = Objects.requireNonNull(driver, "driver");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Returns the clock's current instant. */
  public Instant now() {
    return clock.instant();
  }

  /** Enqueues the jobs in one batch and asserts that each was created. */
  public List<JobId> enqueue(NewJob... jobs) {
    List<EnqueueResult> results = driver.get().enqueue(List.of(jobs), now());
    List<EnqueueResult> expected = new ArrayList<>();
    List<JobId> ids = new ArrayList<>();
    for (NewJob job : jobs) {
      expected.add(new EnqueueResult(job.id(), true));
      ids.add(job.id());
    }
    assertThat(results).as("enqueue results").containsExactlyElementsOf(expected);
    return ids;
  }

  /** Enqueues one job, asserts that it was created, and returns its id. */
  public JobId enqueueOne(NewJob job) {
    return enqueue(job).get(0);
  }

  /** Returns the stored job, failing the test if there is none. */
  public JobRecord get(JobId id) {
    return driver.get().get(id).orElseThrow(() -> new AssertionError("job " + id + " should be stored but is not"));
  }

  /** Returns every stored job, in id order (follows every page). */
  public List<JobRecord> all() {
    List<JobRecord> all = new ArrayList<>();
    String cursor = null;
    do {
      var page = driver.get().list(JobQuery.builder().limit(1000).cursor(cursor).build());
      all.addAll(page.items());
      cursor = page.nextCursor();
    } while (cursor != null);
    return all;
  }

  /** Reserves up to {@code max} jobs of {@code queue} with {@link #LEASE}. */
  public List<LeasedJob> reserve(String queue, int max) {
    return driver.get().reserve(queue, max, now(), LEASE);
  }

  /** Reserves one job of {@code queue} with {@link #LEASE}, asserting that there was one. */
  public LeasedJob reserveOne(String queue) {
    List<LeasedJob> leased = reserve(queue, 1);
    assertThat(leased).as("reserve(%s, 1) at %s", queue, now()).hasSize(1);
    return leased.get(0);
  }

  /** Reserves one job of the job's queue with {@link #LEASE}, asserting that it is the job {@code id}. */
  public LeasedJob reserve(JobId id) {
    LeasedJob leased = reserveOne(get(id).queue());
    assertThat(leased.id()).as("the job reserve should hand out").isEqualTo(id);
    return leased;
  }

  /** Completes one item and returns its outcome, asserting that there is exactly one, for the right job. */
  public Outcome complete(Completion completion) {
    List<Outcome> outcomes = driver.get().complete(List.of(completion), now());
    assertThat(outcomes).as("outcomes of a one-item batch").hasSize(1);
    assertThat(outcomes.get(0).id()).as("outcome id").isEqualTo(completion.id());
    return outcomes.get(0);
  }

  /** Completes one item and asserts that it was accepted. */
  public void accept(Completion completion) {
    Outcome outcome = complete(completion);
    assertThat(outcome.refusal()).as("refusal of %s", completion).isNull();
  }

  /** Acks the leased job with no result, asserting acceptance. */
  public void ack(LeasedJob job) {
    accept(new Completion.Ack(job.id(), job.token(), null));
  }

  /** Fails the leased job, asserting acceptance. */
  public void fail(LeasedJob job, String reason) {
    accept(new Completion.Fail(job.id(), job.token(), reason, "error: " + reason));
  }

  /** Retries the leased job at {@code runAt} (null for now), asserting acceptance. */
  public void retry(LeasedJob job, @Nullable Instant runAt) {
    accept(new Completion.Retry(job.id(), job.token(), runAt, "retry error"));
  }

  /** Returns a token no driver has handed out. */
  public static LeaseToken wrongToken() {
    return new LeaseToken(new UUID(0x0bad_0000_0000_4000L, 0x8000_0000_0000_0badL));
  }

  /**
   * Brings a new job of {@code queue} into {@code state} at the current instant and returns its id. The job must be
   * the first claimable one of its queue (tests use a queue of their own, or reserve nothing else first). SCHEDULED
   * runs one hour from now; INFLIGHT holds a {@link #LEASE} taken now; DONE was acked, DLQ failed with reason {@code
   * "state"} and CANCELED canceled, all now. MISSING returns a fresh id and stores nothing.
   */
  public JobId jobIn(State state, String queue) {
    return jobIn(state, Jobs.builder(queue));
  }

  /** Like {@link #jobIn(State, String)}, for the job the builder makes (a SCHEDULED job's run time is replaced). */
  public JobId jobIn(State state, Jobs.Builder job) {
    switch (state) {
      case MISSING:
        return Jobs.nextId();
      case READY:
        return enqueueOne(job.build());
      case SCHEDULED:
        return enqueueOne(job.runAt(now().plus(Duration.ofHours(1))).build());
      case CANCELED: {
        JobId id = enqueueOne(job.build());
        driver.get().cancel(id, now());
        assertThat(get(id).status()).isEqualTo(JobStatus.CANCELED);
        return id;
      }
      default:
        break;
    }
    JobId id = enqueueOne(job.build());
    LeasedJob leased = reserve(id);
    switch (state) {
      case DONE -> ack(leased);
      case DLQ -> fail(leased, "state");
      default -> {
        // INFLIGHT: keep the lease
      }
    }
    assertThat(get(id).status()).as("status of the prepared job").isEqualTo(JobStatus.valueOf(state.name()));
    return id;
  }
}
