package io.taskharbor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStatus;
import io.taskharbor.engine.FakeDriver.ReserveCall;
import io.taskharbor.engine.event.WorkerListener;
import io.taskharbor.spi.Completion;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;

/**
 * The worker's own mechanics, on a fake driver that records what the worker asks of it: how much it reserves, when
 * it reserves again, how outcomes are batched, what handlers see in the MDC, and what happens to errors. Real
 * threads throughout; every wait is bounded.
 */
class WorkerMechanicsTest {

  record Work(int n) {}

  private final FakeDriver driver = new FakeDriver();
  private final TaskHarbor harbor = TaskHarbor.builder().driver(driver).build();
  private final List<Worker> workers = new ArrayList<>();

  @AfterEach
  void stopWorkers() {
    workers.forEach(Worker::close);
  }

  private Worker start(Worker.Builder builder) {
    Worker worker = builder.build();
    workers.add(worker);
    worker.start();
    return worker;
  }

  private List<JobId> addJobs(String queue, int count) {
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(driver.add(queue, "work", "{\"n\":" + i + "}", 25));
    }
    return ids;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Await.until(what, condition);
  }

  @Test
  @DisplayName("a job enqueued through the worker's own client wakes it at once, with no notification from the driver; "
      + "a job of another queue or one scheduled later does not")
  void theWorkersOwnClientWakesItAtOnce() throws Exception {
    start(harbor.newWorker().queues("a").concurrency(2).pollInterval(Duration.ofHours(1))
        .handle("work", Work.class, job -> {}));
    await("the worker's first reserve found nothing", () -> !driver.reserves.isEmpty());
    Thread.sleep(50); // let that reserve return; the worker now sleeps its poll interval of an hour
    int idle = driver.reserves.size();

    harbor.enqueue(JobRequest.builder("work", new Work(1)).queue("other").build());
    harbor.enqueue(JobRequest.builder("work", new Work(2)).queue("a").runAt(Instant.now().plusSeconds(3600)).build());
    Thread.sleep(200);
    assertThat(driver.reserves).as("reserves after jobs the worker cannot run now").hasSize(idle);

    JobId id = harbor.enqueue(JobRequest.builder("work", new Work(3)).queue("a").build()).id();
    await("the due job runs long before the poll interval", () -> driver.get(id).orElseThrow().status()
        == JobStatus.DONE);
  }

  @Test
  @DisplayName("a reserve never asks for more jobs than there are handler threads not taken by jobs or other reserves")
  void reservesNeverAskForMoreThanTheFreeHandlerThreads() throws Exception {
    addJobs("a", 300);
    addJobs("b", 300);
    int concurrency = 4;
    start(harbor.newWorker().queues("a", "b").concurrency(concurrency).prefetch(0).fetchParallelism(2)
        .pollInterval(Duration.ofMillis(20))
        .handle("work", Work.class, job -> {
          try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(3));
          } finally {
            driver.handlerFinished();
          }
        }));

    await("600 jobs are done", () -> driver.count(JobStatus.DONE) == 600);

    List<ReserveCall> calls = List.copyOf(driver.reserves);
    assertThat(calls).isNotEmpty().allSatisfy(call -> {
      assertThat(call.max()).isPositive();
      assertThat(call.max() + call.taken()).as("max + taken threads of %s", call).isLessThanOrEqualTo(concurrency);
    });
    assertThat(calls).extracting(ReserveCall::queue).contains("a", "b");
  }

  @Test
  @DisplayName("with prefetch, a reserve asks for up to prefetch more jobs than there are free handler threads, and "
      + "never for more than that")
  void prefetchReservesAheadOfTheFreeThreads() throws Exception {
    addJobs("a", 400);
    int concurrency = 4;
    int prefetch = 6;
    start(harbor.newWorker().queues("a").concurrency(concurrency).prefetch(prefetch).fetchParallelism(2)
        .handle("work", Work.class, job -> {
          try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(2));
          } finally {
            driver.handlerFinished();
          }
        }));

    await("400 jobs are done", () -> driver.count(JobStatus.DONE) == 400);

    List<ReserveCall> calls = List.copyOf(driver.reserves);
    assertThat(calls).allSatisfy(call -> assertThat(call.max() + call.taken()).as("max + taken of %s", call)
        .isLessThanOrEqualTo(concurrency + prefetch));
    assertThat(calls).as("some reserve asked for more than the handler threads")
        .anySatisfy(call -> assertThat(call.max() + call.taken()).isGreaterThan(concurrency));
  }

  @Test
  @DisplayName("by default the prefetch adapts: quick jobs make a worker reserve ahead of its threads, within the cap "
      + "of 16 times its concurrency")
  void theAdaptivePrefetchGrowsForQuickJobs() throws Exception {
    addJobs("a", 3_000);
    int concurrency = 2;
    start(harbor.newWorker().queues("a").concurrency(concurrency)
        .handle("work", Work.class, job -> driver.handlerFinished()));

    await("3000 jobs are done", () -> driver.count(JobStatus.DONE) == 3_000);

    List<ReserveCall> calls = List.copyOf(driver.reserves);
    assertThat(calls).allSatisfy(call -> assertThat(call.max() + call.taken()).as("max + taken of %s", call)
        .isLessThanOrEqualTo(concurrency + 16 * concurrency));
    assertThat(calls).as("some reserve asked for more than the handler threads")
        .anySatisfy(call -> assertThat(call.max() + call.taken()).isGreaterThan(concurrency));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"adaptive prefetch (the default)", "fixed prefetch 32"})
  @DisplayName("a worker busy with long jobs holds no backlog by default, so a second worker gets its share; a fixed "
      + "prefetch holds the backlog back from it")
  void longJobsAreLeftForOtherWorkers(String prefetch) throws Exception {
    addJobs("a", 24);
    Map<String, AtomicInteger> ran = new ConcurrentHashMap<>();
    boolean fixed = prefetch.startsWith("fixed");
    Worker.Builder first = harbor.newWorker().queues("a").concurrency(2);
    if (fixed) {
      first.prefetch(32);
    }
    start(first.handle("work", Work.class, job -> {
      ran.computeIfAbsent("first", k -> new AtomicInteger()).incrementAndGet();
      Thread.sleep(60);
    }));
    await("the first worker runs a job", () -> ran.containsKey("first"));
    start(harbor.newWorker().queues("a").concurrency(2).handle("work", Work.class, job -> {
      ran.computeIfAbsent("second", k -> new AtomicInteger()).incrementAndGet();
      Thread.sleep(60);
    }));

    await("the 24 jobs are done", () -> driver.count(JobStatus.DONE) == 24);

    int second = ran.getOrDefault("second", new AtomicInteger()).get();
    if (fixed) {
      assertThat(second).as("jobs the second worker ran while the first held the backlog").isZero();
    } else {
      assertThat(second).as("jobs of 24 the second worker ran").isGreaterThanOrEqualTo(8);
    }
  }

  @Test
  @DisplayName("two workers on one backlog of 20 ms jobs: neither holds more than a few reserved jobs that have not "
      + "started, and each runs about its share")
  void twoWorkersOnABacklogShareItAndHoldLittleUnstarted() throws Exception {
    int jobs = 400;
    int concurrency = 4;
    addJobs("a", jobs);
    List<AtomicInteger> unstarted = List.of(new AtomicInteger(), new AtomicInteger());
    List<AtomicInteger> mostUnstarted = List.of(new AtomicInteger(), new AtomicInteger());
    List<AtomicInteger> ran = List.of(new AtomicInteger(), new AtomicInteger());
    for (int w = 0; w < 2; w++) {
      int me = w;
      start(harbor.newWorker().queues("a").concurrency(concurrency)
          .listener(new WorkerListener() {
            @Override
            public void reserved(String queue, List<JobRecord> reserved, Duration claimDuration) {
              int now = unstarted.get(me).addAndGet(reserved.size());
              mostUnstarted.get(me).accumulateAndGet(now, Math::max);
            }

            @Override
            public void started(JobRecord job) {
              unstarted.get(me).decrementAndGet();
            }
          })
          .handle("work", Work.class, job -> {
            ran.get(me).incrementAndGet();
            Thread.sleep(20);
          }));
    }

    await("the " + jobs + " jobs are done", () -> driver.count(JobStatus.DONE) == jobs);

    // 20 ms jobs on 4 threads finish about 200 a second: the adaptive prefetch (20 ms window) holds about 4 ahead,
    // against 16 x 4 = 64 for a worker at its cap.
    for (int w = 0; w < 2; w++) {
      assertThat(mostUnstarted.get(w).get()).as("most reserved-but-unstarted jobs of worker %d, beyond its %d "
          + "threads", w, concurrency).isLessThanOrEqualTo(concurrency + 2 * concurrency);
      assertThat(ran.get(w).get()).as("jobs of %d that worker %d ran", jobs, w).isBetween(jobs * 35 / 100,
          jobs * 65 / 100);
    }
  }

  @Test
  @DisplayName("a fetcher whose handler threads are all busy sleeps until one frees up, even with a wake-up pending")
  void aFetcherWithNoFreeThreadDoesNotSpin() throws Exception {
    addJobs("a", 10);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    Set<Thread> before = fetchThreads();
    start(harbor.newWorker().queues("a").concurrency(2)
        .handle("work", Work.class, job -> {
          running.incrementAndGet();
          release.await(20, TimeUnit.SECONDS);
        }));
    // The first reserve came back full: that set the backlog and a wake-up, which no reserve has consumed since.
    await("both threads are busy", () -> running.get() == 2);
    Set<Thread> fetchers = fetchThreads();
    fetchers.removeAll(before);
    Thread fetcher = fetchers.iterator().next();
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long cpuBefore = cpu.getThreadCpuTime(fetcher.getId());
    Thread.sleep(300);
    long used = cpu.getThreadCpuTime(fetcher.getId()) - cpuBefore;
    int reserves = driver.reserves.size();
    release.countDown();

    assertThat(Duration.ofNanos(used)).as("CPU time of the fetch thread in 300 ms").isLessThan(Duration.ofMillis(60));
    assertThat(reserves).as("reserve calls while no thread was free").isEqualTo(1);
  }

  private static Set<Thread> fetchThreads() {
    Set<Thread> fetchers = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().endsWith("-fetch")) {
        fetchers.add(t);
      }
    }
    return fetchers;
  }

  @Test
  @DisplayName("a prefetched job's timeout counts from when it starts, not from the reserve")
  void aPrefetchedJobsTimeoutStartsWithTheJob() throws Exception {
    JobId slow = driver.add("a", "work", "{\"n\":0}", 25);
    JobId quick = driver.add("a", "work", "{\"n\":1}", Duration.ofMillis(150));
    start(harbor.newWorker().queues("a").concurrency(1).prefetch(1)
        .handle("work", Work.class, job -> {
          if (job.payload().n() == 0) {
            Thread.sleep(400); // the quick job waits this long for the one thread
          }
        }));

    await("both jobs are done", () -> driver.count(JobStatus.DONE) == 2);

    assertThat(driver.completions).extracting(Completion::id).containsExactly(slow, quick);
    assertThat(driver.completions).allSatisfy(c -> assertThat(c).isInstanceOf(Completion.Ack.class));
  }

  @Test
  @DisplayName("a prefetched job whose lease is lost while it waits for a thread is never started")
  void aPrefetchedJobThatLostItsLeaseIsNotStarted() throws Exception {
    JobId first = driver.add("a", "work", "{\"n\":0}", 25);
    JobId waiting = driver.add("a", "work", "{\"n\":1}", 25);
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> started = new CopyOnWriteArrayList<>();
    Worker worker = start(harbor.newWorker().queues("a").concurrency(1).prefetch(1)
        .heartbeatInterval(Duration.ofMillis(10))
        .handle("work", Work.class, job -> {
          started.add(job.payload().n());
          release.await(20, TimeUnit.SECONDS);
        }));
    await("both jobs are reserved", () -> driver.count(JobStatus.INFLIGHT) == 2);

    driver.finishElsewhere(waiting);
    await("the worker noticed the lost lease", () -> worker.metrics().lostLeases() == 1);
    release.countDown();
    await("the first job is done", () -> driver.completions.size() == 1);
    Thread.sleep(100);

    assertThat(started).containsExactly(0);
    assertThat(driver.completions).extracting(Completion::id).containsExactly(first);
  }

  @Test
  @DisplayName("jobs still waiting for a thread when the worker stops are given back at once, never started, their "
      + "attempt not spent")
  void stoppingReleasesPrefetchedJobs() throws Exception {
    List<JobId> ids = addJobs("a", 3);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> started = new CopyOnWriteArrayList<>();
    Worker worker = start(harbor.newWorker().queues("a").concurrency(1).prefetch(2)
        .handle("work", Work.class, job -> {
          started.add(job.payload().n());
          running.countDown();
          release.await(20, TimeUnit.SECONDS);
        }));
    assertThat(running.await(20, TimeUnit.SECONDS)).isTrue();
    await("all three jobs are reserved", () -> driver.count(JobStatus.INFLIGHT) == 3);

    Thread stopper = new Thread(worker::close);
    stopper.start();
    await("the worker began to stop", () -> !worker.isRunning());
    Thread.sleep(50); // it stops reserving right after it leaves the running state
    release.countDown();
    stopper.join(TimeUnit.SECONDS.toMillis(20));

    assertThat(started).containsExactly(0);
    assertThat(driver.job(ids.get(0)).status()).isEqualTo(JobStatus.DONE);
    for (JobId id : ids.subList(1, 3)) {
      assertThat(driver.job(id).status()).isEqualTo(JobStatus.READY);
      assertThat(driver.job(id).attempts()).as("attempts of a job given back unstarted").isZero();
    }
    assertThat(driver.completions).filteredOn(c -> c instanceof Completion.Release).extracting(Completion::id)
        .containsExactlyInAnyOrderElementsOf(ids.subList(1, 3));
  }

  @Test
  @DisplayName("after a full batch the worker reserves again at once, without waiting for the poll interval")
  void aFullBatchIsFollowedAtOnceByAnotherReserve() throws Exception {
    addJobs("a", 40);
    start(harbor.newWorker().queues("a").concurrency(4).fetchParallelism(1).pollInterval(Duration.ofHours(1))
        .handle("work", Work.class, job -> driver.handlerFinished()));

    await("all 40 jobs are done well within the one-hour poll interval", () -> driver.count(JobStatus.DONE) == 40);
    assertThat(driver.reserves).hasSizeGreaterThanOrEqualTo(10);
  }

  @Test
  @DisplayName("after a batch that drained the queue, jobs finishing do not make the worker reserve again before "
      + "its poll interval: a free thread is no sign of new work")
  void finishingJobsDoNotTriggerReservesOnADrainedQueue() throws Exception {
    addJobs("a", 3);
    start(harbor.newWorker().queues("a").concurrency(8).pollInterval(Duration.ofHours(1))
        .handle("work", Work.class, job -> {
          Thread.sleep(20);
          driver.handlerFinished();
        }));

    await("the 3 jobs are done", () -> driver.count(JobStatus.DONE) == 3);
    Thread.sleep(200);

    assertThat(driver.reserves).as("reserve calls: the one batch that got the 3 jobs").hasSize(1);
  }

  @Test
  @DisplayName("an idle worker polls each of its queues about once per poll interval, with one fetcher only")
  void anIdleWorkerPollsEachQueueOncePerPollInterval() throws Exception {
    start(harbor.newWorker().queues("a", "b").concurrency(8).fetchParallelism(4).pollInterval(Duration.ofMillis(100))
        .handle("work", Work.class, job -> { }));

    Thread.sleep(1_000);

    long a = driver.reserves.stream().filter(c -> c.queue().equals("a")).count();
    long b = driver.reserves.stream().filter(c -> c.queue().equals("b")).count();
    assertThat(a).as("polls of queue a in 1 s").isBetween(5L, 15L);
    assertThat(b).as("polls of queue b in 1 s").isBetween(5L, 15L);
    assertThat(driver.maxReservesInFlight.get()).as("an idle worker reserves one call at a time").isEqualTo(1);
  }

  @ParameterizedTest(name = "fetchParallelism {0}")
  @ValueSource(ints = {1, 2, 3})
  @DisplayName("under a backlog, exactly fetchParallelism reserves are in flight at once, never more")
  void aBacklogKeepsFetchParallelismReservesInFlight(int parallelism) throws Exception {
    addJobs("a", 300);
    driver.reserveDelay = Duration.ofMillis(10);
    start(harbor.newWorker().queues("a").concurrency(9).fetchParallelism(parallelism)
        .handle("work", Work.class, job -> driver.handlerFinished()));

    await("300 jobs are done", () -> driver.count(JobStatus.DONE) == 300);

    assertThat(driver.maxReservesInFlight.get()).isEqualTo(parallelism);
  }

  @Test
  @DisplayName("outcomes of jobs that finish together reach the driver in one batch, not one call each")
  void outcomesOfJobsFinishingTogetherAreBatched() throws Exception {
    addJobs("a", 8);
    CountDownLatch allStarted = new CountDownLatch(8);
    CountDownLatch release = new CountDownLatch(1);
    start(harbor.newWorker().queues("a").concurrency(8).handle("work", Work.class, job -> {
      allStarted.countDown();
      release.await();
      driver.handlerFinished();
    }));
    assertThat(allStarted.await(20, TimeUnit.SECONDS)).isTrue();

    release.countDown();
    await("8 jobs are done", () -> driver.count(JobStatus.DONE) == 8);

    assertThat(driver.completionBatches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(8);
    assertThat(driver.completionBatches.stream().mapToInt(Integer::intValue).max().orElse(0))
        .as("largest completion batch").isGreaterThanOrEqualTo(4);
  }

  @Test
  @DisplayName("a handler runs with the job's id, type, queue and attempt in the MDC, and the next job sees its own")
  void handlersSeeTheirJobInTheMdc() throws Exception {
    List<JobId> ids = addJobs("mdc", 2);
    List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
    start(harbor.newWorker().queues("mdc").concurrency(1).handle("work", Work.class, job -> {
      seen.add(MDC.getCopyOfContextMap());
    }));

    await("both jobs are done", () -> driver.count(JobStatus.DONE) == 2);

    assertThat(seen).hasSize(2);
    for (int i = 0; i < 2; i++) {
      assertThat(seen.get(i)).containsEntry("job.id", ids.get(i).toString()).containsEntry("job.type", "work")
          .containsEntry("job.queue", "mdc").containsEntry("job.attempt", "1");
    }
  }

  @Test
  @DisplayName("an Error from a handler (not a VirtualMachineError) is a failed attempt: the job is retried")
  void anErrorFromAHandlerIsRetried() throws Exception {
    JobId id = addJobs("a", 1).get(0);
    start(harbor.newWorker().queues("a").concurrency(1).pollInterval(Duration.ofMillis(10))
        .backoff(Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(2)))
        .handle("work", Work.class, job -> {
          if (job.attempt() == 1) {
            throw new AssertionError("an assertion inside the handler");
          }
        }));

    await("the job is done", () -> driver.job(id).status() == JobStatus.DONE);

    assertThat(driver.job(id).attempts()).isEqualTo(2);
    assertThat(driver.completions).hasSize(2).first().isInstanceOf(Completion.Retry.class);
    assertThat(((Completion.Retry) driver.completions.get(0)).error()).contains("an assertion inside the handler");
  }

  /** A payload whose decoding throws an Error (not an exception) the first time. */
  @JsonDeserialize(using = ExplodingOnce.Deserializer.class)
  record ExplodingOnce(int n) {
    static final AtomicInteger DECODED = new AtomicInteger();

    static final class Deserializer extends JsonDeserializer<ExplodingOnce> {
      @Override
      public ExplodingOnce deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        p.skipChildren();
        if (DECODED.incrementAndGet() == 1) {
          throw new NoClassDefFoundError("a class that failed to load while decoding");
        }
        return new ExplodingOnce(7);
      }
    }
  }

  @Test
  @DisplayName("an Error while decoding the payload is a failed attempt, not a stuck job: it is retried")
  void anErrorWhileDecodingIsRetried() throws Exception {
    JobId id = driver.add("a", "explode", "{\"n\":7}", 25);
    start(harbor.newWorker().queues("a").concurrency(1).pollInterval(Duration.ofMillis(10))
        .backoff(Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(2)))
        .handle("explode", ExplodingOnce.class, job -> assertThat(job.payload().n()).isEqualTo(7)));

    await("the job is done", () -> driver.job(id).status() == JobStatus.DONE);

    assertThat(driver.job(id).attempts()).isEqualTo(2);
    assertThat(driver.completions).first().isInstanceOf(Completion.Retry.class);
  }

  @Test
  @DisplayName("after a VirtualMachineError the worker stops heartbeating the job and reports nothing, so its lease "
      + "expires; other jobs keep running")
  void aVirtualMachineErrorLetsTheLeaseExpire() throws Exception {
    JobId doomed = driver.add("a", "overflow", "{\"n\":1}", 25);
    Map<JobId, Boolean> ran = new ConcurrentHashMap<>();
    start(harbor.newWorker().queues("a").concurrency(2).pollInterval(Duration.ofMillis(10))
        .leaseDuration(Duration.ofMillis(600)).heartbeatInterval(Duration.ofMillis(20))
        .handle("overflow", Work.class, job -> {
          ran.put(job.id(), true);
          throw new StackOverflowError("simulated");
        })
        .handle("work", Work.class, job -> ran.put(job.id(), true)));
    await("the doomed job ran", () -> ran.containsKey(doomed));
    Thread.sleep(100);
    int heartbeatsAfterTheError = driver.heartbeats.getOrDefault(doomed, new AtomicInteger()).get();

    Thread.sleep(300);
    JobId next = addJobs("a", 1).get(0);
    await("a later job runs", () -> driver.job(next).status() == JobStatus.DONE);

    assertThat(driver.heartbeats.getOrDefault(doomed, new AtomicInteger()).get())
        .as("heartbeats of the doomed job after its error").isEqualTo(heartbeatsAfterTheError);
    assertThat(driver.completions).extracting(Completion::id).doesNotContain(doomed);
    assertThat(driver.job(doomed).status()).isEqualTo(JobStatus.INFLIGHT);
  }

  @Test
  @DisplayName("an outcome the driver refuses outright does not hold up the others: its batch is resent item by "
      + "item, and the refused ack becomes a DLQ entry saying why")
  void aRefusedOutcomeIsIsolatedAndReplacedByAPlainFailure() throws Exception {
    List<JobId> ids = addJobs("a", 20);
    JobId poisoned = ids.get(7);
    driver.refuse = c -> c instanceof Completion.Ack ack && ack.result() != null;
    start(harbor.newWorker().queues("a").concurrency(4).handle("work", Work.class, job -> {
      if (job.id().equals(poisoned)) {
        job.setResult(Map.of("huge", "result"));
      }
    }));

    await("19 jobs are done and one is in the DLQ",
        () -> driver.count(JobStatus.DONE) == 19 && driver.count(JobStatus.DLQ) == 1);

    assertThat(driver.job(poisoned).status()).isEqualTo(JobStatus.DLQ);
    assertThat(driver.dlqReasons.get(poisoned)).contains("the handler succeeded, but its result could not be stored")
        .contains("the fake driver refuses this batch");
  }

  @Test
  @DisplayName("when the driver refuses even the plain fallback, the job is let go (no more heartbeats) and the "
      + "others carry on")
  void aJobWhoseEveryOutcomeIsRefusedIsLetGo() throws Exception {
    List<JobId> ids = addJobs("a", 10);
    JobId cursed = ids.get(3);
    driver.refuse = c -> c.id().equals(cursed);
    start(harbor.newWorker().queues("a").concurrency(2).leaseDuration(Duration.ofSeconds(3))
        .heartbeatInterval(Duration.ofMillis(20)).handle("work", Work.class, job -> { }));

    await("the 9 other jobs are done", () -> driver.count(JobStatus.DONE) == 9);
    Thread.sleep(100);
    int heartbeats = driver.heartbeats.getOrDefault(cursed, new AtomicInteger()).get();
    Thread.sleep(200);

    assertThat(driver.job(cursed).status()).isEqualTo(JobStatus.INFLIGHT);
    assertThat(driver.heartbeats.getOrDefault(cursed, new AtomicInteger()).get()).isEqualTo(heartbeats);
  }
}
