package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.LAST_ATTEMPT_EXPIRED;
import static io.taskharbor.tck.JobFixture.LEASE;
import static io.taskharbor.tck.JobFixture.OTHER_QUEUE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseExpiredException;
import io.taskharbor.api.Limits;
import io.taskharbor.api.StaleTermException;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.LeaderLease;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NodeInfo;
import io.taskharbor.spi.NodeRecord;
import io.taskharbor.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The {@link Coordination} extension: registry, liveness, leader leases and terms, fencing, orphan recovery, removal
 * of dead nodes and the leader's purge. Every test is skipped, by name, for a driver without the extension. Instants
 * come from the test's clock; registrations and reservations may be dated before it, since time is an argument.
 */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class CoordinationContract extends TckGroup implements CoordinationRules {

  static final String NAME = "tck.cluster";
  static final String NEVER = "tck.never-acquired";
  static final Duration TTL = Duration.ofSeconds(15);
  static final Duration TIMEOUT = Duration.ofSeconds(20);
  static final Duration MICRO = Duration.ofNanos(1_000);
  static final String A = "tck-node-a";
  static final String B = "tck-node-b";
  static final String C = "tck-node-c";
  static final String DEAD = "tck-node-dead";

  private static final Duration RACE_TIMEOUT = Duration.ofSeconds(60);

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected CoordinationContract(DriverTck tck) {
    super(tck);
  }

  private void assumeExtension() {
    Assumptions.assumeTrue(driver().extension(Coordination.class).isPresent(),
        "driver offers no extension Coordination: test skipped by design");
  }

  /** The extension of this test's driver; skips the test when there is none. */
  private Coordination crd() {
    assumeExtension();
    return driver().extension(Coordination.class).orElseThrow();
  }

  private static NodeInfo node(String id, Instant startedAt) {
    return NodeInfo.builder(id, startedAt).host("host-" + id).pid(4242).version("0.1.0-tck")
        .queues(List.of(QUEUE, OTHER_QUEUE)).poolSize(8).build();
  }

  private NodeInfo node(String id) {
    return node(id, clock.instant().minus(Duration.ofHours(1)));
  }

  /** Enqueues a job of {@code queue} and reserves it (it must be the queue's only claimable job) for {@code holder}. */
  private LeasedJob leased(Jobs.Builder job, @Nullable String holder, Duration lease) {
    JobId id = fx.enqueueOne(job.build());
    List<LeasedJob> leased = driver().reserve(fx.get(id).queue(), 1, clock.instant(), lease, holder);
    assertThat(leased).extracting(LeasedJob::id).as("the job the test reserves").containsExactly(id);
    return leased.get(0);
  }

  private LeasedJob leased(String queue, @Nullable String holder) {
    return leased(Jobs.builder(queue), holder, LEASE);
  }

  /** Everything a coordination call may change, read at the clock's instant. */
  private record World(List<JobRecord> jobs, List<NodeRecord> nodes, Optional<LeaderLease> lease) {}

  private World world(Coordination c) {
    return new World(fx.all(), c.nodes(clock.instant(), TIMEOUT), c.leader(NAME));
  }

  private void assertUnchanged(World before, Coordination c, String after) {
    World now = world(c);
    assertThat(now.jobs()).as("jobs after %s", after).hasSameSizeAs(before.jobs());
    for (int i = 0; i < before.jobs().size(); i++) {
      JobRecords.assertJob(now.jobs().get(i), before.jobs().get(i));
    }
    assertThat(now.nodes()).as("nodes after %s", after).isEqualTo(before.nodes());
    assertThat(now.lease()).as("the lease after %s", after).isEqualTo(before.lease());
  }

  private static void assertStale(Throwable thrown, String name, long term, long currentTerm,
      @Nullable String currentHolder, String what) {
    assertThat(thrown).as(what).isExactlyInstanceOf(StaleTermException.class);
    StaleTermException e = (StaleTermException) thrown;
    assertThat(e.name()).as("name of the refusal of %s", what).isEqualTo(name);
    assertThat(e.term()).as("presented term of the refusal of %s", what).isEqualTo(term);
    assertThat(e.currentTerm()).as("current term of the refusal of %s", what).isEqualTo(currentTerm);
    assertThat(e.currentHolder()).as("current holder of the refusal of %s", what).isEqualTo(currentHolder);
  }

  // ------------------------------------------------------------------------------------------------ registry

  @Override
  @Test
  public void optional_crd01_registerStoresTheNode() {
    Coordination c = crd();
    Instant now = clock.instant();
    NodeInfo first = NodeInfo.builder(A, now.minusSeconds(60).plusNanos(1_000)).host("host-a.example").pid(4242)
        .version("0.1.0").queues(List.of("q-2", "q-1", "q:3")).poolSize(8).build();

    c.register(first, now);

    assertThat(c.nodes(now, TIMEOUT)).containsExactly(new NodeRecord(first, now, true));
    Instant later = clock.advance(Duration.ofSeconds(5));
    NodeInfo again = NodeInfo.builder(A, later).host("host-a2.example").pid(7).version("0.2.0").queues(List.of())
        .poolSize(0).build();
    c.register(again, later);
    assertThat(c.nodes(later, TIMEOUT)).containsExactly(new NodeRecord(again, later, true));
  }

  @Override
  @Test
  public void optional_crd02_nodesAreOrderedByIdInCodePointOrder() {
    Coordination c = crd();
    Instant now = clock.instant();
    assertThat(c.nodes(now, TIMEOUT)).isEmpty();
    List<String> inOrder = List.of("Tck-node-c", A, B, "tck-node-é", "tck-node-\uFFFD", "tck-node-😀");
    List<String> shuffled = List.of("tck-node-😀", B, "tck-node-\uFFFD", "Tck-node-c", "tck-node-é", A);
    for (String id : shuffled) {
      c.register(node(id), id.equals(B) ? now.minus(TIMEOUT) : now);
    }

    List<NodeRecord> listed = c.nodes(now, TIMEOUT);

    assertThat(listed).extracting(NodeRecord::id).containsExactlyElementsOf(inOrder);
    assertThat(listed).filteredOn(r -> !r.alive()).extracting(NodeRecord::id).containsExactly(B);
  }

  @Override
  @Test
  public void optional_crd03_heartbeatOfAnUnknownNodeIsFalse() {
    Coordination c = crd();
    Instant start = clock.instant();
    NodeInfo a = node(A);
    c.register(a, start);
    Instant later = clock.advance(Duration.ofSeconds(3));

    assertThat(c.heartbeat(A, later)).isTrue();
    assertThat(c.nodes(later, TIMEOUT)).containsExactly(new NodeRecord(a, later, true));

    assertThat(c.heartbeat(B, later)).as("heartbeat of a node never registered").isFalse();
    assertThat(c.nodes(later, TIMEOUT)).extracting(NodeRecord::id).containsExactly(A);
    c.deregister(A);
    assertThat(c.heartbeat(A, later)).as("heartbeat of a deregistered node").isFalse();
    assertThat(c.nodes(later, TIMEOUT)).isEmpty();
  }

  @Override
  @Test
  public void optional_crd04_livenessBoundariesAreExact() {
    Coordination c = crd();
    Instant beat = clock.instant();
    c.register(node(A), beat);
    Instant death = beat.plus(TIMEOUT);

    assertThat(c.nodes(death.minus(MICRO), TIMEOUT)).extracting(NodeRecord::alive).containsExactly(true);
    assertThat(c.nodes(death, TIMEOUT)).extracting(NodeRecord::alive).containsExactly(false);
    assertThat(c.nodes(death.plus(Duration.ofDays(1)), TIMEOUT)).extracting(NodeRecord::alive).containsExactly(false);
    assertThat(c.nodes(death.minus(MICRO), TIMEOUT.plusNanos(999)))
        .as("the timeout truncated to microseconds").extracting(NodeRecord::alive).containsExactly(true);
    assertThat(c.nodes(death, TIMEOUT.plusNanos(999))).extracting(NodeRecord::alive).containsExactly(false);
    assertThat(c.nodes(death, TIMEOUT.plus(MICRO))).extracting(NodeRecord::alive).containsExactly(true);
  }

  @Override
  @Test
  public void optional_crd05_deregisterRemovesTheNode() {
    Coordination c = crd();
    Instant now = clock.instant();
    NodeInfo b = node(B);
    c.register(node(A), now);
    c.register(b, now);

    c.deregister(A);
    assertThat(c.nodes(now, TIMEOUT)).containsExactly(new NodeRecord(b, now, true));
    c.deregister("tck-node-unknown");
    c.deregister(A);
    assertThat(c.nodes(now, TIMEOUT)).containsExactly(new NodeRecord(b, now, true));
  }

  @Override
  @Test
  public void optional_crd06_theRegistryIsSharedByTheClients() {
    Coordination c = crd();
    Coordination other = secondClient().extension(Coordination.class).orElseThrow();
    Instant now = clock.instant();
    NodeInfo a = node(A);

    c.register(a, now);
    assertThat(other.nodes(now, TIMEOUT)).containsExactly(new NodeRecord(a, now, true));
    LeaderLease byB = other.acquire(NAME, B, now, TTL);
    assertThat(byB).isEqualTo(new LeaderLease(NAME, B, 1, now.plus(TTL)));
    assertThat(c.acquire(NAME, A, now, TTL)).isEqualTo(byB);
    assertThat(c.leader(NAME)).contains(byB);
    assertThat(other.heartbeat(A, now.plusSeconds(1))).isTrue();
    assertThat(c.nodes(now, TIMEOUT)).containsExactly(new NodeRecord(a, now.plusSeconds(1), true));
  }

  // ------------------------------------------------------------------------------------------------ leadership

  @Override
  @Test
  public void optional_crd07_theFirstAcquireGrantsTermOne() {
    Coordination c = crd();
    Instant now = clock.instant();
    assertThat(c.leader(NAME)).isEmpty();

    LeaderLease lease = c.acquire(NAME, A, now, TTL);

    assertThat(lease).isEqualTo(new LeaderLease(NAME, A, 1, now.plus(TTL)));
    assertThat(lease.isHeldBy(A, now)).isTrue();
    assertThat(c.leader(NAME)).contains(lease);
    assertThat(c.leader(NEVER)).isEmpty();
  }

  @Override
  @Test
  public void optional_crd08_aValidLeaseIsNotTaken() {
    Coordination c = crd();
    Instant start = clock.instant();
    LeaderLease held = c.acquire(NAME, A, start, TTL);
    Instant lastValid = start.plus(TTL).minus(MICRO);

    assertThat(c.acquire(NAME, B, start, TTL)).isEqualTo(held);
    assertThat(c.acquire(NAME, B, lastValid, Duration.ofDays(1))).isEqualTo(held);
    assertThat(c.leader(NAME)).contains(held);

    Instant later = start.plusSeconds(5);
    LeaderLease again = c.acquire(NAME, A, later, TTL);
    assertThat(again).isEqualTo(new LeaderLease(NAME, A, 1, later.plus(TTL)));
    assertThat(c.acquire(NAME, A, later.plusSeconds(1), Duration.ofSeconds(1)))
        .as("a re-acquire never moves the expiry back").isEqualTo(again);
    assertThat(c.leader(NAME)).contains(again);
  }

  @Override
  @Test
  public void optional_crd09_theTermGrowsAfterAGap() {
    Coordination c = crd();
    Instant t = clock.instant();
    LeaderLease first = c.acquire(NAME, A, t, TTL);

    Instant lapse = first.expiresAt();
    assertThat(c.acquire(NAME, B, lapse, TTL)).isEqualTo(new LeaderLease(NAME, B, 2, lapse.plus(TTL)));
    Instant lapse2 = lapse.plus(TTL);
    assertThat(c.acquire(NAME, A, lapse2, TTL)).isEqualTo(new LeaderLease(NAME, A, 3, lapse2.plus(TTL)));
    Instant lapse3 = lapse2.plus(TTL);
    assertThat(c.acquire(NAME, A, lapse3, TTL)).as("the former holder after its own lease lapsed")
        .isEqualTo(new LeaderLease(NAME, A, 4, lapse3.plus(TTL)));

    c.resign(NAME, A, 4, lapse3);
    assertThat(c.acquire(NAME, B, lapse3, TTL)).as("right after a resignation")
        .isEqualTo(new LeaderLease(NAME, B, 5, lapse3.plus(TTL)));
    assertThat(c.leader(NAME)).contains(new LeaderLease(NAME, B, 5, lapse3.plus(TTL)));
  }

  @Override
  @Test
  public void optional_crd10_concurrentCandidatesNeverBothGetTheLease() throws InterruptedException {
    Coordination[] clients = {crd(), secondClient().extension(Coordination.class).orElseThrow()};
    Instant at = clock.instant();
    for (int round = 1; round <= 5; round++) {
      Instant now = at;
      List<Callable<LeaderLease>> racers = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        Coordination client = clients[i % 2];
        String me = "tck-racer-" + i;
        racers.add(() -> client.acquire(NAME, me, now, TTL));
      }
      List<LeaderLease> answers = race(racers);

      Set<String> holders = new HashSet<>();
      Set<Long> terms = new HashSet<>();
      int winners = 0;
      for (int i = 0; i < answers.size(); i++) {
        holders.add(answers.get(i).holder());
        terms.add(answers.get(i).term());
        if (("tck-racer-" + i).equals(answers.get(i).holder())) {
          winners++;
        }
      }
      assertThat(winners).as("threads that got the lease in round %d", round).isEqualTo(1);
      assertThat(holders).as("holders the threads were told in round %d", round).hasSize(1);
      assertThat(terms).as("terms the threads were told in round %d", round).containsExactly((long) round);
      LeaderLease stored = clients[0].leader(NAME).orElseThrow();
      assertThat(stored.holder()).isIn(holders);
      assertThat(stored.term()).isEqualTo(round);
      at = stored.expiresAt();
    }
  }

  @Override
  @Test
  public void optional_crd11_renewExtendsTheLease() {
    Coordination c = crd();
    Instant start = clock.instant();
    c.acquire(NAME, A, start, TTL);

    Instant later = start.plusSeconds(5);
    LeaderLease renewed = c.renew(NAME, A, 1, later, TTL);
    assertThat(renewed).isEqualTo(new LeaderLease(NAME, A, 1, later.plus(TTL)));
    assertThat(c.renew(NAME, A, 1, later.plusSeconds(1), Duration.ofSeconds(1)))
        .as("a renewal never moves the expiry back").isEqualTo(renewed);
    Instant lastValid = renewed.expiresAt().minus(MICRO);
    assertThat(c.renew(NAME, A, 1, lastValid, TTL)).isEqualTo(new LeaderLease(NAME, A, 1, lastValid.plus(TTL)));
    assertThat(c.leader(NAME)).contains(new LeaderLease(NAME, A, 1, lastValid.plus(TTL)));
  }

  @Override
  @Test
  public void optional_crd12_renewOfAStaleOrLapsedTermIsRefused() {
    Coordination c = crd();
    Instant start = clock.instant();
    LeaderLease held = c.acquire(NAME, A, start, TTL);

    assertStale(catchThrowable(() -> c.renew(NAME, A, 2, start, TTL)), NAME, 2, 1, A, "renew with a future term");
    assertStale(catchThrowable(() -> c.renew(NAME, B, 1, start, TTL)), NAME, 1, 1, A, "renew by another node");
    Instant expiry = held.expiresAt();
    assertStale(catchThrowable(() -> c.renew(NAME, A, 1, expiry, TTL)), NAME, 1, 1, A,
        "renew exactly at the expiry");
    assertThat(c.leader(NAME)).contains(held);

    LeaderLease second = c.acquire(NAME, B, expiry, TTL);
    assertStale(catchThrowable(() -> c.renew(NAME, A, 1, expiry, TTL)), NAME, 1, 2, B,
        "renew with the term before the current one");
    c.resign(NAME, B, 2, expiry);
    assertStale(catchThrowable(() -> c.renew(NAME, B, 2, expiry, TTL)), NAME, 2, 2, null,
        "renew after a resignation");
    assertStale(catchThrowable(() -> c.renew(NEVER, A, 1, expiry, TTL)), NEVER, 1, 0, null,
        "renew of a name never acquired");
    assertThat(c.leader(NAME)).contains(new LeaderLease(NAME, null, second.term(), null));
    assertThat(c.leader(NEVER)).isEmpty();
  }

  @Override
  @Test
  public void optional_crd13_resignGivesUpTheLease() {
    Coordination c = crd();
    Instant start = clock.instant();
    LeaderLease held = c.acquire(NAME, A, start, TTL);

    c.resign(NAME, B, 1, start);
    c.resign(NAME, A, 2, start);
    assertThat(c.leader(NAME)).as("after resignations that do not match").contains(held);
    c.resign(NAME, A, 1, start);
    assertThat(c.leader(NAME)).contains(new LeaderLease(NAME, null, 1, null));
    c.resign(NAME, A, 1, start);
    assertThat(c.leader(NAME)).contains(new LeaderLease(NAME, null, 1, null));

    LeaderLease third = c.acquire(NAME, C, start, TTL);
    assertThat(third.term()).isEqualTo(2);
    Instant lapsed = third.expiresAt().plusSeconds(10);
    c.resign(NAME, C, 2, lapsed);
    assertThat(c.leader(NAME)).as("a lapsed lease resigned by its holder").contains(new LeaderLease(NAME, null, 2, null));
    c.resign(NEVER, A, 1, start);
    assertThat(c.leader(NEVER)).isEmpty();
  }

  // ------------------------------------------------------------------------------------------------ fencing

  /**
   * A world in which each leader-only call would change something if it were let act: a dead node holding an
   * INFLIGHT job (lease 60 s) and a DONE job finished at the start.
   */
  private void workForALeader(Coordination c, Instant start) {
    c.register(node(DEAD), start.minus(TIMEOUT));
    leased(Jobs.builder(QUEUE), DEAD, Duration.ofSeconds(60));
    fx.ack(leased(OTHER_QUEUE, A));
  }

  @Override
  @Test
  public void optional_crd14_aStaleTermCannotAct() {
    Coordination c = crd();
    Instant start = clock.instant();
    workForALeader(c, start);
    c.acquire(NAME, A, start, TTL);
    Instant second = start.plus(TTL);
    LeaderLease current = c.acquire(NAME, B, second, TTL);
    assertThat(current.term()).isEqualTo(2);
    clock.set(second.plusSeconds(1));

    refuseEveryLeaderCall(c, NAME, 1, 2, B, "the term before the current one");
    refuseEveryLeaderCall(c, NAME, 3, 2, B, "a term after the current one");
    clock.set(current.expiresAt());
    refuseEveryLeaderCall(c, NAME, 2, 2, B, "the current term exactly at its expiry");
    clock.set(current.expiresAt().minus(MICRO));
    c.resign(NAME, B, 2, clock.instant());
    refuseEveryLeaderCall(c, NAME, 2, 2, null, "a resigned term");
    refuseEveryLeaderCall(c, NEVER, 1, 0, null, "a name never acquired");
  }

  private void refuseEveryLeaderCall(Coordination c, String name, long term, long currentTerm,
      @Nullable String holder, String what) {
    Instant now = clock.instant();
    World before = world(c);
    assertStale(catchThrowable(() -> c.recoverOrphans(name, term, now, TIMEOUT)), name, term, currentTerm, holder,
        "recoverOrphans with " + what);
    assertStale(catchThrowable(() -> c.removeDeadNodes(name, term, now, TIMEOUT)), name, term, currentTerm, holder,
        "removeDeadNodes with " + what);
    assertStale(catchThrowable(() -> c.purge(name, term, EnumSet.of(JobStatus.DONE), now.plusSeconds(1), now)), name,
        term, currentTerm, holder, "purge with " + what);
    assertUnchanged(before, c, "leader-only calls with " + what);
  }

  @Override
  @Test
  public void optional_crd15_theCurrentTermActsUntilItsLeaseEnds() {
    Coordination c = crd();
    Instant start = clock.instant();
    workForALeader(c, start);
    LeaderLease lease = c.acquire(NAME, A, start, TTL);
    Instant lastValid = lease.expiresAt().minus(MICRO);
    clock.set(lastValid);

    assertThat(c.recoverOrphans(NAME, 1, lastValid, TIMEOUT)).isEqualTo(1);
    assertThat(c.removeDeadNodes(NAME, 1, lastValid, TIMEOUT)).isEqualTo(1);
    assertThat(c.purge(NAME, 1, EnumSet.of(JobStatus.DONE), lastValid, lastValid)).isEqualTo(1);
    assertThat(c.nodes(lastValid, TIMEOUT)).isEmpty();
    assertThat(fx.all()).singleElement().satisfies(j -> assertThat(j.leaseExpiresAt()).isEqualTo(lastValid));
    assertThat(c.leader(NAME)).contains(lease);
  }

  // ------------------------------------------------------------------------------------------------ the leader's duties

  @Override
  @Test
  public void optional_crd16_recoveryEndsTheLeasesOfDeadNodes() {
    Coordination c = crd();
    Instant start = clock.instant();
    c.register(node(DEAD), start.minus(TIMEOUT));
    c.register(node(A), start);
    LeasedJob orphan = leased(QUEUE, DEAD);
    LeasedJob otherOrphan = leased(OTHER_QUEUE, DEAD);
    LeasedJob alive = leased(QUEUE, A);
    LeasedJob unregistered = leased(QUEUE, "tck-node-unregistered");
    LeasedJob nobody = leased(QUEUE, null);
    LeasedJob ended = leased(Jobs.builder(QUEUE), DEAD, Duration.ofSeconds(1));
    LeasedJob done = leased(QUEUE, DEAD);
    fx.ack(done);
    JobId ready = fx.enqueueOne(Jobs.job("tck.ready"));
    c.acquire(NAME, A, start, TTL);
    Instant now = clock.advance(Duration.ofSeconds(2));
    List<JobRecord> untouched = new ArrayList<>();
    for (JobId id : List.of(alive.id(), unregistered.id(), nobody.id(), ended.id(), done.id(), ready)) {
      untouched.add(fx.get(id));
    }

    assertThat(c.recoverOrphans(NAME, 1, now, TIMEOUT)).isEqualTo(2);

    for (LeasedJob l : List.of(orphan, otherOrphan)) {
      JobRecords.assertJob(fx.get(l.id()), JobRecords.copy(l.job()).lease(l.token(), now).updatedAt(now).build());
    }
    for (JobRecord before : untouched) {
      JobRecords.assertJob(fx.get(before.id()), before);
    }
    assertThat(c.recoverOrphans(NAME, 1, now, TIMEOUT)).as("a second recovery finds nothing left").isZero();
  }

  @Override
  @Test
  public void optional_crd17_aRecoveredJobIsClaimableAtOnce() {
    Coordination c = crd();
    Instant start = clock.instant();
    c.register(node(DEAD), start.minus(TIMEOUT));
    LeasedJob orphan = leased(Jobs.builder(QUEUE).maxAttempts(3), DEAD, LEASE);
    LeasedJob last = leased(Jobs.builder(QUEUE).maxAttempts(1), DEAD, LEASE);
    c.acquire(NAME, A, start, TTL);
    Instant now = clock.advance(Duration.ofSeconds(1));
    assertThat(c.recoverOrphans(NAME, 1, now, TIMEOUT)).isEqualTo(2);

    Outcome late = fx.complete(new Completion.Ack(orphan.id(), orphan.token(), null));
    assertThat(late.refusal()).isExactlyInstanceOf(LeaseExpiredException.class);
    LeaseExpiredException expired = (LeaseExpiredException) late.refusal();
    assertThat(expired.expiredAt()).isEqualTo(now);
    assertThat(expired.now()).isEqualTo(now);
    assertThat(catchThrowable(() -> driver().extendLease(orphan.id(), orphan.token(), now, LEASE)))
        .isExactlyInstanceOf(LeaseExpiredException.class);

    List<LeasedJob> again = driver().reserve(QUEUE, 10, now, LEASE, B);
    assertThat(again).extracting(LeasedJob::id).containsExactly(orphan.id());
    LeasedJob taken = again.get(0);
    assertThat(taken.token()).isNotEqualTo(orphan.token());
    JobRecords.assertJob(fx.get(orphan.id()), JobRecords.copy(orphan.job()).lease(taken.token(), now.plus(LEASE))
        .attempts(2).updatedAt(now).reservedBy(B, now).build());
    JobRecord swept = fx.get(last.id());
    assertThat(swept.status()).isEqualTo(JobStatus.DLQ);
    assertThat(swept.dlqReason()).isEqualTo(LAST_ATTEMPT_EXPIRED);
    assertThat(swept.dlqFailedAt()).isEqualTo(now);
  }

  @Override
  @Test
  public void optional_crd18_recoveryUsesTheExactDeathBoundary() {
    Coordination c = crd();
    Instant start = clock.instant();
    c.register(node(DEAD), start);
    LeasedJob job = leased(Jobs.builder(QUEUE), DEAD, Duration.ofSeconds(60));
    Instant death = start.plus(TIMEOUT);
    c.acquire(NAME, A, death.minusSeconds(5), TTL);

    assertThat(c.recoverOrphans(NAME, 1, death.minus(MICRO), TIMEOUT)).isZero();
    JobRecords.assertJob(fx.get(job.id()), job.job());
    assertThat(c.recoverOrphans(NAME, 1, death, TIMEOUT)).isEqualTo(1);
    assertThat(fx.get(job.id()).leaseExpiresAt()).isEqualTo(death);
  }

  @Override
  @Test
  public void optional_crd19_removeDeadNodesRemovesTheDeadOnly() {
    Coordination c = crd();
    Instant now = clock.instant();
    NodeInfo justAlive = node(B);
    NodeInfo fresh = node(C);
    c.register(node(DEAD), now.minus(TIMEOUT));
    c.register(justAlive, now.minus(TIMEOUT).plus(MICRO));
    c.register(fresh, now);
    LeasedJob held = leased(QUEUE, DEAD);
    c.acquire(NAME, A, now, TTL);

    assertThat(c.removeDeadNodes(NAME, 1, now, TIMEOUT)).isEqualTo(1);

    assertThat(c.nodes(now, TIMEOUT)).containsExactly(new NodeRecord(justAlive, now.minus(TIMEOUT).plus(MICRO), true),
        new NodeRecord(fresh, now, true));
    JobRecords.assertJob(fx.get(held.id()), held.job());
    assertThat(c.removeDeadNodes(NAME, 1, now, TIMEOUT)).isZero();
  }

  @Override
  @Test
  public void optional_crd20_theLeadersPurgeIsDriverPurge() {
    Coordination c = crd();
    Instant start = clock.instant();
    JobId doneEarly = fx.jobIn(JobFixture.State.DONE, "tck.p1");
    JobId dlq = fx.jobIn(JobFixture.State.DLQ, "tck.p2");
    JobId canceled = fx.jobIn(JobFixture.State.CANCELED, "tck.p3");
    JobId ready = fx.jobIn(JobFixture.State.READY, "tck.p4");
    Instant later = clock.advance(Duration.ofSeconds(1));
    JobId doneLater = fx.jobIn(JobFixture.State.DONE, "tck.p5");
    c.acquire(NAME, A, start, TTL);

    assertThat(c.purge(NAME, 1, EnumSet.of(JobStatus.DONE, JobStatus.CANCELED), later, later)).isEqualTo(2);

    assertThat(fx.all()).extracting(JobRecord::id).containsExactly(dlq, ready, doneLater);
    assertThat(driver().get(doneEarly)).isEmpty();
    assertThat(driver().get(canceled)).isEmpty();
    assertThat(c.purge(NAME, 1, EnumSet.of(JobStatus.DLQ), later.plus(MICRO), later)).isEqualTo(1);
    assertThat(fx.all()).extracting(JobRecord::id).containsExactly(ready, doneLater);
  }

  // ------------------------------------------------------------------------------------------------ arguments

  /** A call that must be refused: the names its message may give (none for a null), and the call. */
  private record Bad(String description, List<String> fields, Runnable call) {}

  @Override
  @Test
  public void optional_crd21_badArgumentsAreRefusedByName() {
    Coordination c = crd();
    Instant now = clock.instant();
    Instant beforeMin = Limits.MIN_INSTANT.minus(MICRO);
    Instant afterMax = Limits.MAX_INSTANT.plus(MICRO);
    c.register(node(A), now);
    c.acquire(NAME, A, now, TTL);
    fx.enqueue(Jobs.job(QUEUE));
    NodeInfo b = node(B);
    String longId = "n".repeat(256);
    Duration negative = Duration.ofSeconds(-1);
    Set<JobStatus> done = EnumSet.of(JobStatus.DONE);
    List<Bad> calls = List.of(
        new Bad("register a null node", List.of(), () -> c.register(null, now)),
        new Bad("register at a now before " + Limits.MIN_INSTANT, List.of("now"), () -> c.register(b, beforeMin)),
        new Bad("register at a null now", List.of(), () -> c.register(b, null)),
        new Bad("heartbeat of a blank node id", List.of("nodeId"), () -> c.heartbeat(" ", now)),
        new Bad("heartbeat of an empty node id", List.of("nodeId"), () -> c.heartbeat("", now)),
        new Bad("heartbeat of a node id of 256 characters", List.of("nodeId"), () -> c.heartbeat(longId, now)),
        new Bad("heartbeat of a node id with a NUL", List.of("nodeId"), () -> c.heartbeat("a\u0000b", now)),
        new Bad("heartbeat of a null node id", List.of(), () -> c.heartbeat(null, now)),
        new Bad("heartbeat at a now after " + Limits.MAX_INSTANT, List.of("now"), () -> c.heartbeat(A, afterMax)),
        new Bad("deregister a blank node id", List.of("nodeId"), () -> c.deregister("  ")),
        new Bad("nodes with a zero timeout", List.of("timeout"), () -> c.nodes(now, Duration.ZERO)),
        new Bad("nodes with a negative timeout", List.of("timeout"), () -> c.nodes(now, negative)),
        new Bad("nodes with a null timeout", List.of(), () -> c.nodes(now, null)),
        new Bad("nodes at a now before " + Limits.MIN_INSTANT, List.of("now"), () -> c.nodes(beforeMin, TIMEOUT)),
        new Bad("acquire a blank name", List.of("name"), () -> c.acquire(" ", B, now, TTL)),
        new Bad("acquire a name of 256 characters", List.of("name"), () -> c.acquire(longId, B, now, TTL)),
        new Bad("acquire a null name", List.of(), () -> c.acquire(null, B, now, TTL)),
        new Bad("acquire for an empty node id", List.of("nodeId"), () -> c.acquire(NEVER, "", now, TTL)),
        new Bad("acquire with a zero ttl", List.of("ttl"), () -> c.acquire(NEVER, B, now, Duration.ZERO)),
        new Bad("acquire with a ttl under 1µs", List.of("ttl"), () -> c.acquire(NEVER, B, now, Duration.ofNanos(999))),
        new Bad("acquire at a now after " + Limits.MAX_INSTANT, List.of("now"), () -> c.acquire(NEVER, B, afterMax, TTL)),
        new Bad("renew with term 0", List.of("term"), () -> c.renew(NEVER, A, 0, now, TTL)),
        new Bad("renew with term -1", List.of("term"), () -> c.renew(NAME, A, -1, now, TTL)),
        new Bad("renew with a negative ttl", List.of("ttl"), () -> c.renew(NEVER, A, 1, now, negative)),
        new Bad("renew for a node id of 256 characters", List.of("nodeId"), () -> c.renew(NEVER, longId, 1, now, TTL)),
        new Bad("resign with term 0", List.of("term"), () -> c.resign(NAME, A, 0, now)),
        new Bad("resign an empty name", List.of("name"), () -> c.resign("", A, 1, now)),
        new Bad("resign at a now before " + Limits.MIN_INSTANT, List.of("now"), () -> c.resign(NAME, A, 1, beforeMin)),
        new Bad("leader of an empty name", List.of("name"), () -> c.leader("")),
        new Bad("leader of a null name", List.of(), () -> c.leader(null)),
        new Bad("recoverOrphans with term 0", List.of("term"), () -> c.recoverOrphans(NEVER, 0, now, TIMEOUT)),
        new Bad("recoverOrphans with a zero nodeTimeout", List.of("nodeTimeout"),
            () -> c.recoverOrphans(NEVER, 1, now, Duration.ZERO)),
        new Bad("recoverOrphans at a now after " + Limits.MAX_INSTANT, List.of("now"),
            () -> c.recoverOrphans(NEVER, 1, afterMax, TIMEOUT)),
        new Bad("removeDeadNodes with a negative nodeTimeout", List.of("nodeTimeout"),
            () -> c.removeDeadNodes(NEVER, 1, now, negative)),
        new Bad("removeDeadNodes with a blank name", List.of("name"), () -> c.removeDeadNodes(" ", 1, now, TIMEOUT)),
        new Bad("purge with no statuses", List.of("statuses"), () -> c.purge(NEVER, 1, Set.of(), now, now)),
        new Bad("purge of READY jobs", List.of("statuses"), () -> c.purge(NEVER, 1, Set.of(JobStatus.READY), now, now)),
        new Bad("purge with a finishedBefore before " + Limits.MIN_INSTANT, List.of("finishedBefore"),
            () -> c.purge(NEVER, 1, done, beforeMin, now)),
        new Bad("purge with term -5", List.of("term"), () -> c.purge(NEVER, -5, done, now, now)),
        new Bad("purge at a now after " + Limits.MAX_INSTANT, List.of("now"), () -> c.purge(NEVER, 1, done, now, afterMax)),
        new Bad("purge with null statuses", List.of(), () -> c.purge(NEVER, 1, null, now, now)));
    World before = world(c);
    for (Bad bad : calls) {
      Throwable thrown = catchThrowable(bad.call()::run);
      if (bad.fields().isEmpty()) {
        assertThat(thrown).as(bad.description()).isInstanceOfAny(NullPointerException.class,
            IllegalArgumentException.class);
      } else {
        assertThat(thrown).as(bad.description()).isInstanceOf(IllegalArgumentException.class);
        String message = String.valueOf(thrown.getMessage());
        assertThat(bad.fields().stream()
            .anyMatch(f -> Pattern.compile("\\b" + Pattern.quote(f) + "\\b").matcher(message).find()))
            .as("the message of %s names %s: %s", bad.description(), bad.fields(), message).isTrue();
      }
    }
    assertUnchanged(before, c, "the refused calls");
    assertThat(c.leader(NEVER)).as("the lease named in refused calls").isEmpty();
  }

  @Override
  @Test
  public void optional_crd22_aClosedDriverRefusesEveryCall() {
    Coordination c = crd();
    Instant now = clock.instant();
    c.acquire(NAME, A, now, TTL);
    driver().close();
    NodeInfo a = node(A);
    List<Runnable> calls = List.of(
        () -> c.register(a, now),
        () -> c.heartbeat(A, now),
        () -> c.deregister(A),
        () -> c.nodes(now, TIMEOUT),
        () -> c.acquire(NAME, A, now, TTL),
        () -> c.renew(NAME, A, 1, now, TTL),
        () -> c.resign(NAME, A, 1, now),
        () -> c.leader(NAME),
        () -> c.recoverOrphans(NAME, 1, now, TIMEOUT),
        () -> c.removeDeadNodes(NAME, 1, now, TIMEOUT),
        () -> c.purge(NAME, 1, EnumSet.of(JobStatus.DONE), now, now),
        c::serverTime);
    for (int i = 0; i < calls.size(); i++) {
      assertThat(catchThrowable(calls.get(i)::run)).as("call %d of the extension after close", i + 1)
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Override
  @Test
  public void optional_crd23_theExtensionIsStableAndServerTimeIsRead() {
    Coordination c = crd();
    assertThat(driver().extension(Coordination.class)).get().isSameAs(c);

    Instant server = c.serverTime();
    Instant local = Instant.now();

    assertThat(server).isNotNull();
    assertThat(server.truncatedTo(ChronoUnit.MICROS)).as("microsecond precision").isEqualTo(server);
    assertThat(Duration.between(server, local).abs()).as("distance of serverTime from the JVM's clock")
        .isLessThan(Duration.ofDays(1));
  }

  @Override
  @Test
  public void untested_crd24_theFenceAndTheWriteAreAtomic() {
    assumeExtension();
    notVerified();
  }

  // ------------------------------------------------------------------------------------------------ racing

  /** Runs every task on its own thread, all released at once; returns their results in task order. */
  private static <T> List<T> race(List<Callable<T>> tasks) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size(), r -> {
      Thread t = new Thread(r, "tck-candidate");
      t.setDaemon(true);
      return t;
    });
    CountDownLatch ready = new CountDownLatch(tasks.size());
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          return task.call();
        }));
      }
      ready.await(RACE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      go.countDown();
      long deadline = System.nanoTime() + RACE_TIMEOUT.toNanos();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        try {
          results.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
          throw new AssertionError("racing candidates did not finish within " + RACE_TIMEOUT + ": a deadlock?", e);
        } catch (ExecutionException e) {
          throw new AssertionError("a racing candidate failed: " + e.getCause(), e.getCause());
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
