package io.taskharbor.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStatus;
import io.taskharbor.engine.Backoff;
import io.taskharbor.engine.JobHandler;
import io.taskharbor.engine.PermanentFailure;
import io.taskharbor.engine.Snooze;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import io.taskharbor.engine.event.WorkerListener;
import io.taskharbor.spi.LeasedJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs a real engine {@link Worker} on the driver under test. Decisions (due, lease validity, backoff run times) come
 * from the test's {@link TestClock}; the worker's own waits (poll, heartbeat, shutdown) are real and short, so the
 * group is fast. Waits for an expected state poll the driver with a generous real-time limit and never assert on
 * timing.
 */
public abstract class WorkerContract extends TckGroup implements WorkerRules {

  /** The payload of every job in this group. */
  public record Task(String name) {}

  private static final String QUEUE = "tck.worker";
  private static final String TYPE = "tck.task";
  private static final Duration STEP = Duration.ofSeconds(10);
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<Worker> workers = new ArrayList<>();
  private TaskHarbor harbor;

  protected WorkerContract(DriverTck tck) {
    super(tck);
  }

  @AfterEach
  final void stopWorkers() {
    for (Worker w : workers) {
      w.stop();
    }
    workers.clear();
  }

  private TaskHarbor harbor() {
    if (harbor == null) {
      harbor = TaskHarbor.builder().driver(driver()).clock(clock).build();
    }
    return harbor;
  }

  private Worker.Builder worker() {
    return worker(harbor());
  }

  /** A worker of {@code client} on this group's queue, with short real waits. */
  private Worker.Builder worker(TaskHarbor client) {
    return client.newWorker()
        .queues(QUEUE)
        .concurrency(4)
        .pollInterval(Duration.ofMillis(5))
        .heartbeatInterval(Duration.ofMillis(5))
        .shutdownTimeout(Duration.ofSeconds(5))
        .backoff(attempt -> STEP);
  }

  private Worker started(Worker.Builder builder) {
    Worker w = builder.build();
    workers.add(w);
    w.start();
    return w;
  }

  private JobId enqueue(String name) {
    return enqueue(JobRequest.builder(TYPE, new Task(name)).queue(QUEUE));
  }

  private JobId enqueue(JobRequest.Builder request) {
    return harbor().enqueue(request.build()).id();
  }

  private JobRecord job(JobId id) {
    return driver().get(id).orElseThrow();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + WAIT + " waiting until " + what);
      }
      Thread.sleep(2);
    }
  }

  private void awaitStatus(JobId id, JobStatus status, int attempts) throws InterruptedException {
    await("job " + id + " is " + status + " after " + attempts + " attempt(s)", () -> {
      JobRecord r = job(id);
      return r.status() == status && r.attempts() == attempts;
    });
  }

  private static JobHandler<Task> failing(int failures, AtomicInteger calls) {
    return job -> {
      if (calls.incrementAndGet() <= failures) {
        throw new IllegalStateException("planned failure " + calls.get());
      }
    };
  }

  @Override
  @Test
  public void required_wrk01_retryThenSuccess() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Worker w = started(worker().handle(TYPE, Task.class, failing(2, calls)));
    JobId id = enqueue("flaky");

    awaitStatus(id, JobStatus.READY, 1);
    assertThat(job(id).runAt()).isEqualTo(clock.instant().plus(STEP));
    assertThat(job(id).lastError()).contains("planned failure 1");
    clock.advance(STEP);
    awaitStatus(id, JobStatus.READY, 2);
    clock.advance(STEP);
    awaitStatus(id, JobStatus.DONE, 3);

    assertThat(calls).hasValue(3);
    await("metrics counted", () -> w.metrics().succeeded() == 1);
    assertThat(w.metrics().retried()).isEqualTo(2);
  }

  @Override
  @Test
  public void required_wrk02_exhaustedRetriesGoToTheDlq() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    started(worker().handle(TYPE, Task.class, failing(Integer.MAX_VALUE, calls)));
    JobId id = enqueue(JobRequest.builder(TYPE, new Task("doomed")).queue(QUEUE).maxAttempts(3));

    awaitStatus(id, JobStatus.READY, 1);
    clock.advance(STEP);
    awaitStatus(id, JobStatus.READY, 2);
    clock.advance(STEP);
    awaitStatus(id, JobStatus.DLQ, 3);

    JobRecord dead = job(id);
    assertThat(dead.lastError()).contains("planned failure 3");
    assertThat(dead.dlqReason()).contains("3 of 3");
    assertThat(dead.dlqFailedAt()).isEqualTo(clock.instant());
    assertThat(calls).hasValue(3);
  }

  @Override
  @Test
  public void required_wrk03_crashRecoveryAfterLeaseExpiry() throws Exception {
    JobId id = enqueue("orphan");
    Duration lease = Duration.ofSeconds(30);
    List<LeasedJob> dead = secondClient().reserve(QUEUE, 1, clock.instant(), lease);
    assertThat(dead).extracting(LeasedJob::id).containsExactly(id);

    AtomicInteger calls = new AtomicInteger();
    started(worker().handle(TYPE, Task.class, failing(0, calls)));
    Thread.sleep(50);
    assertThat(calls).as("the lease is still valid: nobody may run the job").hasValue(0);

    clock.advance(lease);
    awaitStatus(id, JobStatus.DONE, 2);
    assertThat(calls).hasValue(1);
  }

  @Override
  @Test
  public void required_wrk04_heartbeatsKeepALongJob() throws Exception {
    Duration lease = Duration.ofSeconds(1);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Worker w = started(worker().leaseDuration(lease).handle(TYPE, Task.class, job -> {
      started.countDown();
      finish.await();
    }));
    JobId id = enqueue("long");
    assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    for (int step = 0; step < 10; step++) {
      Instant before = job(id).leaseExpiresAt();
      await("a heartbeat moved the lease", () -> !job(id).leaseExpiresAt().isBefore(clock.instant().plus(lease)));
      clock.advance(Duration.ofMillis(500));
      assertThat(job(id).leaseExpiresAt()).isAfterOrEqualTo(before);
      assertThat(secondClient().reserve(QUEUE, 1, clock.instant(), lease)).isEmpty();
    }
    finish.countDown();

    awaitStatus(id, JobStatus.DONE, 1);
    assertThat(w.metrics().lostLeases()).isZero();
  }

  @Override
  @Test
  public void required_wrk05_aLostLeaseCancelsTheHandler() throws Exception {
    Duration lease = Duration.ofSeconds(1);
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean sawCancellation = new AtomicBoolean();
    CountDownLatch handlerDone = new CountDownLatch(1);
    Worker w = started(worker().concurrency(1).leaseDuration(lease).heartbeatInterval(Duration.ofMillis(20))
        .handle(TYPE, Task.class, job -> {
          started.countDown();
          try {
            while (!job.isCancelled()) {
              Thread.sleep(1);
            }
            sawCancellation.set(true);
          } catch (InterruptedException e) {
            sawCancellation.set(job.isCancelled());
          } finally {
            handlerDone.countDown();
          }
        }));
    JobId id = enqueue("stolen");
    assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    LeasedJob thief = steal(id, lease);

    assertThat(handlerDone.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(sawCancellation).isTrue();
    await("the lost lease is counted", () -> w.metrics().lostLeases() >= 1);
    Thread.sleep(50);
    JobRecord r = job(id);
    assertThat(r.status()).isEqualTo(JobStatus.INFLIGHT);
    assertThat(r.leaseToken()).isEqualTo(thief.token());
    assertThat(r.attempts()).isGreaterThanOrEqualTo(2);
    assertThat(w.metrics().succeeded()).isZero();
    assertThat(w.metrics().refusedCompletions()).as("no outcome was reported for a lost lease").isZero();
  }

  /**
   * Moves the clock past the job's lease and reserves it on the second client, until that client holds it. Under
   * load a reserve may come back empty: the worker's heartbeat may have the row locked for a moment (reserve skips
   * locked rows), or the worker, its handler cancelled, may have reserved the job again; then the clock moves past
   * that lease too.
   */
  private LeasedJob steal(JobId id, Duration lease) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      clock.advance(lease.multipliedBy(2));
      List<LeasedJob> got = secondClient().reserve(QUEUE, 1, clock.instant(), Duration.ofSeconds(60));
      if (!got.isEmpty()) {
        assertThat(got).extracting(LeasedJob::id).containsExactly(id);
        return got.get(0);
      }
      Thread.sleep(5);
    }
    throw new AssertionError("the second client could not reserve job " + id + " after its lease expired");
  }

  @Override
  @Test
  public void required_wrk06_gracefulShutdownWaitsForRunningJobs() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Worker w = started(worker().shutdownTimeout(Duration.ofSeconds(10)).handle(TYPE, Task.class, job -> {
      started.countDown();
      Thread.sleep(200);
    }));
    JobId id = enqueue("finishing");
    assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    w.stop();

    assertThat(job(id).status()).isEqualTo(JobStatus.DONE);
    assertThat(w.isRunning()).isFalse();
    w.stop(); // idempotent
  }

  @Override
  @Test
  public void required_wrk07_gracefulShutdownReleasesUnfinishedJobs() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    Worker w = started(worker().shutdownTimeout(Duration.ofMillis(100)).handle(TYPE, Task.class, job -> {
      started.countDown();
      try {
        Thread.sleep(WAIT.toMillis());
      } catch (InterruptedException e) {
        interrupted.set(true);
        throw e;
      }
    }));
    JobId id = enqueue("stuck");
    assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    w.stop();

    JobRecord r = job(id);
    assertThat(r.status()).isEqualTo(JobStatus.READY);
    assertThat(r.attempts()).isZero();
    assertThat(r.leaseToken()).isNull();
    assertThat(interrupted).isTrue();
    assertThat(w.metrics().released()).as("released at shutdown, not snoozed").isEqualTo(1);
    assertThat(w.metrics().snoozed()).isZero();
  }

  @Override
  @Test
  public void required_wrk08_aScheduledJobRunsOnlyWhenDue() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    started(worker().handle(TYPE, Task.class, failing(0, calls)));
    Instant runAt = clock.instant().plusSeconds(60);
    JobId id = enqueue(JobRequest.builder(TYPE, new Task("later")).queue(QUEUE).runAt(runAt));

    Thread.sleep(100);
    assertThat(calls).hasValue(0);
    assertThat(job(id).status()).isEqualTo(JobStatus.READY);

    clock.set(runAt.minusNanos(1000));
    Thread.sleep(50);
    assertThat(calls).hasValue(0);

    clock.set(runAt);
    awaitStatus(id, JobStatus.DONE, 1);
  }

  @Override
  @Test
  public void required_wrk09_higherPriorityRunsFirst() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    List<JobId> ids = new ArrayList<>();
    for (int priority : new int[] {1, 5, 3, -2, 4}) {
      ids.add(enqueue(JobRequest.builder(TYPE, new Task("p" + priority)).queue(QUEUE).priority(priority)));
    }
    started(worker().concurrency(1).handle(TYPE, Task.class, job -> order.add(job.payload().name())));

    await("all jobs ran", () -> order.size() == ids.size());
    assertThat(order).containsExactly("p5", "p4", "p3", "p1", "p-2");
  }

  @Override
  @Test
  public void required_wrk10_idempotentEnqueueRunsOnce() throws Exception {
    EnqueueResult first = harbor().enqueue(
        JobRequest.builder(TYPE, new Task("once")).queue(QUEUE).idempotencyKey("order-42").build());
    EnqueueResult second = harbor().enqueue(
        JobRequest.builder(TYPE, new Task("twice")).queue(QUEUE).idempotencyKey("order-42").build());
    assertThat(first.created()).isTrue();
    assertThat(second.created()).isFalse();
    assertThat(second.id()).isEqualTo(first.id());

    List<String> ran = new CopyOnWriteArrayList<>();
    started(worker().handle(TYPE, Task.class, job -> ran.add(job.payload().name())));
    awaitStatus(first.id(), JobStatus.DONE, 1);
    Thread.sleep(50);
    assertThat(ran).containsExactly("once");
  }

  @Override
  @Test
  public void required_wrk11_anUnknownTypeGoesToTheDlq() throws Exception {
    started(worker().handle(TYPE, Task.class, job -> { }));
    JobId id = enqueue(JobRequest.builder("tck.mystery", new Task("?")).queue(QUEUE));

    awaitStatus(id, JobStatus.DLQ, 1);
    assertThat(job(id).dlqReason()).contains("tck.mystery");
  }

  @Override
  @Test
  public void required_wrk12_aPermanentFailureGoesToTheDlqAtOnce() throws Exception {
    started(worker().handle(TYPE, Task.class, job -> {
      throw new PermanentFailure("card declined");
    }));
    JobId id = enqueue("declined");

    awaitStatus(id, JobStatus.DLQ, 1);
    assertThat(job(id).dlqReason()).isEqualTo("card declined");
    assertThat(job(id).maxAttempts()).isGreaterThan(1);
  }

  @Override
  @Test
  public void required_wrk13_aSnoozeRunsTheJobLaterWithoutSpendingAnAttempt() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Worker w = started(worker().handle(TYPE, Task.class, job -> {
      if (calls.incrementAndGet() == 1) {
        throw new Snooze(Duration.ofMinutes(5));
      }
    }));
    JobId id = enqueue("sleepy");

    await("the job is snoozed", () -> job(id).status() == JobStatus.READY && job(id).runAt() != null);
    assertThat(job(id).attempts()).isZero();
    assertThat(job(id).runAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
    assertThat(job(id).lastError()).isNull();
    clock.advance(Duration.ofMinutes(5));
    awaitStatus(id, JobStatus.DONE, 1);
    assertThat(w.metrics().snoozed()).isEqualTo(1);
  }

  @Override
  @Test
  public void required_wrk14_aTimeoutCountsAsAFailedAttempt() throws Exception {
    AtomicBoolean interrupted = new AtomicBoolean();
    started(worker().handle(TYPE, Task.class, job -> {
      try {
        Thread.sleep(WAIT.toMillis());
      } catch (InterruptedException e) {
        interrupted.set(true);
      }
    }));
    JobId id = enqueue(JobRequest.builder(TYPE, new Task("slow")).queue(QUEUE).timeout(Duration.ofMillis(50)));

    awaitStatus(id, JobStatus.READY, 1);
    assertThat(job(id).lastError()).contains("timed out");
    await("the handler was interrupted", interrupted::get);
  }

  @Override
  @Test
  public void required_wrk15_theResultIsStoredOnSuccess() throws Exception {
    started(worker().handle(TYPE, Task.class, job -> job.setResult(Map.of("greeting", "hello " + job.payload().name()))));
    JobId id = enqueue("ada");

    awaitStatus(id, JobStatus.DONE, 1);
    JsonAssert.assertJsonEquals(job(id).result(), "{\"greeting\":\"hello ada\"}", "result");
  }

  @Override
  @Test
  public void required_wrk16_anUndecodablePayloadGoesToTheDlq() throws Exception {
    started(worker().handle(TYPE, Task.class, job -> { }));
    JobId id = enqueue(JobRequest.builder(TYPE, List.of(1, 2, 3)).queue(QUEUE));

    awaitStatus(id, JobStatus.DLQ, 1);
    assertThat(job(id).dlqReason()).contains(Task.class.getName());
  }

  @Override
  @Test
  public void required_wrk17_manyJobsAllComplete() throws Exception {
    everyJobRunsOnce(300, worker().concurrency(8));
  }

  @Override
  @Test
  public void required_wrk18_prefetchedJobsAllCompleteOnce() throws Exception {
    everyJobRunsOnce(300, worker().concurrency(2).prefetch(32));
  }

  private void everyJobRunsOnce(int count, Worker.Builder builder) throws InterruptedException {
    List<JobRequest> requests = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      requests.add(JobRequest.builder(TYPE, new Task("n" + i)).queue(QUEUE).build());
    }
    harbor().enqueueAll(requests);
    Set<String> ran = ConcurrentHashMap.newKeySet();
    AtomicInteger runs = new AtomicInteger();
    Consumer<String> record = name -> {
      ran.add(name);
      runs.incrementAndGet();
    };
    Worker w = started(builder.handle(TYPE, Task.class, job -> record.accept(job.payload().name())));

    await("every job is DONE", () -> driver().stats(QUEUE, clock.instant()).done() == count);
    assertThat(ran).hasSize(count);
    assertThat(runs).hasValue(count);
    await("metrics counted", () -> w.metrics().succeeded() == count);
  }

  @Override
  @Test
  public void required_wrk19_stoppingReleasesPrefetchedJobsUnstarted() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Set<String> started = ConcurrentHashMap.newKeySet();
    Worker w = started(worker().concurrency(1).prefetch(3).handle(TYPE, Task.class, job -> {
      started.add(job.payload().name());
      running.countDown();
      release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    }));
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(enqueue("p" + i));
    }
    assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    await("all four jobs are reserved", () -> driver().stats(QUEUE, clock.instant()).inflight() == 4);

    Thread stopper = new Thread(w::stop);
    stopper.start();
    await("the worker began to stop", () -> !w.isRunning());
    Thread.sleep(50); // it stops reserving right after it leaves the running state
    release.countDown();
    stopper.join(WAIT.toMillis());

    assertThat(started).hasSize(1);
    for (int i = 0; i < ids.size(); i++) {
      JobRecord r = job(ids.get(i));
      if (started.contains("p" + i)) {
        assertThat(r.status()).isEqualTo(JobStatus.DONE);
      } else {
        assertThat(r.status()).as("job p%d, never started", i).isEqualTo(JobStatus.READY);
        assertThat(r.attempts()).isZero();
        assertThat(r.leaseToken()).isNull();
      }
    }
    assertThat(w.metrics().released()).as("the three unstarted jobs count as released").isEqualTo(3);
    assertThat(w.metrics().snoozed()).as("a release at shutdown is not a snooze").isZero();
  }

  /** Records each job's events in order, by the job's name in its payload. */
  private static final class EventRecorder implements WorkerListener {
    final Map<String, List<String>> events = new ConcurrentHashMap<>();

    private void add(JobRecord job, String event) {
      String name = job.payload().replaceAll(".*\"name\"\\s*:\\s*\"([^\"]*)\".*", "$1");
      events.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(event);
    }

    List<String> of(String name) {
      return events.getOrDefault(name, List.of());
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
    public void retried(JobRecord job, int attempt, Instant runAt, String error) {
      add(job, "retried " + attempt);
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
    public void completionRefused(JobRecord job, io.taskharbor.api.JobStateException refusal) {
      add(job, "completionRefused");
    }
  }

  @Override
  @Test
  public void required_wrk20_listenersHearEveryOutcomeInOrder() throws Exception {
    EventRecorder recorder = new EventRecorder();
    CountDownLatch stuckRunning = new CountDownLatch(1);
    Worker w = started(worker().listener(recorder).backoff(attempt -> Duration.ofHours(2))
        .shutdownTimeout(Duration.ofMillis(100))
        .handle(TYPE, Task.class, job -> {
          switch (job.payload().name()) {
            case "fails", "last" -> throw new IllegalStateException("planned");
            case "permanent" -> throw new PermanentFailure("cannot succeed");
            case "snooze" -> throw new Snooze(Duration.ofHours(1));
            case "stuck" -> {
              stuckRunning.countDown();
              Thread.sleep(WAIT.toMillis());
            }
            default -> { }
          }
        }));
    enqueue("ok");
    enqueue("fails");
    enqueue(JobRequest.builder(TYPE, new Task("last")).queue(QUEUE).maxAttempts(1));
    enqueue("permanent");
    enqueue("snooze");
    JobId stuck = enqueue("stuck");
    List<String> ran = List.of("reserved", "started", "executed");

    for (String[] expected : new String[][] {{"ok", "succeeded"}, {"fails", "retried 1"},
        {"last", "deadLettered"}, {"permanent", "deadLettered"}, {"snooze", "snoozed"}}) {
      List<String> all = new ArrayList<>(ran);
      all.add(expected[1]);
      await("the events of job '" + expected[0] + "' (so far " + recorder.of(expected[0]) + ")",
          () -> recorder.of(expected[0]).size() >= all.size());
      assertThat(recorder.of(expected[0])).as("events of job '%s'", expected[0]).isEqualTo(all);
    }
    assertThat(stuckRunning.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    w.stop();

    assertThat(recorder.of("stuck")).containsExactly("reserved", "started", "executed", "released");
    assertThat(job(stuck).status()).isEqualTo(JobStatus.READY);
    Thread.sleep(20);
    assertThat(recorder.of("ok")).as("nothing more was heard of a finished job").hasSize(4);
  }

  @Override
  @Test
  public void required_wrk21_aPrefetchedJobIsNotStartedTooCloseToTheEndOfItsLease() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Set<String> started = ConcurrentHashMap.newKeySet();
    // Heartbeats far apart in real time: the worker's clock, not a refused heartbeat, must decide.
    Worker w = started(worker().concurrency(1).prefetch(1).leaseDuration(Duration.ofSeconds(60))
        .heartbeatInterval(Duration.ofSeconds(20)).leaseSafetyMargin(Duration.ofSeconds(10))
        .handle(TYPE, Task.class, job -> {
          started.add(job.payload().name());
          if (job.payload().name().equals("first")) {
            running.countDown();
            release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
          }
        }));
    JobId first = enqueue("first");
    assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    JobId waiting = enqueue("waiting"); // after the first runs: with equal created_at, ids would order them at random
    await("both jobs are reserved", () -> driver().stats(QUEUE, clock.instant()).inflight() == 2);
    Instant leaseEnds = job(waiting).leaseExpiresAt();

    clock.advance(Duration.ofSeconds(55)); // the waiting job's lease ends in 5 s: within the 10 s margin
    release.countDown();
    await("the waiting job is given up", () -> w.metrics().lostLeases() >= 1);

    assertThat(started).as("the waiting job never started here").doesNotContain("waiting");
    assertThat(job(waiting).status()).isEqualTo(JobStatus.INFLIGHT);
    assertThat(job(waiting).leaseExpiresAt()).as("nothing extended or released it").isEqualTo(leaseEnds);
    clock.advance(Duration.ofSeconds(6)); // its lease has ended: another worker may take it
    List<LeasedJob> again = driver().reserve(QUEUE, 2, clock.instant(), Duration.ofSeconds(30));
    assertThat(again).extracting(LeasedJob::id).contains(waiting);
    assertThat(first).isNotNull();
  }

  @Override
  @Test
  public void required_wrk22_theDetailsLogIsKeptWithTheOutcome() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    started(worker().handle(TYPE, Task.class, job -> {
      int call = calls.incrementAndGet();
      job.log("attempt " + call + " starts");
      if (call == 1) {
        job.log("attempt 1 fails");
        throw new IllegalStateException("planned failure");
      }
      job.log("attempt 2 done");
      job.setResult(Map.of("sent", 2));
    }));
    JobId id = enqueue("logged");

    awaitStatus(id, JobStatus.READY, 1);
    clock.advance(STEP);
    awaitStatus(id, JobStatus.DONE, 2);

    assertThat(job(id).details()).extracting(io.taskharbor.api.Detail::text)
        .containsExactly("attempt 1 starts", "attempt 1 fails", "attempt 2 starts", "attempt 2 done");
    assertThat(JsonAssert.jsonEquals(job(id).result(), "{\"sent\":2}")).as("the result is the output").isTrue();
  }

  @Override
  @Test
  public void optional_wrk23_aRunningJobIsCanceled() throws Exception {
    JobPauseContract.jobControls(driver());
    CountDownLatch running = new CountDownLatch(2);
    AtomicBoolean interrupted = new AtomicBoolean();
    started(worker().handle(TYPE, Task.class, job -> {
      running.countDown();
      if (job.payload().name().equals("obedient")) {
        try {
          Thread.sleep(WAIT.toMillis());
        } catch (InterruptedException e) {
          interrupted.set(true);
          throw e;
        }
        return;
      }
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!job.isCancelled() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      Thread.interrupted(); // ignores the cancel, and returns a result as if it had finished
      job.setResult(Map.of("ignored", true));
    }));
    JobId obedient = enqueue("obedient");
    JobId stubborn = enqueue("stubborn");
    assertThat(running.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("both handlers started").isTrue();

    harbor().cancel(obedient);
    harbor().cancel(stubborn);

    awaitStatus(obedient, JobStatus.CANCELED, 1);
    awaitStatus(stubborn, JobStatus.CANCELED, 1);
    // the worker stores CANCELED without waiting for the handler: its interrupt lands at about the same time
    await("the obedient handler was interrupted", interrupted::get);
    assertThat(job(stubborn).result()).as("the ignored cancel's result").isNull();
    assertThat(job(obedient).cancelRequestedAt()).isEqualTo(clock.instant());
  }

  @Override
  @Test
  public void optional_wrk24_aSerialQueueRunsOneJobAtATimeAcrossWorkers() throws Exception {
    assumeQueueControls();
    harbor().setQueueConcurrency(QUEUE, 1);
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ids.add(enqueue("serial-" + i));
      clock.advance(Duration.ofNanos(1_000));
    }
    AtomicInteger now = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<String> order = new CopyOnWriteArrayList<>();
    JobHandler<Task> handler = job -> {
      most.accumulateAndGet(now.incrementAndGet(), Math::max);
      order.add(job.payload().name());
      Thread.sleep(3);
      now.decrementAndGet();
    };
    TaskHarbor other = TaskHarbor.builder().driver(secondClient()).clock(clock).build();
    started(worker().handle(TYPE, Task.class, handler));
    started(worker(other).handle(TYPE, Task.class, handler));

    for (JobId id : ids) {
      awaitStatus(id, JobStatus.DONE, 1);
    }
    assertThat(most.get()).as("jobs of the serial queue running at once").isEqualTo(1);
    assertThat(order).containsExactly("serial-0", "serial-1", "serial-2", "serial-3", "serial-4", "serial-5",
        "serial-6", "serial-7");
  }

  @Override
  @Test
  public void optional_wrk25_aSerialQueueDrainsWithoutWaitingForThePoll() throws Exception {
    assumeQueueControls();
    harbor().setQueueConcurrency(QUEUE, 1);
    List<JobRequest> batch = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      batch.add(JobRequest.builder(TYPE, new Task("batch-" + i)).queue(QUEUE).build());
    }
    List<JobId> ids = harbor().enqueueAll(batch).stream().map(io.taskharbor.api.EnqueueResult::id).toList();
    List<String> order = new CopyOnWriteArrayList<>();
    started(worker().pollInterval(Duration.ofHours(1)).handle(TYPE, Task.class, job -> order.add(job.payload().name())));

    for (JobId id : ids) {
      awaitStatus(id, JobStatus.DONE, 1);
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add("batch-" + i);
    }
    assertThat(order).containsExactlyElementsOf(expected);
  }

  private void assumeQueueControls() {
    org.junit.jupiter.api.Assumptions.assumeTrue(driver().extension(io.taskharbor.spi.QueueControls.class).isPresent(),
        "driver offers no extension QueueControls: test skipped by design");
  }

  @Override
  @Test
  public void optional_wrk26_aCancelFromAnotherClientIsHeardAtOnce() throws Exception {
    JobPauseContract.jobControls(driver());
    org.junit.jupiter.api.Assumptions.assumeTrue(
        driver().extension(io.taskharbor.spi.WakeUpNotifications.class).isPresent(),
        "driver offers no extension WakeUpNotifications: test skipped by design");
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch sawCancel = new CountDownLatch(1);
    started(worker().heartbeatInterval(Duration.ofSeconds(10)).handle(TYPE, Task.class, job -> {
      running.countDown();
      try {
        Thread.sleep(WAIT.toMillis());
      } catch (InterruptedException e) {
        sawCancel.countDown();
      }
    }));
    JobId id = enqueue("canceled elsewhere");
    assertThat(running.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the handler started").isTrue();
    TaskHarbor other = TaskHarbor.builder().driver(secondClient()).clock(clock).build();

    other.cancel(id);

    assertThat(sawCancel.await(5, TimeUnit.SECONDS)).as("the handler saw the cancel within 5 s").isTrue();
    awaitStatus(id, JobStatus.CANCELED, 1);
  }
}
