package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRequest;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.WakeUpNotifications;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The LISTEN/NOTIFY listener survives losing its connection: its backend is killed with {@code pg_terminate_backend}
 * (never by touching the shared server), it reconnects on a new backend by itself, and wake-ups flow again, both to
 * a plain subscriber and to a real worker that would otherwise only poll every 30 s.
 */
@Tag("postgres")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ListenerReconnectTest {

  private static final String QUEUE = "listener-reconnect";
  private static final Duration RECONNECT_BOUND = Duration.ofSeconds(10);
  private static final long NOTIFY_WAIT_SECONDS = 10;

  record Ping(int n) {}

  private String schema;
  private PostgresDriver driver;

  @BeforeEach
  void setUp() {
    schema = TestDatabase.createMigratedSchema();
    driver = PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(2).minIdle(0).build();
  }

  @AfterEach
  void tearDown() {
    if (driver != null) {
      driver.close();
    }
    if (schema != null) {
      TestDatabase.drop(schema);
    }
  }

  private void enqueueDueJob() {
    driver.enqueue(List.of(NewJob.of(JobId.newId(), QUEUE, "ping", "{\"n\":0}")), Instant.now());
  }

  private static void assertHeard(LinkedBlockingQueue<String> heard, String when) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(NOTIFY_WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      String queue = heard.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (QUEUE.equals(queue)) {
        return;
      }
    }
    throw new AssertionError("no wake-up for " + QUEUE + " within " + NOTIFY_WAIT_SECONDS + " s " + when);
  }

  /** Terminates the backend {@code pid} from another connection, after checking it is a live backend. */
  private static void terminate(int pid) throws SQLException {
    try (Connection c = TestDatabase.connect();
        PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
      ps.setInt(1, pid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getBoolean(1)).as("pg_terminate_backend(%d) found the listener's backend", pid).isTrue();
      }
    }
  }

  /** Returns whether the backend {@code pid} is listed in pg_stat_activity. */
  private static boolean backendAlive(int pid) throws SQLException {
    try (Connection c = TestDatabase.connect();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
      ps.setInt(1, pid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  /** Waits until the listener listens on a backend other than {@code old}; returns the new pid. */
  private int awaitReconnected(int old) throws InterruptedException {
    long deadline = System.nanoTime() + RECONNECT_BOUND.toNanos();
    while (System.nanoTime() < deadline) {
      int pid = driver.listenerBackendPid();
      if (pid > 0 && pid != old) {
        return pid;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the listener did not reconnect within " + RECONNECT_BOUND + " (pid now "
        + driver.listenerBackendPid() + ", killed " + old + ")");
  }

  @Test
  @DisplayName("after its backend is terminated, the listener reconnects on a new backend and wake-ups arrive again")
  void theListenerReconnectsAfterItsBackendIsTerminated() throws Exception {
    LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
    Driver.Subscription subscription = notifications(driver).subscribe(heard::add);
    try {
      int first = driver.listenerBackendPid();
      assertThat(first).as("subscribe returns with the listener in place").isPositive();
      enqueueDueJob();
      assertHeard(heard, "before the listener's backend was killed");

      terminate(first);
      int second = awaitReconnected(first);

      assertThat(backendAlive(second)).isTrue();
      heard.clear();
      enqueueDueJob();
      assertHeard(heard, "after the listener reconnected");
      assertThat(driver.listenerBackendPid()).isEqualTo(second);
    } finally {
      subscription.close();
    }
  }

  @Test
  void theListenerSurvivesBeingTerminatedThreeTimesInARow() throws Exception {
    LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
    Driver.Subscription subscription = notifications(driver).subscribe(heard::add);
    try {
      int pid = driver.listenerBackendPid();
      for (int round = 1; round <= 3; round++) {
        terminate(pid);
        pid = awaitReconnected(pid);
      }
      enqueueDueJob();
      assertHeard(heard, "after three reconnects");
    } finally {
      subscription.close();
    }
  }

  @Test
  void closingTheLastSubscriptionStopsListening() throws Exception {
    Driver.Subscription subscription = notifications(driver).subscribe(queue -> { });
    int pid = driver.listenerBackendPid();
    assertThat(pid).isPositive();

    subscription.close();

    assertThat(driver.listenerBackendPid()).isEqualTo(-1);
    long deadline = System.nanoTime() + RECONNECT_BOUND.toNanos();
    while (backendAlive(pid) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(backendAlive(pid)).as("the listener's connection is closed").isFalse();
  }

  @Test
  @DisplayName("a worker polling only every 30 s starts a new job within 2 s once the killed listener is back")
  void aWorkerIsWokenAgainAfterTheListenerReconnects() throws Exception {
    Map<Integer, Long> startedAt = new ConcurrentHashMap<>();
    LinkedBlockingQueue<Integer> started = new LinkedBlockingQueue<>();
    try (TaskHarbor harbor = TaskHarbor.builder().driver(driver).build();
        Worker worker = harbor.newWorker()
            .queues(QUEUE)
            .concurrency(2)
            .pollInterval(Duration.ofSeconds(30))
            .leaseDuration(Duration.ofSeconds(30))
            .shutdownTimeout(Duration.ofSeconds(2))
            .handle("ping", Ping.class, job -> {
              startedAt.put(job.payload().n(), System.nanoTime());
              started.add(job.payload().n());
            })
            .build()) {
      worker.start();
      int first = driver.listenerBackendPid();
      assertThat(first).as("the worker subscribed to wake-ups").isPositive();

      // A first job proves the worker runs; afterwards it sits in its 30 s wait for a wake-up.
      harbor.enqueue(JobRequest.builder("ping", new Ping(1)).queue(QUEUE).build());
      assertThat(started.poll(NOTIFY_WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
      long idleSince = System.nanoTime();

      terminate(first);
      awaitReconnected(first);

      long enqueuedAt = System.nanoTime();
      harbor.enqueue(JobRequest.builder("ping", new Ping(2)).queue(QUEUE).build());
      Integer next = started.poll(NOTIFY_WAIT_SECONDS, TimeUnit.SECONDS);

      assertThat(next).as("the second job ran").isEqualTo(2);
      Duration latency = Duration.ofNanos(startedAt.get(2) - enqueuedAt);
      assertThat(latency).as("from enqueue to start").isLessThan(Duration.ofSeconds(2));
      assertThat(Duration.ofNanos(enqueuedAt - idleSince))
          .as("so little time passed since the worker went idle that its 30 s poll cannot explain the start")
          .isLessThan(Duration.ofSeconds(20));
    }
  }

  private static WakeUpNotifications notifications(Driver driver) {
    return driver.extension(WakeUpNotifications.class).orElseThrow();
  }
}
