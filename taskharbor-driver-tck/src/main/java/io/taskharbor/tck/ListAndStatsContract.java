package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.OTHER_QUEUE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.Page;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.LeasedJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** list filters and pages by id with a cursor; stats count a queue's jobs by status at an instant. */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class ListAndStatsContract extends TckGroup implements ListAndStatsRules {

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected ListAndStatsContract(DriverTck tck) {
    super(tck);
  }

  private List<JobId> ids(JobQuery query) {
    return driver().list(query).items().stream().map(JobRecord::id).toList();
  }

  /** Enqueues jobs numbered {@code from} until {@code to} (exclusive), in a shuffled order, and returns their ids. */
  private List<JobId> enqueueNumbered(String queue, int from, int to) {
    List<JobId> ids = new ArrayList<>();
    for (int i = from; i < to; i++) {
      ids.add(Jobs.id(i));
    }
    List<JobId> shuffled = new ArrayList<>(ids);
    Collections.shuffle(shuffled, new Random(42));
    for (JobId id : shuffled) {
      fx.enqueue(Jobs.job(queue, id));
    }
    return ids;
  }

  /** Follows every page of {@code query} and returns the pages' sizes, adding every item to {@code seen}. */
  private List<Integer> pageSizes(JobQuery.Builder query, List<JobId> seen) {
    List<Integer> sizes = new ArrayList<>();
    String cursor = null;
    do {
      Page<JobRecord> page = driver().list(query.cursor(cursor).build());
      sizes.add(page.items().size());
      page.items().forEach(r -> seen.add(r.id()));
      assertThat(page.hasNext()).isEqualTo(page.nextCursor() != null);
      cursor = page.nextCursor();
      assertThat(sizes).as("pages followed").hasSizeLessThan(1000);
    } while (cursor != null);
    return sizes;
  }

  @Override
  @Test
  public void required_lst01_listReturnsEveryJobOrderedById() {
    List<JobId> ids = enqueueNumbered(QUEUE, 1, 7);
    LeasedJob leased = fx.reserveOne(QUEUE);

    List<JobRecord> listed = driver().list(JobQuery.all()).items();

    assertThat(listed).extracting(JobRecord::id).containsExactlyElementsOf(ids);
    for (JobRecord r : listed) {
      JobRecords.assertJob(r, fx.get(r.id()));
    }
    assertThat(listed).filteredOn(r -> r.id().equals(leased.id())).singleElement()
        .satisfies(r -> assertThat(r.status()).isEqualTo(JobStatus.INFLIGHT));
    assertThat(driver().list(JobQuery.all()).nextCursor()).isNull();
  }

  @Override
  @Test
  public void required_lst02_listFiltersByQueue() {
    List<JobId> mine = enqueueNumbered(QUEUE, 1, 4);
    List<JobId> other = enqueueNumbered(OTHER_QUEUE, 4, 6);

    assertThat(ids(JobQuery.builder().queue(QUEUE).build())).containsExactlyElementsOf(mine);
    assertThat(ids(JobQuery.builder().queue(OTHER_QUEUE).build())).containsExactlyElementsOf(other);
    assertThat(ids(JobQuery.builder().queue("tck.none").build())).isEmpty();
  }

  @Override
  @Test
  public void required_lst03_listFiltersByStatuses() {
    JobId ready = fx.jobIn(JobFixture.State.READY, QUEUE);
    JobId done = fx.jobIn(JobFixture.State.DONE, OTHER_QUEUE);
    JobId dlq = fx.jobIn(JobFixture.State.DLQ, OTHER_QUEUE);
    JobId canceled = fx.jobIn(JobFixture.State.CANCELED, QUEUE);
    JobId inflight = fx.jobIn(JobFixture.State.INFLIGHT, "tck.inflight");

    assertThat(ids(JobQuery.builder().status(JobStatus.READY).build())).containsExactly(ready);
    assertThat(ids(JobQuery.builder().status(JobStatus.INFLIGHT).build())).containsExactly(inflight);
    assertThat(ids(JobQuery.builder().status(JobStatus.DONE, JobStatus.DLQ).build())).containsExactly(done, dlq);
    assertThat(ids(JobQuery.builder().status(JobStatus.CANCELED, JobStatus.READY).build()))
        .containsExactly(ready, canceled);
  }

  @Override
  @Test
  public void required_lst04_listFiltersByType() {
    JobId email = fx.enqueueOne(Jobs.builder(QUEUE).type("email").build());
    JobId sms = fx.enqueueOne(Jobs.builder(QUEUE).type("sms").build());
    JobId email2 = fx.enqueueOne(Jobs.builder(OTHER_QUEUE).type("email").build());

    assertThat(ids(JobQuery.builder().type("email").build())).containsExactly(email, email2);
    assertThat(ids(JobQuery.builder().type("sms").build())).containsExactly(sms);
    assertThat(ids(JobQuery.builder().type("EMAIL").build())).isEmpty();
  }

  @Override
  @Test
  public void required_lst05_listCombinesFilters() {
    JobId match = fx.enqueueOne(Jobs.builder(QUEUE).type("email").build());
    fx.enqueue(Jobs.builder(OTHER_QUEUE).type("email").build(), Jobs.builder(QUEUE).type("sms").build());
    JobId doneEmail = fx.jobIn(JobFixture.State.DONE, Jobs.builder("tck.done").type("email"));

    assertThat(ids(JobQuery.builder().queue(QUEUE).type("email").status(JobStatus.READY).build()))
        .containsExactly(match);
    assertThat(ids(JobQuery.builder().queue("tck.done").type("email").status(JobStatus.DONE).build()))
        .containsExactly(doneEmail);
    assertThat(ids(JobQuery.builder().queue(QUEUE).type("email").status(JobStatus.DONE).build())).isEmpty();
  }

  @Override
  @Test
  public void required_lst06_cursorPagingVisitsEveryJobOnce() {
    List<JobId> ids = enqueueNumbered(QUEUE, 100, 125);
    List<JobId> seen = new ArrayList<>();

    assertThat(pageSizes(JobQuery.builder().limit(10), seen)).containsExactly(10, 10, 5);
    assertThat(seen).containsExactlyElementsOf(ids);
  }

  @Override
  @Test
  public void required_lst07_aFullLastPageHasNoNextCursor() {
    List<JobId> ids = enqueueNumbered(QUEUE, 1, 21);
    List<JobId> seen = new ArrayList<>();

    assertThat(pageSizes(JobQuery.builder().limit(10), seen)).containsExactly(10, 10);
    assertThat(seen).containsExactlyElementsOf(ids);
    Page<JobRecord> one = driver().list(JobQuery.builder().limit(20).build());
    assertThat(one.items()).hasSize(20);
    assertThat(one.nextCursor()).isNull();
  }

  @Override
  @Test
  public void required_lst08_pagingSeesInsertsBeyondTheCursorOnly() {
    List<JobId> ids = enqueueNumbered(QUEUE, 100, 125);
    Page<JobRecord> first = driver().list(JobQuery.builder().limit(10).build());
    assertThat(first.items()).extracting(JobRecord::id).containsExactlyElementsOf(ids.subList(0, 10));
    JobId before = Jobs.id(50);
    JobId after = Jobs.id(500);
    fx.enqueue(Jobs.job(QUEUE, before), Jobs.job(QUEUE, after));

    List<JobId> seen = new ArrayList<>();
    String cursor = first.nextCursor();
    while (cursor != null) {
      Page<JobRecord> page = driver().list(JobQuery.builder().limit(10).cursor(cursor).build());
      page.items().forEach(r -> seen.add(r.id()));
      cursor = page.nextCursor();
    }

    List<JobId> expected = new ArrayList<>(ids.subList(10, 25));
    expected.add(after);
    assertThat(seen).containsExactlyElementsOf(expected);
    assertThat(driver().get(before)).isPresent();
  }

  @Override
  @Test
  public void required_lst09_filteredPagingHasNoGapsOrRepeats() {
    List<JobId> mine = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String queue = i % 3 == 0 ? OTHER_QUEUE : QUEUE;
      fx.enqueue(Jobs.job(queue, Jobs.id(1000 + i)));
      if (queue.equals(QUEUE)) {
        mine.add(Jobs.id(1000 + i));
      }
    }
    List<JobId> seen = new ArrayList<>();

    assertThat(pageSizes(JobQuery.builder().queue(QUEUE).limit(7), seen)).containsExactly(7, 7, 6);
    assertThat(seen).containsExactlyElementsOf(mine);
  }

  @Override
  @Test
  public void required_lst10_anEmptyListingHasNoCursor() {
    Page<JobRecord> empty = driver().list(JobQuery.all());
    assertThat(empty.items()).isEmpty();
    assertThat(empty.nextCursor()).isNull();

    fx.enqueue(Jobs.job(QUEUE));
    Page<JobRecord> none = driver().list(JobQuery.builder().status(JobStatus.DLQ).build());
    assertThat(none.items()).isEmpty();
    assertThat(none.nextCursor()).isNull();
  }

  @Override
  @Test
  public void required_lst11_statsCountEveryStatus() {
    Instant now = clock.instant();
    fx.enqueue(Jobs.job(QUEUE), Jobs.builder(QUEUE).runAt(now).build(),
        Jobs.builder(QUEUE).runAt(now.minusSeconds(5)).build());
    fx.enqueue(Jobs.builder(QUEUE).runAt(now.plusNanos(1_000)).build(),
        Jobs.builder(QUEUE).runAt(now.plusSeconds(60)).build());
    fx.reserve(QUEUE, 2);
    fx.jobIn(JobFixture.State.DONE, Jobs.builder(QUEUE).priority(10));
    fx.jobIn(JobFixture.State.DLQ, Jobs.builder(QUEUE).priority(10));
    fx.jobIn(JobFixture.State.DLQ, Jobs.builder(QUEUE).priority(10));
    fx.jobIn(JobFixture.State.CANCELED, QUEUE);
    fx.enqueue(Jobs.job(OTHER_QUEUE));

    QueueStats stats = driver().stats(QUEUE, now);

    assertThat(stats).isEqualTo(new QueueStats(QUEUE, 1, 2, 2, 1, 2, 1));
    assertThat(stats.total()).isEqualTo(driver().list(JobQuery.builder().queue(QUEUE).build()).items().size());
  }

  @Override
  @Test
  public void required_lst12_statsOfAnEmptyQueueAreZero() {
    fx.enqueue(Jobs.job(OTHER_QUEUE));
    assertThat(driver().stats(QUEUE, clock.instant())).isEqualTo(new QueueStats(QUEUE, 0, 0, 0, 0, 0, 0));
  }

  @Override
  @Test
  public void required_lst13_statsCountExpiredLeasesAsInflight() {
    LeasedJob leased = fx.reserve(fx.enqueueOne(Jobs.job(QUEUE)));

    assertThat(driver().stats(QUEUE, leased.leaseExpiresAt().plusSeconds(60)))
        .isEqualTo(new QueueStats(QUEUE, 0, 0, 1, 0, 0, 0));
  }

  @Override
  @Test
  public void required_lst14_statsChangeNothing() {
    JobId id = fx.enqueueOne(Jobs.builder(QUEUE).maxAttempts(1).build());
    LeasedJob leased = fx.reserve(id);

    driver().stats(QUEUE, leased.leaseExpiresAt().plus(Duration.ofHours(1)));

    JobRecords.assertJob(fx.get(id), leased.job());
  }

  @Override
  @Test
  public void required_lst15_listShowsTheCurrentState() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    Set<JobStatus> seen = new HashSet<>();
    LeasedJob leased = fx.reserve(id);
    seen.add(driver().list(JobQuery.builder().status(JobStatus.INFLIGHT).build()).items().get(0).status());
    fx.retry(leased, null);
    seen.add(driver().list(JobQuery.builder().status(JobStatus.READY).build()).items().get(0).status());
    fx.ack(fx.reserve(id));
    JobRecord listed = driver().list(JobQuery.builder().status(JobStatus.DONE).build()).items().get(0);
    seen.add(listed.status());

    JobRecords.assertJob(listed, fx.get(id));
    assertThat(seen).containsExactlyInAnyOrder(JobStatus.INFLIGHT, JobStatus.READY, JobStatus.DONE);
  }

  @Override
  @Test
  public void required_lst16_listFiltersByTheNodeThatLeased() {
    List<JobId> ids = enqueueNumbered(QUEUE, 1, 8);
    fx.enqueue(Jobs.job(OTHER_QUEUE, Jobs.id(20)));
    Instant now = clock.instant();
    List<LeasedJob> byA = driver().reserve(QUEUE, 3, now, JobFixture.LEASE, "node-a");
    List<LeasedJob> byB = driver().reserve(QUEUE, 2, now, JobFixture.LEASE, "node-b");
    driver().reserve(QUEUE, 1, now, JobFixture.LEASE);
    LeasedJob otherByA = driver().reserve(OTHER_QUEUE, 1, now, JobFixture.LEASE, "node-a").get(0);
    fx.ack(byA.get(0));
    assertThat(byA).extracting(LeasedJob::id).containsExactlyElementsOf(ids.subList(0, 3));
    assertThat(byB).extracting(LeasedJob::id).containsExactlyElementsOf(ids.subList(3, 5));

    assertThat(ids(JobQuery.builder().leasedBy("node-a").build()))
        .containsExactly(ids.get(0), ids.get(1), ids.get(2), otherByA.id());
    assertThat(ids(JobQuery.builder().leasedBy("node-b").build())).containsExactlyElementsOf(ids.subList(3, 5));
    assertThat(ids(JobQuery.builder().leasedBy("node-a").status(JobStatus.INFLIGHT).queue(QUEUE).build()))
        .containsExactly(ids.get(1), ids.get(2));
    assertThat(ids(JobQuery.builder().leasedBy("node-a").status(JobStatus.DONE).build())).containsExactly(ids.get(0));
    assertThat(ids(JobQuery.builder().leasedBy("node-c").build())).isEmpty();
    assertThat(ids(JobQuery.builder().leasedBy("NODE-A").build())).isEmpty();
    List<JobId> seen = new ArrayList<>();
    assertThat(pageSizes(JobQuery.builder().leasedBy("node-a").limit(3), seen)).containsExactly(3, 1);
    assertThat(seen).containsExactly(ids.get(0), ids.get(1), ids.get(2), otherByA.id());
    for (JobRecord r : driver().list(JobQuery.builder().leasedBy("node-b").build()).items()) {
      JobRecords.assertJob(r, fx.get(r.id()));
      assertThat(r.leasedBy()).isEqualTo("node-b");
      assertThat(r.startedAt()).isEqualTo(now);
    }
  }
}
