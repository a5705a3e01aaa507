package io.taskharbor.micrometer;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobRequest;
import io.taskharbor.engine.Backoff;
import io.taskharbor.engine.PermanentFailure;
import io.taskharbor.engine.Snooze;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus text after a known sequence of jobs on the memory driver: every line of every TaskHarbor metric,
 * with its labels and value, the histograms' buckets, and the HELP and TYPE of each family.
 */
class TaskHarborMetricsScrapeTest {

  record Work(int n) {}

  /** The system clock, unless pinned to an instant. */
  static final class PinnableClock implements InstantSource {
    volatile @Nullable Instant pinned;

    @Override
    public Instant instant() {
      Instant p = pinned;
      return p != null ? p : Instant.now();
    }
  }

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final TestDriver driver = TestDriver.withStatistics();
  private final PinnableClock clock = new PinnableClock();
  private final CountDownLatch release = new CountDownLatch(1);
  private @Nullable TaskHarborMetrics metrics;
  private @Nullable TaskHarbor harbor;
  private @Nullable Worker worker;

  @AfterEach
  void tearDown() {
    release.countDown();
    if (worker != null) {
      worker.close();
    }
    if (harbor != null) {
      harbor.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    driver.close();
  }

  @Test
  @DisplayName("after a known sequence of jobs, every metric line has the expected labels and value")
  void everyLineAfterAKnownSequence() throws Exception {
    TaskHarborMetrics m = TaskHarborMetrics.builder(registry).gaugeRefreshInterval(Duration.ofHours(1)).build();
    metrics = m;
    TaskHarbor h = TaskHarbor.builder().driver(driver).clock(clock).listener(m).build();
    harbor = h;
    m.bindTo(h);
    // The timer's first read starts at once; let it finish on the empty store, so no later job shows in it.
    Scrape.await("the first timed read", () -> Scrape.of(registry), s -> driver.count("liveJobs") == 1);

    Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(20));
    Instant refreshAt = t0.plusSeconds(750);

    // Jobs a worker runs, on queue "work".
    enqueue(h, "mail.send", 0, b -> b.idempotencyKey("welcome-ada"));
    enqueue(h, "mail.send", 1, b -> { });
    enqueue(h, "mail.send", 2, b -> { });
    EnqueueResult duplicate = enqueue(h, "mail.send", 3, b -> b.idempotencyKey("welcome-ada"));
    assertThat(duplicate.created()).as("the key is taken: the enqueue stores nothing").isFalse();
    enqueue(h, "report.build", 0, b -> { });
    enqueue(h, "report.build", 1, b -> { });
    enqueue(h, "sms.send", 0, b -> b.maxAttempts(2));
    enqueue(h, "sms.send", 1, b -> b.maxAttempts(2));
    enqueue(h, "digest.send", 0, b -> { });
    enqueue(h, "video.encode", 0, b -> { });
    // Jobs of queue "later", which no worker serves: two due since t0, one scheduled after the refresh.
    h.enqueue(JobRequest.builder("invoice.create", new Work(0)).queue("later").runAt(t0).build());
    h.enqueue(JobRequest.builder("invoice.create", new Work(1)).queue("later").runAt(t0.plusSeconds(60)).build());
    h.enqueue(JobRequest.builder("invoice.create", new Work(2)).queue("later").runAt(refreshAt.plus(Duration.ofHours(1)))
        .build());

    AtomicBoolean snoozedOnce = new AtomicBoolean();
    CountDownLatch videoStarted = new CountDownLatch(1);
    Worker w = h.newWorker().queues("work").concurrency(4).pollInterval(Duration.ofMillis(10))
        .backoff(Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(1)))
        .handle("mail.send", Work.class, job -> { })
        .handle("report.build", Work.class, job -> {
          Thread.sleep(150); // every execution of this type lands above the first bucket, 0.1 s
          if (job.attempt() == 1) {
            throw new IllegalStateException("the first attempt fails");
          }
        })
        .handle("sms.send", Work.class, job -> {
          if (job.payload().n() == 1) {
            throw new PermanentFailure("no such number");
          }
          throw new IllegalStateException("the gateway is down");
        })
        .handle("digest.send", Work.class, job -> {
          if (snoozedOnce.compareAndSet(false, true)) {
            throw new Snooze(Duration.ofMillis(10));
          }
        })
        .handle("video.encode", Work.class, job -> {
          videoStarted.countDown();
          release.await(20, TimeUnit.SECONDS);
        })
        .build();
    worker = w;
    w.start();
    assertThat(videoStarted.await(20, TimeUnit.SECONDS)).isTrue();
    Scrape.await("every job but the video to finish", () -> Scrape.of(registry), s ->
        s.samples.getOrDefault("tasks_completed_total{status=\"success\",type=\"digest.send\"}", "").equals("1.0")
            && s.samples.getOrDefault("tasks_completed_total{status=\"success\",type=\"mail.send\"}", "").equals("3.0")
            && s.samples.getOrDefault("tasks_completed_total{status=\"success\",type=\"report.build\"}", "")
                .equals("2.0")
            && s.samples.getOrDefault("tasks_completed_total{status=\"failed\",type=\"sms.send\"}", "").equals("2.0"));

    clock.pinned = refreshAt;
    try {
      m.refreshNow();
    } finally {
      clock.pinned = null;
    }
    Scrape s = Scrape.of(registry);

    assertThat(s.of("tasks_enqueued_total")).as(s.text).containsExactlyInAnyOrderEntriesOf(Map.of(
        "tasks_enqueued_total{type=\"mail.send\"}", "3.0",
        "tasks_enqueued_total{type=\"report.build\"}", "2.0",
        "tasks_enqueued_total{type=\"sms.send\"}", "2.0",
        "tasks_enqueued_total{type=\"digest.send\"}", "1.0",
        "tasks_enqueued_total{type=\"video.encode\"}", "1.0",
        "tasks_enqueued_total{type=\"invoice.create\"}", "3.0"));
    assertThat(s.of("tasks_completed_total")).as(s.text).containsExactlyInAnyOrderEntriesOf(Map.of(
        "tasks_completed_total{status=\"success\",type=\"mail.send\"}", "3.0",
        "tasks_completed_total{status=\"success\",type=\"report.build\"}", "2.0",
        "tasks_completed_total{status=\"success\",type=\"digest.send\"}", "1.0",
        "tasks_completed_total{status=\"failed\",type=\"sms.send\"}", "2.0"));
    assertThat(s.of("task_retries_total")).as(s.text).containsExactlyInAnyOrderEntriesOf(Map.of(
        "task_retries_total{attempt=\"1\",type=\"report.build\"}", "2.0",
        "task_retries_total{attempt=\"1\",type=\"sms.send\"}", "1.0"));
    assertThat(s.of("tasks_dead_letter_total")).as(s.text).containsExactlyInAnyOrderEntriesOf(Map.of(
        "tasks_dead_letter_total{type=\"sms.send\"}", "2.0"));
    // From the aggregate read: every type of a live job, including those with none in this state.
    assertThat(s.of("tasks_pending")).as(s.text).containsExactlyInAnyOrderEntriesOf(Map.of(
        "tasks_pending{type=\"invoice.create\"}", "2.0",
        "tasks_pending{type=\"video.encode\"}", "0.0"));
    assertThat(s.of("tasks_running")).as(s.text).containsExactlyInAnyOrderEntriesOf(Map.of(
        "tasks_running{type=\"invoice.create\"}", "0.0",
        "tasks_running{type=\"video.encode\"}", "1.0"));
    assertThat(s.of("worker_pool_active", "worker_pool_capacity")).as(s.text).containsExactlyInAnyOrderEntriesOf(
        Map.of("worker_pool_active", "1.0", "worker_pool_capacity", "4.0"));
    assertThat(s.of("taskharbor_queue_depth")).as(s.text).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        entry("taskharbor_queue_depth{queue=\"later\",state=\"ready\"}", "2.0"),
        entry("taskharbor_queue_depth{queue=\"later\",state=\"scheduled\"}", "1.0"),
        entry("taskharbor_queue_depth{queue=\"later\",state=\"inflight\"}", "0.0"),
        entry("taskharbor_queue_depth{queue=\"work\",state=\"ready\"}", "0.0"),
        entry("taskharbor_queue_depth{queue=\"work\",state=\"scheduled\"}", "0.0"),
        entry("taskharbor_queue_depth{queue=\"work\",state=\"inflight\"}", "1.0")));
    assertThat(s.of("taskharbor_queue_oldest_due_age_seconds")).as(s.text).containsExactlyInAnyOrderEntriesOf(Map.of(
        "taskharbor_queue_oldest_due_age_seconds{queue=\"later\"}", "750.0",
        "taskharbor_queue_oldest_due_age_seconds{queue=\"work\"}", "0.0"));
    // Nothing happened that these count, and outside distributed mode there is no leader and no node registry.
    assertThat(s.of("taskharbor_leases_lost_total", "taskharbor_completions_refused_total",
        "taskharbor_storage_errors_total", "leader_status", "workers_total", "taskharbor_leader_term"))
        .as(s.text).isEmpty();

    // task_duration_seconds: every execution that ended (a snooze and a failure are executions too). A bucket counts
    // the executions that took at most its bound: report.build sleeps 150 ms, so none of its fall in le="0.1"; the
    // other handlers return at once, but how fast depends on the machine, so only the buckets from 2.5 s up are
    // exact for them.
    Map<String, Integer> executions = Map.of("mail.send", 3, "report.build", 4, "sms.send", 3, "digest.send", 2);
    List<String> durationBounds = List.of("0.1", "0.5", "1.0", "2.5", "5.0", "10.0", "30.0", "60.0", "300.0", "600.0",
        "+Inf");
    assertThat(s.filter(series -> series.startsWith("task_duration_seconds_count"))).as(s.text)
        .containsOnlyKeys(executions.keySet().stream().map(t -> "task_duration_seconds_count{type=\"" + t + "\"}")
            .toList());
    executions.forEach((type, count) -> {
      String label = "type=\"" + type + "\"";
      assertThat(s.bucketBounds("task_duration_seconds", label)).as(type).containsExactlyElementsOf(durationBounds);
      long previous = 0;
      for (String le : durationBounds) {
        String printed = s.samples.get("task_duration_seconds_bucket{" + label + ",le=\"" + le + "\"}");
        long bucket = Long.parseLong(printed);
        assertThat(bucket).as("%s le=%s in%n%s", type, le, s.text).isBetween(previous, (long) count);
        if (List.of("2.5", "5.0", "10.0", "30.0", "60.0", "300.0", "600.0", "+Inf").contains(le)) {
          assertThat(bucket).as("%s le=%s in%n%s", type, le, s.text).isEqualTo((long) count);
        }
        previous = bucket;
      }
      assertThat(s.samples.get("task_duration_seconds_count{" + label + "}")).isEqualTo(Integer.toString(count));
      assertThat(s.value("task_duration_seconds_max{" + label + "}")).isPositive().isLessThan(2.5);
    });
    assertThat(s.samples.get("task_duration_seconds_bucket{type=\"report.build\",le=\"0.1\"}")).isEqualTo("0");
    assertThat(s.value("task_duration_seconds_sum{type=\"report.build\"}")).isBetween(0.6, 10.0);
    assertThat(s.value("task_duration_seconds_max{type=\"report.build\"}")).isGreaterThanOrEqualTo(0.15);

    // task_claim_duration_seconds: one sample per reserve call, the Prometheus clients' default buckets.
    List<String> claimBounds = List.of("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0",
        "10.0", "+Inf");
    assertThat(s.bucketBounds("task_claim_duration_seconds", "")).containsExactlyElementsOf(claimBounds);
    double claims = s.value("task_claim_duration_seconds_count");
    assertThat(claims).isGreaterThanOrEqualTo(1).isLessThanOrEqualTo(driver.count("reserve"));
    assertThat(s.value("task_claim_duration_seconds_bucket{le=\"+Inf\"}")).isEqualTo(claims);
    double previous = 0;
    for (String le : claimBounds) {
      double bucket = s.value("task_claim_duration_seconds_bucket{le=\"" + le + "\"}");
      assertThat(bucket).as("le=%s", le).isGreaterThanOrEqualTo(previous);
      previous = bucket;
    }

    // The seed's descriptions and the Prometheus types.
    assertThat(s.help).contains(
        entry("tasks_enqueued_total", "Total tasks added to the queue"),
        entry("tasks_completed_total", "Total tasks finished (success or failed)"),
        entry("task_retries_total", "Total retry attempts across all tasks"),
        entry("tasks_dead_letter_total", "Tasks that exceeded max retries"),
        entry("tasks_pending", "Current pending tasks by type"),
        entry("tasks_running", "Currently executing tasks by type"),
        entry("worker_pool_active", "Number of threads currently processing tasks"),
        entry("worker_pool_capacity", "Total worker pool size (= WORKER_POOL_SIZE)"),
        entry("task_duration_seconds", "Task execution duration"),
        entry("task_claim_duration_seconds", "Time to execute claim query"));
    assertThat(s.type).contains(
        entry("tasks_enqueued_total", "counter"), entry("tasks_completed_total", "counter"),
        entry("task_retries_total", "counter"), entry("tasks_dead_letter_total", "counter"),
        entry("tasks_pending", "gauge"), entry("tasks_running", "gauge"), entry("worker_pool_active", "gauge"),
        entry("worker_pool_capacity", "gauge"), entry("taskharbor_queue_depth", "gauge"),
        entry("taskharbor_queue_oldest_due_age_seconds", "gauge"), entry("task_duration_seconds", "histogram"),
        entry("task_claim_duration_seconds", "histogram"));

    // The video ends: the pool is idle again, and the next read sees no live job of "work".
    release.countDown();
    Scrape done = Scrape.await("the video to finish", () -> Scrape.of(registry), x ->
        x.samples.getOrDefault("tasks_completed_total{status=\"success\",type=\"video.encode\"}", "").equals("1.0"));
    assertThat(done.value("worker_pool_active")).isZero();
    m.refreshNow();
    Scrape after = Scrape.of(registry);
    assertThat(after.value("tasks_running{type=\"video.encode\"}")).as("a type seen once stays, at 0").isZero();
    assertThat(after.value("taskharbor_queue_depth{queue=\"work\",state=\"inflight\"}")).isZero();
    assertThat(after.value("tasks_pending{type=\"invoice.create\"}")).isEqualTo(2);
  }

  private static EnqueueResult enqueue(TaskHarbor harbor, String type, int n,
      java.util.function.Consumer<JobRequest.Builder> options) {
    JobRequest.Builder b = JobRequest.builder(type, new Work(n)).queue("work");
    options.accept(b);
    return harbor.enqueue(b.build());
  }
}
