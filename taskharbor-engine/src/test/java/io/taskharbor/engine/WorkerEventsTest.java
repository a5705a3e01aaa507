package io.taskharbor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.DriverException;
import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStateException;
import io.taskharbor.api.JobStatus;
import io.taskharbor.engine.event.TaskHarborListener;
import io.taskharbor.engine.event.WorkerListener;
import io.taskharbor.spi.Completion;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What listeners hear, job by job, for every way a job can end on a worker; that a listener that throws changes
 * nothing; and the lease safety margin: a job whose lease cannot be extended in time is given up before it ends, and
 * a job that waited for a thread is not started that close to the end of its lease.
 */
class WorkerEventsTest {

  record Work(int n) {}

  /** Records each job's events in order, as "event" or "event:detail". */
  static final class Recorder implements TaskHarborListener {
    final Map<JobId, List<String>> events = new ConcurrentHashMap<>();
    final List<String> enqueues = new CopyOnWriteArrayList<>();
    final List<String> storageErrors = new CopyOnWriteArrayList<>();

    private void add(JobRecord job, String event) {
      events.computeIfAbsent(job.id(), id -> new CopyOnWriteArrayList<>()).add(event);
    }

    List<String> of(JobId id) {
      return events.getOrDefault(id, List.of());
    }

    @Override
    public void enqueued(String queue, String type, EnqueueResult result) {
      enqueues.add(queue + "/" + type + "/" + result.created());
    }

    @Override
    public void reserved(String queue, List<JobRecord> jobs, Duration claimDuration) {
      jobs.forEach(j -> add(j, "reserved"));
    }

    @Override
    public void started(JobRecord job) {
      add(job, "started");
    }

    @Override
    public void executed(JobRecord job, Duration duration) {
      add(job, "executed");
    }

    @Override
    public void succeeded(JobRecord job) {
      add(job, "succeeded");
    }

    @Override
    public void retried(JobRecord job, int attempt, Instant runAt, @Nullable String error) {
      add(job, "retried:" + attempt);
    }

    @Override
    public void deadLettered(JobRecord job, String reason) {
      add(job, "deadLettered");
    }

    @Override
    public void snoozed(JobRecord job, Instant until) {
      add(job, "snoozed");
    }

    @Override
    public void released(JobRecord job) {
      add(job, "released");
    }

    @Override
    public void leaseLost(JobRecord job) {
      add(job, "leaseLost");
    }

    @Override
    public void completionRefused(JobRecord job, JobStateException refusal) {
      add(job, "completionRefused");
    }

    @Override
    public void storageError(String operation, RuntimeException error) {
      storageErrors.add(operation);
    }
  }

  /** A clock the test moves by hand. */
  static final class HandClock implements InstantSource {
    private final AtomicLong micros = new AtomicLong(Instant.parse("2030-01-01T00:00:00Z").toEpochMilli() * 1000);

    @Override
    public Instant instant() {
      return Instant.EPOCH.plus(micros.get(), java.time.temporal.ChronoUnit.MICROS);
    }

    void advance(Duration by) {
      micros.addAndGet(by.toNanos() / 1000);
    }
  }

  private final FakeDriver driver = new FakeDriver();
  private final Recorder recorder = new Recorder();
  private final List<Worker> workers = new ArrayList<>();

  @AfterEach
  void stop() {
    workers.forEach(Worker::close);
  }

  private Worker start(Worker.Builder builder) {
    Worker w = builder.build();
    workers.add(w);
    w.start();
    return w;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Await.until(what, condition);
  }

  private void awaitEvents(JobId id, int count) throws InterruptedException {
    await(count + " events of job " + id + " (so far " + recorder.of(id) + ")", () -> recorder.of(id).size() >= count);
    Thread.sleep(30); // nothing more may come
  }

  @Test
  @DisplayName("each outcome is heard as reserved, started, executed, then the stored outcome; listeners never throw "
      + "into the worker")
  void everyOutcomeIsHeardInOrder() throws Exception {
    TaskHarbor harbor = TaskHarbor.builder().driver(driver).listener(recorder).build();
    JobId ok = driver.add("q", "ok", "{\"n\":1}", 3);
    JobId failing = driver.add("q", "fails", "{\"n\":2}", 3);
    JobId lastAttempt = driver.add("q", "fails", "{\"n\":3}", 1);
    JobId permanent = driver.add("q", "permanent", "{\"n\":4}", 3);
    JobId snooze = driver.add("q", "snooze", "{\"n\":5}", 3);
    JobId unknown = driver.add("q", "no.such.type", "{\"n\":6}", 3);
    JobId undecodable = driver.add("q", "ok", "{\"n\":\"not a number\"}", 3);
    JobId timesOut = driver.add("q", "slow", "{\"n\":8}", Duration.ofMillis(100));
    WorkerListener throwsEverywhere = new WorkerListener() {
      @Override
      public void started(JobRecord job) {
        throw new IllegalStateException("a broken listener");
      }

      @Override
      public void succeeded(JobRecord job) {
        throw new IllegalStateException("a broken listener");
      }
    };
    start(harbor.newWorker().queues("q").concurrency(8).listener(throwsEverywhere)
        .backoff(attempt -> Duration.ofHours(1))
        .handle("ok", Work.class, job -> { })
        .handle("fails", Work.class, job -> {
          throw new IllegalStateException("boom");
        })
        .handle("permanent", Work.class, job -> {
          throw new PermanentFailure("cannot succeed");
        })
        .handle("snooze", Work.class, job -> {
          throw new Snooze(Duration.ofHours(1));
        })
        .handle("slow", Work.class, job -> Thread.sleep(10_000)));

    List<String> ran = List.of("reserved", "started", "executed");
    awaitEvents(ok, 4);
    assertThat(recorder.of(ok)).isEqualTo(plus(ran, "succeeded"));
    awaitEvents(failing, 4);
    assertThat(recorder.of(failing)).isEqualTo(plus(ran, "retried:1"));
    awaitEvents(lastAttempt, 4);
    assertThat(recorder.of(lastAttempt)).isEqualTo(plus(ran, "deadLettered"));
    awaitEvents(permanent, 4);
    assertThat(recorder.of(permanent)).isEqualTo(plus(ran, "deadLettered"));
    awaitEvents(snooze, 4);
    assertThat(recorder.of(snooze)).isEqualTo(plus(ran, "snoozed"));
    awaitEvents(unknown, 4);
    assertThat(recorder.of(unknown)).isEqualTo(plus(ran, "deadLettered"));
    awaitEvents(undecodable, 4);
    assertThat(recorder.of(undecodable)).isEqualTo(plus(ran, "deadLettered"));
    awaitEvents(timesOut, 4);
    assertThat(recorder.of(timesOut)).isEqualTo(plus(ran, "retried:1"));
    assertThat(driver.job(ok).status()).as("a listener that throws changes nothing").isEqualTo(JobStatus.DONE);
  }

  @Test
  @DisplayName("a lost lease is heard after started, with no executed and no outcome; a refused outcome instead of one")
  void lostLeasesAndRefusedOutcomes() throws Exception {
    TaskHarbor harbor = TaskHarbor.builder().driver(driver).build();
    JobId lost = driver.add("q", "wait", "{\"n\":1}", 3);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    start(harbor.newWorker().queues("q").concurrency(1).listener(recorder).heartbeatInterval(Duration.ofMillis(20))
        .handle("wait", Work.class, job -> {
          running.countDown();
          release.await(10, TimeUnit.SECONDS);
        }));
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    driver.finishElsewhere(lost);
    awaitEvents(lost, 3);
    assertThat(recorder.of(lost)).containsExactly("reserved", "started", "leaseLost");
    release.countDown();

    JobId refused = driver.add("q", "finishedElsewhere", "{\"n\":2}", 3);
    TaskHarbor other = TaskHarbor.builder().driver(driver).build();
    start(other.newWorker().queues("q").concurrency(1).listener(recorder)
        .handle("finishedElsewhere", Work.class, job -> driver.finishElsewhere(job.id())));
    awaitEvents(refused, 4);
    assertThat(recorder.of(refused)).containsExactly("reserved", "started", "executed", "completionRefused");
  }

  @Test
  @DisplayName("at stop, a running job is heard as executed then released, and a prefetched one as released alone")
  void releasesAtStop() throws Exception {
    TaskHarbor harbor = TaskHarbor.builder().driver(driver).build();
    JobId running = driver.add("q", "wait", "{\"n\":1}", 3);
    JobId waiting = driver.add("q", "wait", "{\"n\":2}", 3);
    CountDownLatch started = new CountDownLatch(1);
    Worker w = start(harbor.newWorker().queues("q").concurrency(1).prefetch(1).listener(recorder)
        .shutdownTimeout(Duration.ofMillis(100))
        .handle("wait", Work.class, job -> {
          started.countDown();
          Thread.sleep(10_000);
        }));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    await("both are reserved", () -> driver.count(JobStatus.INFLIGHT) == 2);
    w.stop();

    assertThat(recorder.of(running)).containsExactly("reserved", "started", "executed", "released");
    assertThat(recorder.of(waiting)).containsExactly("reserved", "released");
    assertThat(w.metrics().released()).isEqualTo(2);
    assertThat(w.metrics().snoozed()).isZero();
  }

  @Test
  @DisplayName("client listeners hear every job of an enqueue, created or deduplicated")
  void enqueueEvents() {
    TaskHarbor harbor = TaskHarbor.builder().driver(driver).listener(recorder).build();
    harbor.enqueueAll(List.of(JobRequest.builder("a", new Work(1)).queue("mail").build(),
        JobRequest.builder("b", new Work(2)).build()));
    assertThat(recorder.enqueues).containsExactly("mail/a/true", "default/b/true");
  }

  @Test
  @DisplayName("a job whose heartbeats cannot reach the driver is given up before its lease ends, by the worker's own "
      + "clock: the handler is cancelled, the loss counted, and no outcome sent")
  void aJobWhoseLeaseCannotBeExtendedIsGivenUpInTime() throws Exception {
    TaskHarbor harbor = TaskHarbor.builder().driver(driver).build();
    JobId id = driver.add("q", "wait", "{\"n\":1}", 3);
    CountDownLatch started = new CountDownLatch(1);
    AtomicLong cancelledAt = new AtomicLong();
    driver.heartbeatFailure = new DriverException("connection refused (simulated)", null, true);
    Worker w = start(harbor.newWorker().queues("q").concurrency(1).listener(recorder)
        .leaseDuration(Duration.ofSeconds(1)).heartbeatInterval(Duration.ofMillis(200))
        .handle("wait", Work.class, job -> {
          started.countDown();
          try {
            Thread.sleep(10_000);
          } catch (InterruptedException e) {
            cancelledAt.set(System.currentTimeMillis());
            throw e;
          }
        }));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    Instant leaseEnds = driver.job(id).leaseExpiresAt();

    await("the handler is cancelled", () -> cancelledAt.get() != 0);

    assertThat(Instant.ofEpochMilli(cancelledAt.get())).as("cancelled before the lease ends").isBefore(leaseEnds);
    await("the loss is counted", () -> w.metrics().lostLeases() == 1);
    assertThat(w.metrics().heartbeatErrors()).isPositive();
    assertThat(recorder.of(id)).containsExactly("reserved", "started", "leaseLost");
    assertThat(recorder.storageErrors).contains("extendLease");
    Thread.sleep(100);
    assertThat(driver.completions).as("nothing is reported for a job given up").isEmpty();
  }

  @Test
  @DisplayName("a prefetched job is not started when, by the worker's clock, its lease ends within the safety margin")
  void aPrefetchedJobIsNotStartedTooCloseToTheEndOfItsLease() throws Exception {
    HandClock clock = new HandClock();
    TaskHarbor harbor = TaskHarbor.builder().driver(driver).clock(clock).build();
    JobId first = driver.add("q", "wait", "{\"n\":1}", 3);
    JobId waiting = driver.add("q", "wait", "{\"n\":2}", 3);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> started = new CopyOnWriteArrayList<>();
    // The lease (60 s) outlasts the test by far in real time, so no heartbeat or fence sweep moves it meanwhile.
    Worker w = start(harbor.newWorker().queues("q").concurrency(1).prefetch(1).listener(recorder)
        .leaseDuration(Duration.ofSeconds(60)).heartbeatInterval(Duration.ofSeconds(20))
        .handle("wait", Work.class, job -> {
          started.add(job.payload().n());
          running.countDown();
          release.await(10, TimeUnit.SECONDS);
        }));
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    await("both are reserved", () -> driver.count(JobStatus.INFLIGHT) == 2);

    clock.advance(Duration.ofSeconds(50)); // the margin is 12 s: the waiting job's lease ends too soon to start it
    release.countDown();

    await("the waiting job is given up", () -> recorder.of(waiting).contains("leaseLost"));
    assertThat(started).containsExactly(1);
    assertThat(recorder.of(waiting)).containsExactly("reserved", "leaseLost");
    assertThat(w.metrics().lostLeases()).isGreaterThanOrEqualTo(1);
    assertThat(driver.completions).extracting(Completion::id).doesNotContain(waiting);
    assertThat(first).isNotNull();
  }

  private static List<String> plus(List<String> head, String last) {
    List<String> all = new ArrayList<>(head);
    all.add(last);
    return all;
  }
}
