package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.LEASE;
import static io.taskharbor.tck.JobFixture.OTHER_QUEUE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.Limits;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.LiveJobs;
import io.taskharbor.spi.Statistics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The {@link Statistics} extension: {@code liveJobs(now)} counts every queue's live jobs by type and finds each
 * queue's oldest due job, in one read. Every test is skipped, by name, for a driver without the extension.
 */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class StatisticsContract extends TckGroup implements StatisticsRules {

  private static final Duration MICRO = Duration.ofNanos(1_000);

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected StatisticsContract(DriverTck tck) {
    super(tck);
  }

  private Statistics sta() {
    Assumptions.assumeTrue(driver().extension(Statistics.class).isPresent(),
        "driver offers no extension Statistics: test skipped by design");
    return driver().extension(Statistics.class).orElseThrow();
  }

  private static LiveJobs.Group group(String queue, String type, long ready, long scheduled, long inflight) {
    return new LiveJobs.Group(queue, type, ready, scheduled, inflight);
  }

  @Override
  @Test
  public void optional_sta01_liveJobsCountsEveryLiveJobByQueueAndType() {
    Statistics s = sta();
    Instant t0 = clock.instant();
    fx.enqueue(Jobs.builder(QUEUE).type("email").build(), Jobs.builder(QUEUE).type("email").build());
    assertThat(driver().reserve(QUEUE, 1, t0, Duration.ofSeconds(1))).hasSize(1);
    assertThat(driver().reserve(QUEUE, 1, t0, Duration.ofSeconds(60))).hasSize(1);
    fx.jobIn(JobFixture.State.DONE, Jobs.builder(QUEUE).type("sms"));
    fx.jobIn(JobFixture.State.DLQ, Jobs.builder(QUEUE).type("sms"));
    fx.jobIn(JobFixture.State.CANCELED, Jobs.builder(QUEUE).type("sms"));
    Instant t1 = clock.advance(Duration.ofSeconds(2));
    fx.enqueue(Jobs.builder(QUEUE).type("email").build(), Jobs.builder(QUEUE).type("email").runAt(t1).build(),
        Jobs.builder(QUEUE).type("email").runAt(t1.plus(MICRO)).build(),
        Jobs.builder(OTHER_QUEUE).type("email").runAt(t1.plusSeconds(3600)).build());

    LiveJobs live = s.liveJobs(t1);

    assertThat(live.at()).isEqualTo(t1);
    assertThat(live.groups()).containsExactly(group(QUEUE, "email", 2, 1, 2), group(OTHER_QUEUE, "email", 0, 1, 0));
  }

  @Override
  @Test
  public void optional_sta02_groupsAreOrderedByQueueThenType() {
    Statistics s = sta();
    List<String> inOrder = List.of("T-z", "t-a", "t-b", "t-é", "t-\uFFFD", "t-😀");
    for (String type : List.of("t-😀", "t-b", "t-\uFFFD", "T-z", "t-é", "t-a")) {
      fx.enqueue(Jobs.builder("tck.types").type(type).build());
    }
    fx.enqueue(Jobs.builder("tck.a").type("x").build(), Jobs.builder("tck.B").type("y").build());

    List<LiveJobs.Group> groups = s.liveJobs(clock.instant()).groups();

    assertThat(groups).extracting(LiveJobs.Group::queue).containsExactly("tck.B", "tck.a", "tck.types",
        "tck.types", "tck.types", "tck.types", "tck.types", "tck.types");
    assertThat(groups.subList(2, groups.size())).extracting(LiveJobs.Group::type).containsExactlyElementsOf(inOrder);
  }

  @Override
  @Test
  public void optional_sta03_oldestDueIsTheEarliestDueInstantPerQueue() {
    Statistics s = sta();
    Instant t0 = clock.instant();
    fx.reserve(fx.enqueueOne(Jobs.job(QUEUE)));
    Instant t1 = clock.advance(Duration.ofSeconds(10));
    fx.enqueue(Jobs.job(QUEUE), Jobs.builder(QUEUE).runAt(t0.plusSeconds(3)).build(),
        Jobs.builder(QUEUE).runAt(t1).build(), Jobs.builder(QUEUE).runAt(t1.plus(MICRO)).build());
    fx.enqueue(Jobs.builder(OTHER_QUEUE).runAt(t1.plusSeconds(1)).build());
    fx.enqueue(Jobs.builder("tck.exact").runAt(t1).build());

    Map<String, Instant> oldest = s.liveJobs(t1).oldestDue();

    assertThat(oldest).containsOnly(Map.entry(QUEUE, t0.plusSeconds(3)), Map.entry("tck.exact", t1));
    assertThat(s.liveJobs(t1.minus(MICRO)).oldestDue()).as("1µs earlier").containsOnly(
        Map.entry(QUEUE, t0.plusSeconds(3)));
  }

  @Override
  @Test
  public void optional_sta04_noLiveJobsNoGroups() {
    Statistics s = sta();
    LiveJobs empty = s.liveJobs(clock.instant());
    assertThat(empty.groups()).isEmpty();
    assertThat(empty.oldestDue()).isEmpty();

    fx.jobIn(JobFixture.State.DONE, QUEUE);
    fx.jobIn(JobFixture.State.DLQ, QUEUE);
    fx.jobIn(JobFixture.State.CANCELED, QUEUE);
    LiveJobs finished = s.liveJobs(clock.instant());
    assertThat(finished.groups()).isEmpty();
    assertThat(finished.oldestDue()).isEmpty();
  }

  @Override
  @Test
  public void optional_sta05_liveJobsChangesNothing() {
    Statistics s = sta();
    LeasedJob last = fx.reserve(fx.enqueueOne(Jobs.builder(QUEUE).maxAttempts(1).build()));
    JobId scheduled = fx.enqueueOne(Jobs.builder(QUEUE).runAt(clock.instant().plusSeconds(60)).build());
    JobRecord scheduledBefore = fx.get(scheduled);
    Instant expiry = last.leaseExpiresAt();

    assertThat(s.liveJobs(expiry).groups()).containsExactly(group(QUEUE, Jobs.TYPE, 0, 1, 1));
    assertThat(s.liveJobs(expiry.plusSeconds(3600)).groups()).containsExactly(group(QUEUE, Jobs.TYPE, 1, 0, 1));

    JobRecords.assertJob(fx.get(last.id()), last.job());
    JobRecords.assertJob(fx.get(scheduled), scheduledBefore);
  }

  @Override
  @Test
  public void optional_sta06_theCountsAgreeWithStats() {
    Statistics s = sta();
    Instant t0 = clock.instant();
    List<String> queues = List.of(QUEUE, OTHER_QUEUE, "tck.third");
    for (int i = 0; i < 24; i++) {
      String queue = queues.get(i % 3);
      Jobs.Builder job = Jobs.builder(queue).type("type-" + (i % 4));
      if (i % 5 == 1) {
        job.runAt(t0.plusSeconds(i));
      }
      fx.enqueue(job.build());
    }
    driver().reserve(QUEUE, 3, t0, LEASE);
    driver().reserve(OTHER_QUEUE, 1, t0, Duration.ofSeconds(5));
    fx.ack(fx.reserveOne("tck.third"));

    for (Instant at : List.of(t0, t0.plusSeconds(6), t0.plusSeconds(60))) {
      LiveJobs live = s.liveJobs(at);
      for (String queue : queues) {
        QueueStats stats = driver().stats(queue, at);
        List<LiveJobs.Group> mine = live.groups().stream().filter(g -> g.queue().equals(queue)).toList();
        assertThat(mine.stream().mapToLong(LiveJobs.Group::ready).sum()).as("ready of %s at %s", queue, at)
            .isEqualTo(stats.ready());
        assertThat(mine.stream().mapToLong(LiveJobs.Group::scheduled).sum()).as("scheduled of %s at %s", queue, at)
            .isEqualTo(stats.scheduled());
        assertThat(mine.stream().mapToLong(LiveJobs.Group::inflight).sum()).as("inflight of %s at %s", queue, at)
            .isEqualTo(stats.inflight());
      }
    }
  }

  @Override
  @Test
  public void optional_sta07_argumentsClosedStateAndStability() {
    Statistics s = sta();
    assertThat(driver().extension(Statistics.class)).get().isSameAs(s);
    Throwable bad = catchThrowable(() -> s.liveJobs(Limits.MIN_INSTANT.minus(MICRO)));
    assertThat(bad).isInstanceOf(IllegalArgumentException.class);
    assertThat(bad.getMessage()).containsPattern("\\bnow\\b");
    assertThat(catchThrowable(() -> s.liveJobs(null)))
        .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);

    driver().close();
    assertThat(catchThrowable(() -> s.liveJobs(clock.instant()))).isInstanceOf(IllegalStateException.class);
  }
}
