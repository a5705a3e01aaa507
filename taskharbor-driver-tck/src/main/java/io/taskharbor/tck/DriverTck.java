package io.taskharbor.tck;

import io.taskharbor.spi.Driver;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * The whole TCK. A driver author writes one class:
 *
 * <pre>{@code
 * class MyDriverContractTest extends DriverTck {
 *   @Override
 *   protected Driver newDriver() {
 *     return new MyDriver(...); // over empty storage
 *   }
 * }
 * }</pre>
 *
 * and inherits every group below. {@link #newDriver()} is called at least once per test (once per case of a
 * parameterised test); the TCK closes each driver it gets after the test, so a driver is closed at least once and
 * possibly twice (close is idempotent).
 *
 * <p>The groups, one {@code @Nested} class each, in run order:
 *
 * <ul>
 *   <li>contract groups, one per operation: {@link EnqueueContract enqueue}, {@link IdempotencyContract
 *       idempotency}, {@link ReserveContract reserve}, {@link SchedulingContract scheduling}, {@link
 *       OrderingContract ordering}, {@link LeaseContract lease}, {@link CompletionContract completion}, {@link
 *       AdminContract admin}, {@link ListAndStatsContract list and stats}, {@link ArgumentContract arguments} and
 *       {@link ClosedDriverContract closed driver};
 *   <li>{@link MatrixContract the matrix}: every lease operation on every job state with every presented lease,
 *       against an expectation table written out in the test;
 *   <li>{@link ConcurrencyContract concurrency}: real threads racing, on {@link #sameStorageAs two clients} where the
 *       driver has them;
 *   <li>{@link NotificationContract notifications}: optional, run only for drivers with {@link
 *       io.taskharbor.spi.Capability#WAKE_UP_NOTIFICATIONS} and skipped by name for the others;
 *   <li>{@link PropertyContract properties}: random action sequences compared step by step with the reference model;
 *   <li>{@link WorkerContract worker}: a real engine worker on the driver.
 * </ul>
 *
 * {@link TckRules} lists every rule the groups check, with where to look when one fails. Every test takes its
 * instants from a {@link TestClock} that stands still unless the test moves it, so a run is deterministic except for
 * the concurrency group's thread interleavings.
 */
public abstract class DriverTck {

  /**
   * Returns a new driver over empty storage: no job from an earlier test may be visible to it. Drivers returned to
   * one test may share storage only if the test asks for more than one (the concurrency group does).
   */
  protected abstract Driver newDriver();

  /**
   * Returns a second driver over the same storage as {@code first}, for multi-client tests (the concurrency and
   * notification groups). Default: {@code first}. A driver whose storage outlives the driver, such as a database,
   * should return a new client here so that races between clients are tested.
   */
  protected Driver sameStorageAs(Driver first) {
    return first;
  }

  @Nested
  @DisplayName("enqueue: jobs are stored READY, exactly as given, all of a batch or none")
  class Enqueue extends EnqueueContract {
    Enqueue() {
      super(DriverTck.this);
    }
  }

  @Nested
  @DisplayName("idempotency: a (queue, key) pair names at most one stored job")
  class Idempotency extends IdempotencyContract {
    Idempotency() {
      super(DriverTck.this);
    }
  }

  @Nested
  @DisplayName("reserve: leases claimable jobs of one queue, reclaims expired leases, retires exhausted ones")
  class Reserve extends ReserveContract {
    Reserve() {
      super(DriverTck.this);
    }
  }

  @Nested
  @DisplayName("scheduling: a job is due exactly when run_at <= now")
  class Scheduling extends SchedulingContract {
    Scheduling() {
      super(DriverTck.this);
    }
  }

  @Nested
  @DisplayName("ordering: priority first, then FIFO by readiness, then id")
  class Ordering extends OrderingContract {
    Ordering() {
      super(DriverTck.this);
    }
  }

  @Nested
  @DisplayName("lease: extendLease extends a held lease and refuses everything else, in the validation order")
  class Lease extends LeaseContract {
    Lease() {
      super(DriverTck.this);
    }
  }

  @Nested
  @DisplayName("completion: ack, retry, fail and release do exactly what they say, item by item")
  class Completions extends CompletionContract {
    Completions() {
      super(DriverTck.this);
    }
  }

  @Nested
  @DisplayName("matrix: lease operation × job state × presented lease")
  class Matrix extends MatrixContract {
    Matrix() {
      super(DriverTck.this);
    }
  }

  @Nested
  @DisplayName("admin: requeue, cancel, delete and purge change exactly the jobs they may")
  class Admin extends AdminContract {
    Admin() {
      super(DriverTck.this);
    }
  }

  @Nested
  @DisplayName("list and stats: filtered listing in id order, cursor paging, counts by status")
  class ListAndStats extends ListAndStatsContract {
    ListAndStats() {
      super(DriverTck.this);
    }
  }

  @Nested
  @DisplayName("arguments: bad values are refused before storage is touched")
  class Arguments extends ArgumentContract {
    Arguments() {
      super(DriverTck.this);
    }
  }

  @Nested
  @DisplayName("closed driver: every call is an IllegalStateException, close is idempotent")
  class ClosedDriver extends ClosedDriverContract {
    ClosedDriver() {
      super(DriverTck.this);
    }
  }

  @Nested
  @DisplayName("concurrency: racing threads never share a job, lose one, or create one twice")
  class Concurrency extends ConcurrencyContract {
    Concurrency() {
      super(DriverTck.this);
    }
  }

  @Nested
  @DisplayName("notifications: subscribers hear of new jobs (capability WAKE_UP_NOTIFICATIONS)")
  class Notifications extends NotificationContract {
    Notifications() {
      super(DriverTck.this);
    }
  }

  @Nested
  @DisplayName("property: random action sequences agree with the reference model")
  class Properties extends PropertyContract {
    Properties() {
      super(DriverTck.this);
    }
  }

  @Nested
  @DisplayName("worker: a real Worker on this driver")
  class Worker extends WorkerContract {
    Worker() {
      super(DriverTck.this);
    }
  }
}
