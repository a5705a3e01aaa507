package io.taskharbor.tck;

import io.taskharbor.spi.Driver;
import java.util.OptionalInt;
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
 *
 *   @Override
 *   protected OptionalInt maxPayloadBytes() {
 *     return OptionalInt.of(DriverRules.DEFAULT_MAX_PAYLOAD_BYTES); // if the driver has a payload limit
 *   }
 * }
 * }</pre>
 *
 * and inherits every group below. {@link #newDriver()} is called at least once per test (once per case of a
 * parameterised test); the TCK closes each driver it gets after the test, so a driver is closed at least once and
 * possibly twice (close is idempotent).
 *
 * <p>The groups, one {@code @Nested} class each, in run order, each with its rules in a rules interface of its own:
 *
 * <ul>
 *   <li>contract groups, one per operation: {@link EnqueueRules enqueue (ENQ)}, {@link IdempotencyRules idempotency
 *       (IDM)}, {@link ReserveRules reserve (RSV)}, {@link SchedulingRules scheduling (SCH)}, {@link OrderingRules
 *       ordering (ORD)}, {@link LeaseRules lease (LSE)}, {@link CompletionRules completion (CMP)}, {@link AdminRules
 *       admin (ADM)}, {@link ListAndStatsRules list and stats (LST)}, {@link ArgumentRules arguments (ARG)}, {@link
 *       PayloadLimitRules payload limit (PAY)}, {@link ClosedDriverRules closed driver (CLS)} and {@link DetailsRules
 *       details log (DTL)};
 *   <li>{@link MatrixRules the matrix (MTX)}: every lease operation on every job state with every presented lease,
 *       against an expectation table written out in the test;
 *   <li>{@link ConcurrencyRules concurrency (CON)}: real threads racing, on {@link #sameStorageAs two clients} where
 *       the driver has them;
 *   <li>{@link NotificationRules notifications (NTF)}: mostly optional, run only for drivers that offer the {@link
 *       io.taskharbor.spi.WakeUpNotifications} extension and skipped by name for the others;
 *   <li>{@link CoordinationRules coordination (CRD)} and {@link StatisticsRules statistics (STA)}: optional, run only
 *       for drivers that offer the {@link io.taskharbor.spi.Coordination} and {@link io.taskharbor.spi.Statistics}
 *       extensions (distributed mode) and skipped by name for the others;
 *   <li>{@link QueueControlsRules queue controls (QUE)}, {@link JobPauseRules job pause (PAU)}, {@link JobCancelRules
 *       cancel while running (CAN)} and {@link DefinitionRules task definitions (DEF)}: optional, run only for
 *       drivers that offer the {@link io.taskharbor.spi.QueueControls}, {@link io.taskharbor.spi.JobControls} and
 *       {@link io.taskharbor.spi.Definitions} extensions and skipped by name for the others, binding for a driver
 *       that offers them;
 *   <li>{@link PropertyRules properties (PRP)}: random action sequences compared step by step with the reference
 *       model, coordination steps included for drivers with {@link io.taskharbor.spi.Coordination};
 *   <li>{@link WorkerRules worker (WRK)}: a real engine worker on the driver.
 * </ul>
 *
 * <p><b>Reading a failure.</b> Every test is named after its rule: its display name starts with the rule's id
 * ({@code "LSE-09 extendLease exactly at expiry is a LeaseExpiredException ..."}) and its method name carries the id
 * and the rule's strength ({@code required_lse09_extendLeaseExactlyAtExpiryIsExpired}). {@code docs/tck-rules.md}
 * lists every rule by id with where to look when it fails; {@link TckRules} states the conventions and the strengths
 * ({@code required_}, {@code optional_}, {@code stochastic_}, {@code untested_}). Tests of {@code untested_} rules
 * always end as skipped with a message beginning "NOT VERIFIED", so that those rules are read too.
 *
 * <p>Every test takes its instants from a {@link TestClock} that stands still unless the test moves it, so a run is
 * deterministic except for the concurrency group's thread interleavings.
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

  /**
   * Returns the largest payload or ack result, in UTF-8 bytes, that the drivers of {@link #newDriver()} store, if
   * they have a limit. When it is present the payload-limit group (PAY) checks the boundary: the limit accepted, one
   * byte more refused with nothing of the batch stored or applied. Default: empty, and the group is skipped by name.
   * Every shipped driver declares {@link io.taskharbor.spi.support.DriverRules#DEFAULT_MAX_PAYLOAD_BYTES} (1 MiB),
   * its default for the option {@value io.taskharbor.spi.support.DriverRules#MAX_PAYLOAD_BYTES_OPTION}; a driver
   * of your own should have the same default, so that code tested on one driver does not fail on another. (A limit
   * under about 130 KB fails ENQ-10, whose largest payload is that big.)
   */
  protected OptionalInt maxPayloadBytes() {
    return OptionalInt.empty();
  }

  @Nested
  class Enqueue extends EnqueueContract {
    Enqueue() {
      super(DriverTck.this);
    }
  }

  @Nested
  class Idempotency extends IdempotencyContract {
    Idempotency() {
      super(DriverTck.this);
    }
  }

  @Nested
  class Reserve extends ReserveContract {
    Reserve() {
      super(DriverTck.this);
    }
  }

  @Nested
  class Scheduling extends SchedulingContract {
    Scheduling() {
      super(DriverTck.this);
    }
  }

  @Nested
  class Ordering extends OrderingContract {
    Ordering() {
      super(DriverTck.this);
    }
  }

  @Nested
  class Lease extends LeaseContract {
    Lease() {
      super(DriverTck.this);
    }
  }

  @Nested
  class Completions extends CompletionContract {
    Completions() {
      super(DriverTck.this);
    }
  }

  @Nested
  class Matrix extends MatrixContract {
    Matrix() {
      super(DriverTck.this);
    }
  }

  @Nested
  class Admin extends AdminContract {
    Admin() {
      super(DriverTck.this);
    }
  }

  @Nested
  class ListAndStats extends ListAndStatsContract {
    ListAndStats() {
      super(DriverTck.this);
    }
  }

  @Nested
  class Arguments extends ArgumentContract {
    Arguments() {
      super(DriverTck.this);
    }
  }

  @Nested
  class PayloadLimit extends PayloadLimitContract {
    PayloadLimit() {
      super(DriverTck.this);
    }
  }

  @Nested
  class ClosedDriver extends ClosedDriverContract {
    ClosedDriver() {
      super(DriverTck.this);
    }
  }

  @Nested
  class Details extends DetailsContract {
    Details() {
      super(DriverTck.this);
    }
  }

  @Nested
  class Concurrency extends ConcurrencyContract {
    Concurrency() {
      super(DriverTck.this);
    }
  }

  @Nested
  class Notifications extends NotificationContract {
    Notifications() {
      super(DriverTck.this);
    }
  }

  @Nested
  class Coordination extends CoordinationContract {
    Coordination() {
      super(DriverTck.this);
    }
  }

  @Nested
  class Statistics extends StatisticsContract {
    Statistics() {
      super(DriverTck.this);
    }
  }

  @Nested
  class QueueControls extends QueueControlsContract {
    QueueControls() {
      super(DriverTck.this);
    }
  }

  @Nested
  class JobPause extends JobPauseContract {
    JobPause() {
      super(DriverTck.this);
    }
  }

  @Nested
  class JobCancel extends JobCancelContract {
    JobCancel() {
      super(DriverTck.this);
    }
  }

  @Nested
  class Definitions extends DefinitionContract {
    Definitions() {
      super(DriverTck.this);
    }
  }

  @Nested
  class Properties extends PropertyContract {
    Properties() {
      super(DriverTck.this);
    }
  }

  @Nested
  class Worker extends WorkerContract {
    Worker() {
      super(DriverTck.this);
    }
  }
}
