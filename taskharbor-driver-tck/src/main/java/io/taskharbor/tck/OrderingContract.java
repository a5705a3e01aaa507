package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.LEASE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobId;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Reserve order: priority descending, then the instant the job became claimable (run_at, else created_at; for an
 * expired lease, its expiry), then id as an unsigned 128-bit number.
 */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class OrderingContract extends TckGroup implements OrderingRules {

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected OrderingContract(DriverTck tck) {
    super(tck);
  }

  /** Reserves one job at a time until none is left and returns the ids in the order they came. */
  private List<JobId> drainOneByOne() {
    List<JobId> order = new ArrayList<>();
    for (List<LeasedJob> next = reserve(1); !next.isEmpty(); next = reserve(1)) {
      order.add(next.get(0).id());
    }
    return order;
  }

  private List<LeasedJob> reserve(int max) {
    return driver().reserve(QUEUE, max, clock.instant(), LEASE);
  }

  @Override
  @Test
  public void required_ord01_higherPriorityFirst() {
    JobId p0 = fx.enqueueOne(Jobs.builder(QUEUE).priority(0).build());
    JobId pMinus5 = fx.enqueueOne(Jobs.builder(QUEUE).priority(-5).build());
    JobId p10 = fx.enqueueOne(Jobs.builder(QUEUE).priority(10).build());
    JobId pMax = fx.enqueueOne(Jobs.builder(QUEUE).priority(Integer.MAX_VALUE).build());
    JobId pMin = fx.enqueueOne(Jobs.builder(QUEUE).priority(Integer.MIN_VALUE).build());
    JobId p1 = fx.enqueueOne(Jobs.builder(QUEUE).priority(1).build());

    assertThat(drainOneByOne()).containsExactly(pMax, p10, p1, p0, pMinus5, pMin);
  }

  @Override
  @Test
  public void required_ord02_priorityBeatsAge() {
    JobId old = fx.enqueueOne(Jobs.job(QUEUE));
    clock.advance(Duration.ofHours(1));
    JobId urgent = fx.enqueueOne(Jobs.builder(QUEUE).priority(1).build());

    assertThat(drainOneByOne()).containsExactly(urgent, old);
  }

  @Override
  @Test
  public void required_ord03_fifoWithinOnePriority() {
    List<JobId> enqueued = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      enqueued.add(fx.enqueueOne(Jobs.job(QUEUE, Jobs.id(100 - i))));
      clock.advance(Duration.ofNanos(1_000));
    }

    assertThat(drainOneByOne()).containsExactlyElementsOf(enqueued);
  }

  @Override
  @Test
  public void required_ord04_aDueScheduledJobGoesBeforeNewerImmediateJobs() {
    Instant t0 = clock.instant();
    JobId scheduled = fx.enqueueOne(Jobs.builder(QUEUE).id(Jobs.id(9)).runAt(t0.plusSeconds(10)).build());
    clock.set(t0.plusSeconds(20));
    JobId immediate = fx.enqueueOne(Jobs.job(QUEUE, Jobs.id(1)));
    clock.set(t0.plusSeconds(30));

    assertThat(drainOneByOne()).containsExactly(scheduled, immediate);
  }

  @Override
  @Test
  public void required_ord05_anImmediateJobCreatedBeforeARunTimeGoesFirst() {
    Instant t0 = clock.instant();
    JobId scheduled = fx.enqueueOne(Jobs.builder(QUEUE).id(Jobs.id(1)).runAt(t0.plusSeconds(25)).build());
    clock.set(t0.plusSeconds(20));
    JobId immediate = fx.enqueueOne(Jobs.job(QUEUE, Jobs.id(9)));
    clock.set(t0.plusSeconds(30));

    assertThat(drainOneByOne()).containsExactly(immediate, scheduled);
  }

  @Override
  @Test
  public void required_ord06_runTimeNotCreationOrders() {
    Instant t0 = clock.instant();
    clock.set(t0.plusSeconds(10));
    JobId immediate = fx.enqueueOne(Jobs.job(QUEUE, Jobs.id(1)));
    clock.set(t0.plusSeconds(20));
    JobId backdated = fx.enqueueOne(Jobs.builder(QUEUE).id(Jobs.id(9)).runAt(t0.plusSeconds(5)).build());

    assertThat(drainOneByOne()).containsExactly(backdated, immediate);
  }

  @Override
  @Test
  public void required_ord07_anExpiredLeaseGoesBeforeNewerReadyJobs() {
    Instant t0 = clock.instant();
    JobId crashed = fx.enqueueOne(Jobs.job(QUEUE, Jobs.id(9)));
    fx.reserve(crashed);
    clock.set(t0.plus(LEASE).plusSeconds(5));
    JobId newer = fx.enqueueOne(Jobs.job(QUEUE, Jobs.id(1)));
    clock.set(t0.plus(LEASE).plusSeconds(10));

    assertThat(drainOneByOne()).containsExactly(crashed, newer);
  }

  @Override
  @Test
  public void required_ord08_aReadyJobOlderThanAnExpiryGoesFirst() {
    Instant t0 = clock.instant();
    JobId crashed = fx.enqueueOne(Jobs.job(QUEUE, Jobs.id(1)));
    fx.reserve(crashed);
    clock.set(t0.plusSeconds(5));
    JobId older = fx.enqueueOne(Jobs.job(QUEUE, Jobs.id(9)));
    clock.set(t0.plus(LEASE).plusSeconds(10));

    assertThat(drainOneByOne()).containsExactly(older, crashed);
  }

  @Override
  @Test
  public void required_ord09_tiesBreakByUnsignedIdOrder() {
    JobId high = new JobId(new UUID(0x8000_0000_0000_0000L, 1));
    JobId low = new JobId(new UUID(1, 1));
    JobId lowest = new JobId(new UUID(0, 0xFFFF_FFFF_FFFF_FFFFL));
    JobId highest = new JobId(new UUID(0xFFFF_FFFF_FFFF_FFFFL, 0));
    fx.enqueue(Jobs.job(QUEUE, high), Jobs.job(QUEUE, highest), Jobs.job(QUEUE, low), Jobs.job(QUEUE, lowest));

    assertThat(drainOneByOne()).containsExactly(lowest, low, high, highest);
  }

  @Override
  @Test
  public void required_ord10_tiesAcrossKindsOfReadinessBreakById() {
    Instant t0 = clock.instant();
    JobId scheduled = fx.enqueueOne(Jobs.builder(QUEUE).id(Jobs.id(2)).runAt(t0.plusSeconds(10)).build());
    clock.set(t0.plusSeconds(10));
    JobId immediate = fx.enqueueOne(Jobs.job(QUEUE, Jobs.id(1)));

    assertThat(drainOneByOne()).containsExactly(immediate, scheduled);
  }

  @Override
  @Test
  public void required_ord11_aRetriedJobQueuesBehindJobsReadyBeforeIt() {
    JobId retried = fx.enqueueOne(Jobs.job(QUEUE, Jobs.id(1)));
    LeasedJob leased = fx.reserve(retried);
    clock.advance(Duration.ofSeconds(1));
    JobId waiting = fx.enqueueOne(Jobs.job(QUEUE, Jobs.id(9)));
    clock.advance(Duration.ofSeconds(1));
    fx.retry(leased, null);

    assertThat(drainOneByOne()).containsExactly(waiting, retried);
  }

  @Override
  @Test
  public void required_ord12_oneReserveReturnsItsJobsInOrder() {
    Instant t0 = clock.instant();
    JobId low = fx.enqueueOne(Jobs.builder(QUEUE).id(Jobs.id(1)).priority(-1).build());
    clock.set(t0.plusSeconds(1));
    JobId newer = fx.enqueueOne(Jobs.job(QUEUE, Jobs.id(2)));
    JobId backdated = fx.enqueueOne(Jobs.builder(QUEUE).id(Jobs.id(3)).runAt(t0).build());
    JobId urgent = fx.enqueueOne(Jobs.builder(QUEUE).id(Jobs.id(4)).priority(3).build());
    NewJob[] tied = {Jobs.job(QUEUE, Jobs.id(6)), Jobs.job(QUEUE, Jobs.id(5))};
    clock.set(t0.plusSeconds(2));
    fx.enqueue(tied);

    assertThat(reserve(10)).extracting(LeasedJob::id)
        .containsExactly(urgent, backdated, newer, tied[1].id(), tied[0].id(), low);
  }
}
