package io.taskharbor.driver.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskharbor.api.DriverNotFoundException;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobStatus;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.Drivers;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the TCK does not cover: discovery, the shape of the indexes, and a heavy multi-threaded drain. */
class MemoryDriverTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration LEASE = Duration.ofSeconds(30);

  @Test
  @DisplayName("Drivers.open(\"memory:\") and openDefault() find the memory driver through ServiceLoader")
  void discovery() {
    try (Driver byUri = Drivers.open("memory:");
        Driver byName = Drivers.open("memory:tests");
        Driver byDefault = Drivers.openDefault()) {
      assertThat(byUri).isInstanceOf(MemoryDriver.class);
      assertThat(byName).isInstanceOf(MemoryDriver.class);
      assertThat(byDefault).isInstanceOf(MemoryDriver.class);
    }
  }

  @Test
  @DisplayName("a URI no driver accepts names the drivers that are present")
  void unknownScheme() {
    assertThatThrownBy(() -> Drivers.open("redis://localhost"))
        .isInstanceOf(DriverNotFoundException.class)
        .hasMessageContaining("memory");
  }

  @Test
  @DisplayName("each open gives new, empty storage")
  void separateStorage() {
    try (Driver a = Drivers.open("memory:"); Driver b = Drivers.open("memory:")) {
      a.enqueue(List.of(NewJob.of(JobId.newId(), "q", "t", "{}")), NOW);
      assertThat(b.stats("q", NOW).ready()).isZero();
      assertThat(a.stats("q", NOW).ready()).isOne();
    }
  }

  @Test
  @DisplayName("a backlog of 50,000 scheduled jobs does not change what reserve returns, nor leave index garbage")
  void scheduledBacklog() {
    try (MemoryDriver driver = new MemoryDriver()) {
      List<NewJob> future = new ArrayList<>();
      for (int i = 0; i < 50_000; i++) {
        future.add(new NewJob(JobId.newId(), "q", "t", "{}", i % 5, NOW.plusSeconds(3600 + i), null, 3, null));
      }
      driver.enqueue(future, NOW);
      JobId due = JobId.newId();
      driver.enqueue(List.of(NewJob.of(due, "q", "t", "{}")), NOW);

      List<LeasedJob> leased = driver.reserve("q", 10, NOW, LEASE);

      assertThat(leased).extracting(LeasedJob::id).containsExactly(due);
      assertThat(driver.stats("q", NOW).scheduled()).isEqualTo(50_000);
      assertThat(driver.priorityLevels("q")).isEqualTo(5);
      driver.complete(List.of(new Completion.Ack(due, leased.get(0).token(), null)), NOW);
      driver.purge(Set.of(JobStatus.DONE), NOW.plusSeconds(1));
      assertThat(driver.get(due)).isEmpty();
      assertThat(driver.priorityLevels("q")).isEqualTo(5);
    }
  }

  @Test
  @DisplayName("16 threads draining 20,000 jobs: no job held twice at once, every job acked exactly once")
  void concurrentDrain() throws Exception {
    int jobs = 20_000;
    int threads = 16;
    try (MemoryDriver driver = new MemoryDriver()) {
      List<NewJob> batch = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        batch.add(NewJob.of(JobId.newId(), "q", "t", "{\"n\":" + i + "}"));
      }
      driver.enqueue(batch, NOW);
      Set<JobId> held = ConcurrentHashMap.newKeySet();
      Set<JobId> acked = ConcurrentHashMap.newKeySet();
      AtomicInteger doubleHolds = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          start.await();
          while (true) {
            List<LeasedJob> leased = driver.reserve("q", 8, NOW, LEASE);
            if (leased.isEmpty()) {
              return null;
            }
            List<Completion> acks = new ArrayList<>();
            for (LeasedJob job : leased) {
              if (!held.add(job.id())) {
                doubleHolds.incrementAndGet();
              }
              acks.add(new Completion.Ack(job.id(), job.token(), null));
            }
            for (LeasedJob job : leased) {
              held.remove(job.id());
            }
            for (Outcome outcome : driver.complete(acks, NOW)) {
              if (!outcome.isOk() || !acked.add(outcome.id())) {
                refused.incrementAndGet();
              }
            }
          }
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();

      assertThat(doubleHolds).hasValue(0);
      assertThat(refused).hasValue(0);
      assertThat(acked).hasSize(jobs);
      assertThat(driver.stats("q", NOW).done()).isEqualTo(jobs);
    }
  }

  @Test
  @DisplayName("reserve looks at the jobs it leases and about one per priority level, whatever the queue holds")
  void reserveNeverScansTheQueue() {
    Instant now = Instant.parse("2030-01-01T00:00:00Z");
    try (MemoryDriver driver = new MemoryDriver()) {
      List<NewJob> backlog = new ArrayList<>();
      for (int i = 0; i < 100_000; i++) {
        backlog.add(new NewJob(JobId.newId(), "big", "t", "{}", i % 3, now.plusSeconds(60 + i), null, 25, null));
      }
      driver.enqueue(backlog, now);
      List<NewJob> finished = new ArrayList<>();
      for (int i = 0; i < 5_000; i++) {
        finished.add(new NewJob(JobId.newId(), "big", "t", "{}", 0, null, null, 25, null));
      }
      driver.enqueue(finished, now);
      List<Completion> acks = new ArrayList<>();
      for (LeasedJob job : driver.reserve("big", 5_000, now, Duration.ofMinutes(5))) {
        acks.add(new Completion.Ack(job.id(), job.token(), null));
      }
      driver.complete(acks, now);
      List<NewJob> due = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        due.add(new NewJob(JobId.newId(), "big", "t", "{}", i % 3, null, null, 25, null));
      }
      driver.enqueue(due, now);

      long before = driver.reserveLookups();
      List<LeasedJob> leased = driver.reserve("big", 10, now, Duration.ofMinutes(5));
      long looked = driver.reserveLookups() - before;

      assertThat(leased).hasSize(10);
      assertThat(looked).as("jobs looked at by one reserve of 10 in a queue of 105,020").isLessThanOrEqualTo(10 + 3);
      before = driver.reserveLookups();
      assertThat(driver.reserve("big", 100, now, Duration.ofMinutes(5))).hasSize(10);
      assertThat(driver.reserveLookups() - before).as("when only 10 are due").isLessThanOrEqualTo(10 + 3);
    }
  }
}
