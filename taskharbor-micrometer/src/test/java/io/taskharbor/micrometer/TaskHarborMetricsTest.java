package io.taskharbor.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.taskharbor.api.DriverException;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStatus;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a scrape and a refresh cost (a scrape no driver call, a refresh one), what happens without the Statistics
 * extension and when a read fails, that a failure inside the metrics never reaches a worker, and the lifecycle.
 */
class TaskHarborMetricsTest {

  record Work(int n) {}

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T resource) {
    toClose.add(resource);
    return resource;
  }

  private TaskHarbor harbor(TestDriver driver, TaskHarborMetrics metrics) {
    closing(driver);
    closing(metrics);
    return closing(TaskHarbor.builder().driver(driver).listener(metrics).build());
  }

  private static Worker worker(TaskHarbor harbor, CountDownLatch release) {
    return harbor.newWorker().queues("work").concurrency(3).pollInterval(Duration.ofMillis(20))
        .handle("quick", Work.class, job -> { })
        .handle("slow", Work.class, job -> release.await(20, TimeUnit.SECONDS))
        .build();
  }

  private static void enqueue(TaskHarbor harbor, String type, int count) {
    for (int i = 0; i < count; i++) {
      harbor.enqueue(JobRequest.builder(type, new Work(i)).queue("work").build());
    }
  }

  private static List<String> metricsThreads() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
        .filter(n -> n.startsWith("taskharbor-metrics-")).toList();
  }

  @Test
  @DisplayName("a scrape, and 100 of them, make no driver call while a worker runs; the timer makes its one read")
  void aScrapeMakesNoDriverCall() throws Exception {
    TestDriver driver = TestDriver.withStatistics();
    TaskHarborMetrics metrics = TaskHarborMetrics.builder(registry).gaugeRefreshInterval(Duration.ofHours(1)).build();
    TaskHarbor harbor = harbor(driver, metrics);
    metrics.bindTo(harbor);
    CountDownLatch release = new CountDownLatch(1);
    Worker worker = closing(worker(harbor, release));
    toClose.add(release::countDown); // closed before the worker, which then stops at once
    enqueue(harbor, "quick", 5);
    enqueue(harbor, "slow", 2);
    worker.start();
    Scrape.await("two slow jobs running", () -> Scrape.of(registry), s -> s.has("worker_pool_active")
        && s.value("worker_pool_active") == 2 && s.has("tasks_completed_total"));
    metrics.refreshNow();
    long reads = driver.count("liveJobs");
    String scraper = Thread.currentThread().getName();
    int before = driver.calls.size();

    Scrape first = Scrape.of(registry);
    for (int i = 0; i < 100; i++) {
      registry.scrape();
    }

    assertThat(driver.count("liveJobs")).as("no read but the ones before the scrapes").isEqualTo(reads);
    assertThat(first.value("tasks_running{type=\"slow\"}")).isEqualTo(2);
    assertThat(first.value("worker_pool_capacity")).isEqualTo(3);
    assertThat(driver.calls.stream().skip(before).filter(c -> c.thread().equals(scraper)).toList())
        .as("calls on the scraping thread during the scrapes").isEmpty();
  }

  @Test
  @DisplayName("the timer reads once per interval, one driver call each, whatever the scrapes; refreshNow reads once")
  void oneReadPerInterval() throws Exception {
    TestDriver driver = TestDriver.withStatistics();
    TaskHarborMetrics metrics = TaskHarborMetrics.builder(registry).gaugeRefreshInterval(Duration.ofMillis(200))
        .build();
    TaskHarbor harbor = harbor(driver, metrics);
    enqueue(harbor, "quick", 3);
    long start = System.nanoTime();
    metrics.bindTo(harbor);
    long scrapes = 0;
    while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1100)) {
      registry.scrape();
      scrapes++;
    }
    metrics.close(); // stops the timer: no read after this
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    List<TestDriver.Call> timed = driver.callsOn("taskharbor-metrics-");
    assertThat(timed).as("every call of the timer's thread").allMatch(c -> c.method().equals("liveJobs"));
    assertThat(driver.count("liveJobs")).as("reads in %d ms at one per 200 ms, with %d scrapes", elapsedMillis, scrapes)
        .isEqualTo(timed.size()).isBetween(2L, elapsedMillis / 200 + 1);
    assertThat(driver.calls).as("nothing but reads").allMatch(c -> !c.thread().startsWith("taskharbor-metrics-")
        || c.method().equals("liveJobs"));

    TestDriver driver2 = TestDriver.withStatistics();
    TaskHarborMetrics once = TaskHarborMetrics.builder(registry).gaugeRefreshInterval(Duration.ofHours(1)).build();
    TaskHarbor harbor2 = harbor(driver2, once);
    once.bindTo(harbor2);
    Scrape.await("the first timed read", () -> Scrape.of(registry), s -> driver2.count("liveJobs") == 1);
    int before = driver2.calls.size();
    once.refreshNow();
    assertThat(driver2.calls.stream().skip(before).toList()).extracting(TestDriver.Call::method)
        .containsExactly("liveJobs");
  }

  @Test
  @DisplayName("without the Statistics extension: no timer, no read, no gauge of the queues; the counters count")
  void withoutStatistics() throws Exception {
    TestDriver driver = TestDriver.plain();
    TaskHarborMetrics metrics = TaskHarborMetrics.builder(registry).build();
    TaskHarbor harbor = harbor(driver, metrics);
    metrics.bindTo(harbor);
    assertThat(metricsThreads()).isEmpty();
    enqueue(harbor, "quick", 2);
    int before = driver.calls.size();
    metrics.refreshNow();
    assertThat(driver.calls).hasSize(before);

    Scrape s = Scrape.of(registry);
    assertThat(s.value("tasks_enqueued_total{type=\"quick\"}")).isEqualTo(2);
    assertThat(s.value("worker_pool_capacity")).isZero();
    assertThat(s.of("tasks_pending", "tasks_running", "taskharbor_queue_depth",
        "taskharbor_queue_oldest_due_age_seconds", "workers_total")).isEmpty();
  }

  @Test
  @DisplayName("queueGauges(false): no timer and no read even where the driver could")
  void queueGaugesOff() {
    TestDriver driver = TestDriver.withStatistics();
    TaskHarborMetrics metrics = TaskHarborMetrics.builder(registry).queueGauges(false).build();
    TaskHarbor harbor = harbor(driver, metrics);
    metrics.bindTo(harbor);
    metrics.refreshNow();
    assertThat(metricsThreads()).isEmpty();
    assertThat(driver.count("liveJobs")).isZero();
    assertThat(Scrape.of(registry).has("tasks_pending")).isFalse();
  }

  @Test
  @DisplayName("a failed read throws nowhere and keeps the last values; the next read that works replaces them")
  void aFailedReadKeepsTheLastValues() throws Exception {
    TestDriver driver = TestDriver.withStatistics();
    TaskHarborMetrics metrics = TaskHarborMetrics.builder(registry).gaugeRefreshInterval(Duration.ofHours(1)).build();
    TaskHarbor harbor = harbor(driver, metrics);
    metrics.bindTo(harbor);
    Scrape.await("the first timed read", () -> Scrape.of(registry), s -> driver.count("liveJobs") == 1);
    enqueue(harbor, "quick", 2);
    metrics.refreshNow();
    assertThat(Scrape.of(registry).value("tasks_pending{type=\"quick\"}")).isEqualTo(2);

    driver.liveJobsFailure = new DriverException("connection refused", null, true);
    enqueue(harbor, "quick", 3);
    assertThatCode(metrics::refreshNow).doesNotThrowAnyException();
    assertThatCode(metrics::refreshNow).doesNotThrowAnyException();
    Scrape stale = Scrape.of(registry);
    assertThat(stale.value("tasks_pending{type=\"quick\"}")).isEqualTo(2);
    assertThat(stale.value("taskharbor_queue_depth{queue=\"work\",state=\"ready\"}")).isEqualTo(2);

    driver.liveJobsFailure = null;
    metrics.refreshNow();
    assertThat(Scrape.of(registry).value("tasks_pending{type=\"quick\"}")).isEqualTo(5);
  }

  @Test
  @DisplayName("a registry that refuses a meter breaks no job and no other meter of the same event")
  void aFailureInsideTheMetricsNeverReachesTheWorker() throws Exception {
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public MeterFilterReply accept(Meter.Id id) {
        if (id.getName().equals(TaskHarborMetrics.COMPLETED) || id.getName().equals(TaskHarborMetrics.DURATION)) {
          throw new IllegalStateException("this registry refuses " + id.getName());
        }
        return MeterFilterReply.NEUTRAL;
      }
    });
    TestDriver driver = TestDriver.withStatistics();
    TaskHarborMetrics metrics = TaskHarborMetrics.builder(registry).gaugeRefreshInterval(Duration.ofHours(1)).build();
    TaskHarbor harbor = harbor(driver, metrics);
    metrics.bindTo(harbor);
    Worker worker = closing(harbor.newWorker().queues("work").concurrency(2).pollInterval(Duration.ofMillis(20))
        .handle("quick", Work.class, job -> { })
        .handle("doomed", Work.class, job -> {
          throw new io.taskharbor.engine.PermanentFailure("never works");
        })
        .build());
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(harbor.enqueue(JobRequest.builder("quick", new Work(i)).queue("work").build()).id());
    }
    JobId doomed = harbor.enqueue(JobRequest.builder("doomed", new Work(9)).queue("work").build()).id();
    worker.start();

    Scrape s = Scrape.await("the dead letter counted", () -> Scrape.of(registry),
        x -> x.has("tasks_dead_letter_total"));
    Scrape.await("every job finished", () -> Scrape.of(registry), x -> worker.metrics().succeeded() == 4);
    for (JobId id : ids) {
      assertThat(harbor.get(id)).get().extracting(JobRecord::status).isEqualTo(JobStatus.DONE);
    }
    assertThat(harbor.get(doomed)).get().extracting(JobRecord::status).isEqualTo(JobStatus.DLQ);
    // The dead letter's other counter, in the same event as the refused tasks_completed_total, still counts.
    assertThat(s.value("tasks_dead_letter_total{type=\"doomed\"}")).isEqualTo(1);
    assertThat(s.value("tasks_enqueued_total{type=\"quick\"}")).isEqualTo(4);
    assertThat(s.of("tasks_completed_total", "task_duration_seconds_count")).isEmpty();
    JobRecord record = harbor.get(ids.get(0)).orElseThrow();
    assertThatCode(() -> metrics.succeeded(record)).as("the listener itself does not throw")
        .doesNotThrowAnyException();
    assertThatCode(() -> metrics.executed(record, Duration.ofMillis(3))).doesNotThrowAnyException();
  }

  @Test
  @DisplayName("worker_pool_active counts started executions and never goes below 0; attempts from 10 share a label")
  void activeThreadsAndAttemptLabels() {
    TestDriver driver = TestDriver.plain();
    TaskHarborMetrics metrics = TaskHarborMetrics.builder(registry).build();
    TaskHarbor harbor = harbor(driver, metrics);
    metrics.bindTo(harbor);
    JobRecord a = job("a", 1);
    JobRecord b = job("b", 1);
    JobRecord c = job("c", 1);

    metrics.reserved("work", List.of(a, b, c), Duration.ofMillis(2));
    metrics.leaseLost(c); // lost while it waited for a thread: it never counted
    metrics.released(c);
    metrics.started(a);
    metrics.started(b);
    assertThat(Scrape.of(registry).value("worker_pool_active")).isEqualTo(2);
    metrics.executed(a, Duration.ofMillis(5));
    metrics.executed(a, Duration.ofMillis(5)); // told twice: still counted once
    metrics.leaseLost(b);
    metrics.leaseLost(b);
    assertThat(Scrape.of(registry).value("worker_pool_active")).isZero();
    metrics.started(job("a", 2)); // the next attempt of a runs again
    assertThat(Scrape.of(registry).value("worker_pool_active")).isEqualTo(1);

    for (int attempt : new int[] {1, 9, 10, 11, 250}) {
      metrics.retried(a, attempt, Instant.now(), "failed");
    }
    Scrape s = Scrape.of(registry);
    assertThat(s.of("task_retries_total")).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
        "task_retries_total{attempt=\"1\",type=\"quick\"}", "1.0",
        "task_retries_total{attempt=\"9\",type=\"quick\"}", "1.0",
        "task_retries_total{attempt=\"10+\",type=\"quick\"}", "3.0"));
    assertThat(s.value("taskharbor_leases_lost_total{type=\"quick\"}")).isEqualTo(3);
    assertThat(s.value("task_claim_duration_seconds_count")).isEqualTo(1);
  }

  @Test
  @DisplayName("storage errors, lost leases and refused completions count under taskharbor_")
  void theProjectsOwnCounters() {
    TestDriver driver = TestDriver.plain();
    TaskHarborMetrics metrics = TaskHarborMetrics.builder(registry).build();
    harbor(driver, metrics);
    JobRecord a = job("a", 1);
    metrics.storageError("reserve", new DriverException("down", null, true));
    metrics.storageError("reserve", new DriverException("down", null, true));
    metrics.storageError("extendLease", new DriverException("down", null, true));
    metrics.completionRefused(a, new io.taskharbor.api.LeaseExpiredException(a.id(), Instant.now(), Instant.now()));
    metrics.leaseLost(a);
    metrics.snoozed(a, Instant.now());
    metrics.released(a);

    Scrape s = Scrape.of(registry);
    assertThat(s.filter(series -> series.startsWith("taskharbor_"))).containsExactlyInAnyOrderEntriesOf(
        java.util.Map.of(
            "taskharbor_storage_errors_total{operation=\"reserve\"}", "2.0",
            "taskharbor_storage_errors_total{operation=\"extendLease\"}", "1.0",
            "taskharbor_completions_refused_total{type=\"quick\"}", "1.0",
            "taskharbor_leases_lost_total{type=\"quick\"}", "1.0"));
    assertThat(s.of("tasks_completed_total", "task_retries_total")).as("a snooze and a release finish nothing")
        .isEmpty();
  }

  @Test
  @DisplayName("close stops the timer and removes every meter; one open instance per registry; bind once")
  void lifecycle() throws Exception {
    TestDriver driver = TestDriver.withStatistics();
    TaskHarborMetrics metrics = TaskHarborMetrics.builder(registry).build();
    assertThatThrownBy(metrics::refreshNow).isInstanceOf(IllegalStateException.class).hasMessageContaining("bindTo");
    assertThatThrownBy(() -> TaskHarborMetrics.builder(registry).build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another TaskHarborMetrics publishes to this registry");
    TaskHarbor harbor = harbor(driver, metrics);
    metrics.bindTo(harbor);
    assertThatThrownBy(() -> metrics.bindTo(harbor)).isInstanceOf(IllegalStateException.class);
    enqueue(harbor, "quick", 1);
    metrics.refreshNow();
    assertThat(Scrape.of(registry).has("tasks_pending")).isTrue();
    metrics.reserved("work", List.of(), Duration.ofMillis(1));
    assertThat(metricsThreads()).hasSize(1);

    metrics.close();
    metrics.close();
    assertThat(registry.getMeters()).isEmpty();
    assertThat(Scrape.of(registry).samples).isEmpty();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!metricsThreads().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(metricsThreads()).isEmpty();
    enqueue(harbor, "quick", 1); // heard after close: registers nothing
    assertThat(registry.getMeters()).isEmpty();
    assertThatThrownBy(() -> metrics.bindTo(harbor)).isInstanceOf(IllegalStateException.class);
    closing(TaskHarborMetrics.builder(registry).build()); // the registry is free again
  }

  private static JobRecord job(String name, int attempts) {
    JobId id = JobId.parse(ids.computeIfAbsent(name, n -> JobId.newId().toString()));
    return JobRecord.builder(id, "work", "quick", "{}", Instant.now()).attempts(attempts).build();
  }

  private static final java.util.Map<String, String> ids = new java.util.concurrent.ConcurrentHashMap<>();
}
