package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.api.JobStatus;
import io.taskharbor.api.StaleTermException;
import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.LeaderLease;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How the PostgreSQL driver keeps a leader-only call's term check and its write atomic (TCK rule CRD-24, which no
 * black-box test can provoke): the call reads the lease row {@code FOR SHARE} in its transaction, so an acquisition
 * waits for the call to commit, and a call waits for an acquisition in flight and then sees its new term. The other
 * side of each race is played by hand, on a connection of the test's own that holds the lock.
 */
@Tag("postgres")
class CoordinationLockingTest {

  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration TTL = Duration.ofSeconds(15);
  private static final Duration BLOCKED = Duration.ofMillis(400);

  private String schema;
  private PostgresDriver driver;
  private Coordination coordination;

  @BeforeEach
  void open() {
    schema = TestDatabase.createMigratedSchema();
    driver = PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(3).minIdle(1).build();
    coordination = driver.extension(Coordination.class).orElseThrow();
  }

  @AfterEach
  void close() {
    driver.close();
    TestDatabase.drop(schema);
  }

  /** Asserts that {@code call} is still waiting after a while. */
  private static void assertBlocked(CompletableFuture<?> call) throws InterruptedException, ExecutionException {
    try {
      call.get(BLOCKED.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("the call should wait for the lock, but returned " + call.getNow(null));
    } catch (TimeoutException expected) {
      // waiting, as it must
    }
  }

  @Test
  void anAcquisitionWaitsForALeaderOnlyCallInFlight() throws Exception {
    LeaderLease first = coordination.acquire("cluster", "node-a", T, TTL);
    try (Connection fenced = TestDatabase.connect(); Statement st = fenced.createStatement()) {
      fenced.setAutoCommit(false);
      // What a leader-only call of node-a does first, at an instant its lease is still valid.
      st.execute("SELECT term FROM " + schema + ".th_leaders WHERE name = 'cluster' FOR SHARE");

      CompletableFuture<LeaderLease> takeover =
          CompletableFuture.supplyAsync(() -> coordination.acquire("cluster", "node-b", first.expiresAt(), TTL));
      assertBlocked(takeover);

      fenced.commit();
      assertThat(takeover.get(10, TimeUnit.SECONDS)).isEqualTo(new LeaderLease("cluster", "node-b", 2,
          first.expiresAt().plus(TTL)));
    }
  }

  @Test
  void aLeaderOnlyCallWaitsForAnAcquisitionInFlightAndIsThenRefused() throws Exception {
    LeaderLease first = coordination.acquire("cluster", "node-a", T, TTL);
    try (Connection acquiring = TestDatabase.connect(); Statement st = acquiring.createStatement()) {
      acquiring.setAutoCommit(false);
      // An acquisition by node-b that has written the row but not committed yet.
      st.execute("UPDATE " + schema + ".th_leaders SET holder = 'node-b', term = term + 1, expires_at = "
          + "expires_at + interval '1 hour' WHERE name = 'cluster'");

      Instant stillValid = first.expiresAt().minusNanos(1_000);
      CompletableFuture<Long> purge = CompletableFuture.supplyAsync(
          () -> coordination.purge("cluster", 1, EnumSet.of(JobStatus.DONE), stillValid, stillValid));
      assertBlocked(purge);

      acquiring.commit();
      Throwable refused = catchThrowable(() -> purge.get(10, TimeUnit.SECONDS));
      assertThat(refused).isInstanceOf(ExecutionException.class).cause().isInstanceOf(StaleTermException.class);
      StaleTermException stale = (StaleTermException) refused.getCause();
      assertThat(stale.currentTerm()).isEqualTo(2);
      assertThat(stale.currentHolder()).isEqualTo("node-b");
    }
  }

  @Test
  void aRecoveryWaitsForAHeartbeatInFlightAndThenSparesTheNode() throws Exception {
    coordination.register(io.taskharbor.spi.NodeInfo.builder("node-slow", T).build(), T);
    driver.enqueue(java.util.List.of(io.taskharbor.spi.NewJob.of(io.taskharbor.api.JobId.newId(), "q", "t", "{}")),
        T);
    assertThat(driver.reserve("q", 1, T, Duration.ofMinutes(5), "node-slow")).hasSize(1);
    coordination.acquire("cluster", "node-a", T.plusSeconds(25), TTL);
    Instant late = T.plusSeconds(30);
    try (Connection beating = TestDatabase.connect(); Statement st = beating.createStatement()) {
      beating.setAutoCommit(false);
      st.execute("UPDATE " + schema + ".th_nodes SET last_heartbeat = '" + late + "' WHERE id = 'node-slow'");

      CompletableFuture<Integer> recovery = CompletableFuture.supplyAsync(
          () -> coordination.recoverOrphans("cluster", 1, late, Duration.ofSeconds(20)));
      assertBlocked(recovery);

      beating.commit();
      assertThat(recovery.get(10, TimeUnit.SECONDS)).as("jobs recovered of a node that heartbeat meanwhile").isZero();
    }
  }
}
