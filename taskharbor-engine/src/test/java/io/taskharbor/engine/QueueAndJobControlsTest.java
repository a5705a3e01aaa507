package io.taskharbor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskharbor.api.Detail;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.engine.event.WorkerListener;
import io.taskharbor.spi.Completion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The worker's side of queue and job controls, on the recording fake driver: a queue's own concurrency on one worker
 * (serial included), stopping one queue while the others run, a cancel of a running job heard at the heartbeat, the
 * details log carried by the outcome, and the error handler. The drivers' side is the TCK's.
 */
class QueueAndJobControlsTest {
  record Work(int n) {}

  private final FakeDriver driver = new FakeDriver();
  private final TaskHarbor harbor = TaskHarbor.builder().driver(driver).build();
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

  @Test
  @DisplayName("a queue's own concurrency caps its jobs on the worker while the other queues use the rest; serial "
      + "runs one at a time")
  void perQueueConcurrency() throws Exception {
    for (int i = 0; i < 30; i++) {
      driver.add("serial", "work", "{\"n\":" + i + "}", 3);
      driver.add("two", "work", "{\"n\":" + i + "}", 3);
      driver.add("free", "work", "{\"n\":" + i + "}", 3);
    }
    java.util.Map<String, AtomicInteger> running = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.Map<String, AtomicInteger> most = new java.util.concurrent.ConcurrentHashMap<>();
    start(harbor.newWorker().queues("serial", "two", "free").concurrency(8).prefetch(4).serial("serial")
        .concurrency("two", 2).handle("work", Work.class, job -> {
          String q = job.queue();
          int now = running.computeIfAbsent(q, k -> new AtomicInteger()).incrementAndGet();
          most.computeIfAbsent(q, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
          Thread.sleep(5);
          running.get(q).decrementAndGet();
        }));
    Await.until("every job is done", () -> driver.count(JobStatus.DONE) == 90);
    assertThat(most.get("serial")).as("serial: one at a time").hasValue(1);
    assertThat(most.get("two").get()).isLessThanOrEqualTo(2);
    assertThat(most.get("free").get()).as("the unlimited queue uses the other threads").isGreaterThan(2);
    assertThatThrownBy(() -> harbor.newWorker().queues("a").concurrency("b", 1).handle("work", Work.class, j -> { })
        .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'b'".replace("'", "\""));
    assertThatThrownBy(() -> harbor.newWorker().concurrency("a", 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("concurrency of queue 'a'");
  }

  @Test
  @DisplayName("stopping one queue waits for its running jobs and reserves no more of it; the others go on")
  void stopOneQueue() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    driver.add("a", "block", "{\"n\":1}", 3);
    Worker w = start(harbor.newWorker().queues("a", "b").concurrency(4).pollInterval(Duration.ofMillis(10))
        .handle("block", Work.class, job -> {
          running.countDown();
          release.await(10, TimeUnit.SECONDS);
        })
        .handle("work", Work.class, job -> { }));
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    Thread stopper = new Thread(() -> w.stopQueue("a"));
    stopper.start();
    Thread.sleep(50);
    assertThat(stopper.isAlive()).as("it waits for the running job of the queue").isTrue();
    release.countDown();
    stopper.join(10_000);
    JobId laterA = driver.add("a", "work", "{\"n\":2}", 3);
    JobId laterB = driver.add("b", "work", "{\"n\":3}", 3);
    Await.until("queue b still runs", () -> driver.job(laterB).status() == JobStatus.DONE);
    Thread.sleep(50);
    assertThat(driver.job(laterA).status()).as("queue a is no longer reserved").isEqualTo(JobStatus.READY);
    assertThatThrownBy(() -> w.stopQueue("c")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("c");
  }

  @Test
  @DisplayName("a cancel requested while the job runs is heard at the heartbeat: the handler is interrupted, the job "
      + "stored CANCELED, a late outcome dropped")
  void cancelARunningJob() throws Exception {
    JobId id = driver.add("q", "block", "{\"n\":1}", 3);
    CountDownLatch running = new CountDownLatch(1);
    AtomicLong interruptedAfter = new AtomicLong(-1);
    List<String> heard = new CopyOnWriteArrayList<>();
    AtomicLong requested = new AtomicLong();
    Worker w = start(harbor.newWorker().queues("q").heartbeatInterval(Duration.ofMillis(50))
        .listener(new WorkerListener() {
          @Override
          public void canceled(JobRecord job) {
            heard.add("canceled " + job.id());
          }
        })
        .handle("block", Work.class, job -> {
          running.countDown();
          try {
            Thread.sleep(10_000);
          } catch (InterruptedException e) {
            interruptedAfter.set(System.nanoTime() - requested.get());
            // a handler that ignores the cancel and returns normally
          }
        }));
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    requested.set(System.nanoTime());
    driver.cancelRequested.add(id);

    Await.until("the job is CANCELED", () -> driver.job(id).status() == JobStatus.CANCELED);
    // the worker stores the cancel without waiting for the handler to return: the interrupt lands at about the same
    // time, on the handler's thread
    Await.until("the handler was interrupted", () -> interruptedAfter.get() > 0);
    assertThat(driver.completions).extracting(Completion::id).containsExactly(id);
    assertThat(driver.completions.get(0)).isInstanceOf(Completion.Cancel.class);
    Await.until("the listeners hear it", () -> heard.contains("canceled " + id));
    assertThat(w.metrics().canceled()).isEqualTo(1);
    assertThat(w.metrics().succeeded()).as("the late return is dropped").isZero();
  }

  @Test
  @DisplayName("lines a handler logs go with the attempt's outcome, timestamped by the client's clock and cut to length")
  void detailsGoWithTheOutcome() throws Exception {
    JobId id = driver.add("q", "work", "{\"n\":1}", 3);
    start(harbor.newWorker().queues("q").handle("work", Work.class, job -> {
      job.log("charging the card");
      job.log("x".repeat(Detail.MAX_LINE_LENGTH + 50));
    }));
    Await.until("the job is done", () -> driver.job(id).status() == JobStatus.DONE);
    Completion.Ack ack = (Completion.Ack) driver.completions.get(0);
    assertThat(ack.details()).extracting(Detail::text).first().isEqualTo("charging the card");
    assertThat(ack.details().get(1).text()).hasSize(Detail.MAX_LINE_LENGTH).endsWith("…");
  }

  @Test
  @DisplayName("the error handler hears every failed execution with queue, id, type and attempt; what it throws "
      + "changes nothing")
  void errorHandler() throws Exception {
    JobId flaky = driver.add("q", "fails", "{\"n\":1}", 2);
    JobId unknown = driver.add("q", "nobody", "{\"n\":2}", 3);
    List<JobFailure> failures = new CopyOnWriteArrayList<>();
    start(harbor.newWorker().queues("q").backoff(attempt -> Duration.ofMillis(1))
        .errorHandler(f -> {
          failures.add(f);
          throw new IllegalStateException("a broken error handler");
        })
        .handle("fails", Work.class, job -> {
          throw new IllegalArgumentException("boom " + job.attempt());
        }));
    Await.until("both jobs are in the DLQ", () -> driver.count(JobStatus.DLQ) == 2);
    assertThat(failures).filteredOn(f -> f.id().equals(flaky)).extracting(JobFailure::attempt).containsExactly(1, 2);
    JobFailure first = failures.stream().filter(f -> f.id().equals(flaky)).findFirst().orElseThrow();
    assertThat(first.queue()).isEqualTo("q");
    assertThat(first.type()).isEqualTo("fails");
    assertThat(first.error()).hasMessage("boom 1");
    assertThat(first.willRetry()).isTrue();
    assertThat(failures).filteredOn(f -> f.id().equals(unknown)).singleElement()
        .satisfies(f -> assertThat(f.error().getMessage()).contains("nobody"));
  }
}
