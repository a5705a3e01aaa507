package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.LEASE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static io.taskharbor.tck.JobFixture.State.CANCELED;
import static io.taskharbor.tck.JobFixture.State.DLQ;
import static io.taskharbor.tck.JobFixture.State.DONE;
import static io.taskharbor.tck.JobFixture.State.INFLIGHT;
import static io.taskharbor.tck.JobFixture.State.MISSING;
import static io.taskharbor.tck.JobFixture.State.READY;
import static io.taskharbor.tck.JobFixture.State.SCHEDULED;
import static io.taskharbor.tck.MatrixContract.Expect.LEASE_EXPIRED;
import static io.taskharbor.tck.MatrixContract.Expect.LEASE_MISMATCH;
import static io.taskharbor.tck.MatrixContract.Expect.NOT_FOUND;
import static io.taskharbor.tck.MatrixContract.Expect.NOT_INFLIGHT;
import static io.taskharbor.tck.MatrixContract.Expect.NO_OP;
import static io.taskharbor.tck.MatrixContract.Expect.OK;
import static io.taskharbor.tck.MatrixContract.Operation.ACK;
import static io.taskharbor.tck.MatrixContract.Operation.EXTEND_LEASE;
import static io.taskharbor.tck.MatrixContract.Operation.FAIL;
import static io.taskharbor.tck.MatrixContract.Operation.RELEASE;
import static io.taskharbor.tck.MatrixContract.Operation.RETRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobNotFoundException;
import io.taskharbor.api.JobNotInflightException;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStateException;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseExpiredException;
import io.taskharbor.api.LeaseMismatchException;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole lease matrix: every lease operation on a job in every state, presenting every kind of lease, against an
 * expectation table written out below (not computed), so a reader can check each cell against the {@code Driver}
 * javadoc.
 *
 * <p>Every job but MISSING starts the same way: enqueued and reserved at T0 with a 30 s lease (token t1, expiry
 * e1 = T0 + 30 s), then at T0 + 1 s brought to its state: READY by a retry without run time, SCHEDULED by a retry one
 * hour ahead, DONE by an ack, DLQ by a fail, CANCELED by a retry and a cancel; INFLIGHT keeps its lease. MISSING is an
 * id never stored, next to a leased job whose token and expiry it presents. The operation then runs with:
 *
 * <ul>
 *   <li>valid token: t1 at T0 + 2 s (for jobs that are no longer INFLIGHT, the token they last held);
 *   <li>wrong token: a token never handed out, at T0 + 2 s;
 *   <li>expired: t1 at exactly e1;
 *   <li>expired + wrong token: a token never handed out, at exactly e1.
 * </ul>
 *
 * An accepted call (OK) must reach the operation's status with the fields the {@code Driver} and {@code Completion}
 * javadocs name; a terminal no-op (NO_OP) must answer OK and change nothing; a refusal must be exactly the listed
 * exception type, with the job id (and the status, or expiry and now, where the type carries them), and change
 * nothing.
 */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class MatrixContract extends TckGroup implements MatrixRules {

  /** The lease operations. */
  public enum Operation {
    EXTEND_LEASE("extendLease"),
    ACK("ack"),
    RETRY("retry"),
    FAIL("fail"),
    RELEASE("release");

    private final String label;

    Operation(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /** The lease a caller presents. */
  public enum Presented {
    VALID_TOKEN("valid token"),
    WRONG_TOKEN("wrong token"),
    EXPIRED("expired (now = expiry)"),
    EXPIRED_WRONG_TOKEN("expired + wrong token");

    private final String label;

    Presented(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /** What must happen. */
  public enum Expect {
    OK("accepted"),
    NO_OP("ok, changes nothing"),
    NOT_FOUND("JobNotFoundException"),
    NOT_INFLIGHT("JobNotInflightException"),
    LEASE_EXPIRED("LeaseExpiredException"),
    LEASE_MISMATCH("LeaseMismatchException");

    private final String label;

    Expect(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /** One cell of the matrix. */
  public record Case(Operation operation, JobFixture.State state, Presented presented, Expect expected) {
    @Override
    public String toString() {
      return operation + " · " + (state == SCHEDULED ? "scheduled READY" : state.name()) + " · " + presented + " → "
          + expected;
    }
  }

  /** One row: an operation on a job in one state, and the expectation for each presented lease, in column order. */
  private static Stream<Case> row(Operation op, JobFixture.State state, Expect validToken, Expect wrongToken,
      Expect expired, Expect expiredWrongToken) {
    return Stream.of(new Case(op, state, Presented.VALID_TOKEN, validToken),
        new Case(op, state, Presented.WRONG_TOKEN, wrongToken), new Case(op, state, Presented.EXPIRED, expired),
        new Case(op, state, Presented.EXPIRED_WRONG_TOKEN, expiredWrongToken));
  }

  /** The expectation table. */
  static Stream<Case> matrix() {
    return Stream.of(
        //  operation     state      valid token   wrong token     expired        expired + wrong token
        row(EXTEND_LEASE, MISSING,   NOT_FOUND,    NOT_FOUND,      NOT_FOUND,     NOT_FOUND),
        row(EXTEND_LEASE, READY,     NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),
        row(EXTEND_LEASE, SCHEDULED, NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),
        row(EXTEND_LEASE, INFLIGHT,  OK,           LEASE_MISMATCH, LEASE_EXPIRED, LEASE_EXPIRED),
        row(EXTEND_LEASE, DONE,      NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),
        row(EXTEND_LEASE, DLQ,       NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),
        row(EXTEND_LEASE, CANCELED,  NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),

        row(ACK,          MISSING,   NOT_FOUND,    NOT_FOUND,      NOT_FOUND,     NOT_FOUND),
        row(ACK,          READY,     NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),
        row(ACK,          SCHEDULED, NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),
        row(ACK,          INFLIGHT,  OK,           LEASE_MISMATCH, LEASE_EXPIRED, LEASE_EXPIRED),
        row(ACK,          DONE,      NO_OP,        NO_OP,          NO_OP,         NO_OP),
        row(ACK,          DLQ,       NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),
        row(ACK,          CANCELED,  NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),

        row(RETRY,        MISSING,   NOT_FOUND,    NOT_FOUND,      NOT_FOUND,     NOT_FOUND),
        row(RETRY,        READY,     NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),
        row(RETRY,        SCHEDULED, NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),
        row(RETRY,        INFLIGHT,  OK,           LEASE_MISMATCH, LEASE_EXPIRED, LEASE_EXPIRED),
        row(RETRY,        DONE,      NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),
        row(RETRY,        DLQ,       NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),
        row(RETRY,        CANCELED,  NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),

        row(FAIL,         MISSING,   NOT_FOUND,    NOT_FOUND,      NOT_FOUND,     NOT_FOUND),
        row(FAIL,         READY,     NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),
        row(FAIL,         SCHEDULED, NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),
        row(FAIL,         INFLIGHT,  OK,           LEASE_MISMATCH, LEASE_EXPIRED, LEASE_EXPIRED),
        row(FAIL,         DONE,      NO_OP,        NO_OP,          NO_OP,         NO_OP),
        row(FAIL,         DLQ,       NO_OP,        NO_OP,          NO_OP,         NO_OP),
        row(FAIL,         CANCELED,  NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),

        row(RELEASE,      MISSING,   NOT_FOUND,    NOT_FOUND,      NOT_FOUND,     NOT_FOUND),
        row(RELEASE,      READY,     NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),
        row(RELEASE,      SCHEDULED, NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),
        row(RELEASE,      INFLIGHT,  OK,           LEASE_MISMATCH, LEASE_EXPIRED, LEASE_EXPIRED),
        row(RELEASE,      DONE,      NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),
        row(RELEASE,      DLQ,       NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT),
        row(RELEASE,      CANCELED,  NOT_INFLIGHT, NOT_INFLIGHT,   NOT_INFLIGHT,  NOT_INFLIGHT))
        .flatMap(s -> s);
  }

  private static final String RESULT = "{\"matrix\":true}";
  private static final String ERROR = "matrix error";
  private static final String REASON = "matrix reason";

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected MatrixContract(DriverTck tck) {
    super(tck);
  }

  /** The job a case operates on, and the lease it held (for MISSING, a neighbour's lease). */
  private record Prepared(JobId id, LeaseToken token, Instant expiry) {}

  private Prepared prepare(JobFixture.State state) {
    Instant t0 = clock.instant();
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob leased = fx.reserve(id);
    if (state == MISSING) {
      return new Prepared(Jobs.nextId(), leased.token(), leased.leaseExpiresAt());
    }
    clock.set(t0.plusSeconds(1));
    switch (state) {
      case READY -> fx.accept(new Completion.Retry(id, leased.token(), null, "to READY"));
      case SCHEDULED -> fx.accept(new Completion.Retry(id, leased.token(), t0.plus(Duration.ofHours(1)), "later"));
      case DONE -> fx.accept(new Completion.Ack(id, leased.token(), "{\"first\":true}"));
      case DLQ -> fx.accept(new Completion.Fail(id, leased.token(), "first reason", "first error"));
      case CANCELED -> {
        fx.accept(new Completion.Retry(id, leased.token(), null, "to READY"));
        driver().cancel(id, clock.instant());
      }
      default -> {
        // INFLIGHT keeps the lease taken at T0
      }
    }
    JobStatus expected = state == SCHEDULED ? JobStatus.READY : JobStatus.valueOf(state.name());
    assertThat(fx.get(id).status()).as("status of the prepared job").isEqualTo(expected);
    return new Prepared(id, leased.token(), leased.leaseExpiresAt());
  }

  private static Completion completion(Operation op, JobId id, LeaseToken token) {
    return switch (op) {
      case ACK -> new Completion.Ack(id, token, RESULT);
      case RETRY -> new Completion.Retry(id, token, null, ERROR);
      case FAIL -> new Completion.Fail(id, token, REASON, ERROR);
      case RELEASE -> new Completion.Release(id, token, null);
      case EXTEND_LEASE -> throw new IllegalArgumentException("extendLease is not a completion");
    };
  }

  /** What an accepted operation leaves, per the {@code Driver} and {@code Completion} javadocs. */
  private static JobRecord acceptedState(Operation op, JobRecord before, Instant now) {
    JobRecords.Builder after = JobRecords.copy(before).updatedAt(now);
    return switch (op) {
      case EXTEND_LEASE -> after.lease(before.leaseToken(), now.plus(LEASE)).build();
      case ACK -> after.status(JobStatus.DONE).noLease().result(RESULT).finishedAt(now).build();
      case RETRY -> after.status(JobStatus.READY).noLease().runAt(now).lastError(ERROR).build();
      case FAIL -> after.status(JobStatus.DLQ).noLease().dlq(REASON, now).lastError(ERROR).finishedAt(now).build();
      case RELEASE -> after.status(JobStatus.READY).noLease().runAt(now).attempts(before.attempts() - 1).build();
    };
  }

  @Override
  @ParameterizedTest(name = "{0}")
  @MethodSource("matrix")
  public void required_mtx01_leaseOperationMatrix(Case c) {
    Instant t0 = clock.instant();
    Prepared job = prepare(c.state());
    Instant now = switch (c.presented()) {
      case VALID_TOKEN, WRONG_TOKEN -> t0.plusSeconds(2);
      case EXPIRED, EXPIRED_WRONG_TOKEN -> job.expiry();
    };
    clock.set(now);
    LeaseToken token = switch (c.presented()) {
      case VALID_TOKEN, EXPIRED -> job.token();
      case WRONG_TOKEN, EXPIRED_WRONG_TOKEN -> JobFixture.wrongToken();
    };
    Optional<JobRecord> before = driver().get(job.id());

    @Nullable JobStateException refusal;
    @Nullable Instant extended = null;
    if (c.operation() == EXTEND_LEASE) {
      Throwable thrown = catchThrowable(() -> driver().extendLease(job.id(), token, now, LEASE));
      if (thrown != null && !(thrown instanceof JobStateException)) {
        throw new AssertionError("extendLease threw " + thrown + " instead of answering " + c.expected(), thrown);
      }
      refusal = (JobStateException) thrown;
      if (refusal == null) {
        extended = driver().get(job.id()).map(JobRecord::leaseExpiresAt).orElse(null);
      }
    } else {
      List<Outcome> outcomes = driver().complete(List.of(completion(c.operation(), job.id(), token)), now);
      assertThat(outcomes).hasSize(1);
      assertThat(outcomes.get(0).id()).isEqualTo(job.id());
      refusal = outcomes.get(0).refusal();
    }

    switch (c.expected()) {
      case OK -> {
        assertThat(refusal).as("refusal").isNull();
        JobRecord prior = before.orElseThrow();
        JobRecords.assertJob(fx.get(job.id()), acceptedState(c.operation(), prior, now));
        if (c.operation() == EXTEND_LEASE) {
          assertThat(extended).isEqualTo(now.plus(LEASE));
        }
      }
      case NO_OP -> {
        assertThat(refusal).as("refusal").isNull();
        JobRecords.assertJob(fx.get(job.id()), before.orElseThrow());
      }
      default -> {
        assertThat(refusal).as("refusal").isExactlyInstanceOf(refusalType(c.expected()));
        assertThat(refusal.jobId()).as("refusal's job id").isEqualTo(job.id());
        if (refusal instanceof JobNotInflightException notInflight) {
          assertThat(notInflight.status()).isEqualTo(before.orElseThrow().status());
        }
        if (refusal instanceof LeaseExpiredException expired) {
          assertThat(expired.expiredAt()).isEqualTo(job.expiry());
          assertThat(expired.now()).isEqualTo(now);
        }
        if (before.isPresent()) {
          JobRecords.assertJob(fx.get(job.id()), before.get());
        } else {
          assertThat(driver().get(job.id())).isEmpty();
        }
      }
    }
  }

  private static Class<? extends JobStateException> refusalType(Expect expect) {
    return switch (expect) {
      case NOT_FOUND -> JobNotFoundException.class;
      case NOT_INFLIGHT -> JobNotInflightException.class;
      case LEASE_EXPIRED -> LeaseExpiredException.class;
      case LEASE_MISMATCH -> LeaseMismatchException.class;
      case OK, NO_OP -> throw new IllegalArgumentException(expect + " is not a refusal");
    };
  }
}
