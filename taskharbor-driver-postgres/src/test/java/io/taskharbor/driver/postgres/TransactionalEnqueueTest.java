package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.api.DuplicateJobException;
import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.Limits;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.WakeUpNotifications;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PostgresDriver#enqueue(Connection, List, Instant)}: jobs enqueued on the application's own connection, in the
 * middle of its transaction, exist for everybody else only once the application commits, and never after a rollback;
 * wake-ups follow the commit; and the driver leaves the connection and its transaction alone.
 *
 * <p>"Not seen" is always checked through the public API on the driver's own pool (another connection), and "not
 * notified" is checked without sleeping: a marker job is enqueued and committed afterwards, and PostgreSQL delivers
 * notifications in commit order, so once the marker's wake-up has arrived, an earlier one would have arrived too.
 */
@Tag("postgres")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransactionalEnqueueTest {

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Instant LATER = T0.plusSeconds(1);
  private static final Duration LEASE = Duration.ofMinutes(5);
  private static final String QUEUE = "tx-orders";
  private static final String MARKER = "tx-marker";
  private static final long WAIT_SECONDS = 10;

  private String schema;
  private PostgresDriver driver;
  private Connection app;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void setUp() throws SQLException {
    schema = TestDatabase.createMigratedSchema();
    driver = PostgresDriver.builder().dsn(TestDatabase.dsn(schema)).poolSize(3).minIdle(0).build();
    app = TestDatabase.connect();
    app.setAutoCommit(false);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    if (app != null && !app.isClosed()) {
      app.rollback();
      app.close();
    }
    if (driver != null) {
      driver.close();
    }
    if (schema != null) {
      TestDatabase.drop(schema);
    }
  }

  private static NewJob job(JobId id) {
    return NewJob.of(id, QUEUE, "ship-order", "{\"order\":42}");
  }

  private static NewJob keyed(JobId id, String key) {
    return new NewJob(id, QUEUE, "ship-order", "{\"order\":42}", 0, null, key, Limits.DEFAULT_MAX_ATTEMPTS, null);
  }

  private static QueueStats empty(String queue) {
    return new QueueStats(queue, 0, 0, 0, 0, 0, 0);
  }

  // ---------------------------------------------------------------------------------------------- (a) (b) (c)

  @Test
  @DisplayName("a job enqueued in the application's transaction is gone without a trace when the application rolls back")
  void aRollbackLeavesNoJob() throws SQLException {
    JobId id = JobId.newId();
    List<EnqueueResult> results = driver.enqueue(app, List.of(job(id)), T0);
    assertThat(results).containsExactly(new EnqueueResult(id, true));

    app.rollback();

    assertThat(driver.get(id)).isEmpty();
    assertThat(driver.reserve(QUEUE, 10, LATER, LEASE)).isEmpty();
    assertThat(driver.stats(QUEUE, LATER)).isEqualTo(empty(QUEUE));
  }

  @Test
  @DisplayName("before the application commits, other connections neither see nor reserve the job")
  void anUncommittedJobIsInvisibleToOtherConnections() throws SQLException {
    JobId id = JobId.newId();
    driver.enqueue(app, List.of(job(id)), T0);

    assertThat(driver.get(id)).isEmpty();
    assertThat(driver.reserve(QUEUE, 10, LATER, LEASE)).as("reserve on another connection").isEmpty();
    assertThat(driver.stats(QUEUE, LATER)).isEqualTo(empty(QUEUE));

    app.commit();
    assertThat(driver.get(id)).map(JobRecord::status).contains(JobStatus.READY);
  }

  @Test
  @DisplayName("once the application commits, the driver reserves the job on a connection of its own")
  void aCommittedJobIsReservableByTheDriver() throws SQLException {
    JobId id = JobId.newId();
    driver.enqueue(app, List.of(job(id)), T0);

    app.commit();

    List<LeasedJob> leased = driver.reserve(QUEUE, 10, LATER, LEASE);
    assertThat(leased).extracting(LeasedJob::id).containsExactly(id);
    JobRecord record = leased.get(0).job();
    assertThat(record.status()).isEqualTo(JobStatus.INFLIGHT);
    assertThat(record.attempts()).isEqualTo(1);
    assertThat(record.createdAt()).isEqualTo(T0);
    assertThat(record.leaseExpiresAt()).isEqualTo(LATER.plus(LEASE));
    assertThat(driver.stats(QUEUE, LATER)).isEqualTo(new QueueStats(QUEUE, 0, 0, 1, 0, 0, 0));
  }

  @Test
  void anEnqueueOnAnAutoCommitConnectionIsVisibleAtOnce() throws SQLException {
    try (Connection auto = TestDatabase.connect()) {
      JobId id = JobId.newId();
      assertThat(driver.enqueue(auto, List.of(job(id)), T0)).containsExactly(new EnqueueResult(id, true));

      assertThat(auto.getAutoCommit()).isTrue();
      assertThat(driver.get(id)).isPresent();
    }
  }

  // ---------------------------------------------------------------------------------------------- (d) wake-ups

  /** Collects the queue names of wake-ups in arrival order. */
  private LinkedBlockingQueue<String> subscribe() {
    LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
    closeables.add(notifications(driver).subscribe(heard::add));
    return heard;
  }

  /**
   * Enqueues and commits a marker job on the driver's own connection, waits for its wake-up, and returns every
   * wake-up heard up to and including it.
   */
  private List<String> wakeUpsUntilMarker(LinkedBlockingQueue<String> heard) throws InterruptedException {
    driver.enqueue(List.of(NewJob.of(JobId.newId(), MARKER, "marker", "{}")), T0);
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (true) {
      String queue = heard.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (queue == null) {
        throw new AssertionError("no wake-up for the marker job within " + WAIT_SECONDS + " s; heard " + seen);
      }
      seen.add(queue);
      if (queue.equals(MARKER)) {
        return seen;
      }
    }
  }

  private static boolean heardWithin(LinkedBlockingQueue<String> heard, String queue) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      String q = heard.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (queue.equals(q)) {
        return true;
      }
    }
    return false;
  }

  @Test
  @DisplayName("subscribers are woken for a job enqueued in the application's transaction only after the commit")
  void theWakeUpComesAfterTheCommitNotBefore() throws Exception {
    LinkedBlockingQueue<String> heard = subscribe();
    driver.enqueue(app, List.of(job(JobId.newId())), T0);

    assertThat(wakeUpsUntilMarker(heard)).as("wake-ups heard while the transaction is open").doesNotContain(QUEUE);

    app.commit();

    assertThat(heardWithin(heard, QUEUE)).as("a wake-up for %s after the commit", QUEUE).isTrue();
  }

  @Test
  @DisplayName("a rolled-back enqueue wakes nobody")
  void aRolledBackEnqueueWakesNobody() throws Exception {
    LinkedBlockingQueue<String> heard = subscribe();
    driver.enqueue(app, List.of(job(JobId.newId())), T0);

    app.rollback();

    assertThat(wakeUpsUntilMarker(heard)).as("wake-ups heard after the rollback").containsExactly(MARKER);
  }

  // ---------------------------------------------------------------------------------------------- (e) keys

  @Test
  @DisplayName("a key that a committed job holds makes the enqueue in the application's transaction report that job")
  void aKeyHeldByACommittedJobIsReportedWithItsIdInsideTheTransaction() throws SQLException {
    JobId holder = JobId.newId();
    assertThat(driver.enqueue(List.of(keyed(holder, "order-42")), T0)).containsExactly(new EnqueueResult(holder, true));
    JobRecord before = driver.get(holder).orElseThrow();

    JobId second = JobId.newId();
    JobId unkeyed = JobId.newId();
    List<EnqueueResult> results = driver.enqueue(app, List.of(keyed(second, "order-42"), job(unkeyed)), LATER);

    assertThat(results).containsExactly(new EnqueueResult(holder, false), new EnqueueResult(unkeyed, true));
    app.commit();
    assertThat(driver.get(second)).as("the second job with the key was not stored").isEmpty();
    assertThat(driver.get(unkeyed)).isPresent();
    assertThat(driver.get(holder)).contains(before);
    assertThat(driver.findByIdempotencyKey(QUEUE, "order-42")).map(JobRecord::id).contains(holder);
  }

  @Test
  @DisplayName("an enqueue racing the application's open transaction for a key waits for it and then reports the truth")
  void anEnqueueRacingAnOpenTransactionForAKeyReportsTheCommittedHolder() throws Exception {
    Race race = raceTheApplicationFor("order-7");

    app.commit();

    assertThat(race.racing().get(WAIT_SECONDS, TimeUnit.SECONDS))
        .containsExactly(new EnqueueResult(race.appJob(), false));
    assertThat(driver.get(race.racer())).isEmpty();
    assertThat(driver.findByIdempotencyKey(QUEUE, "order-7")).map(JobRecord::id).contains(race.appJob());
  }

  @Test
  @DisplayName("an enqueue racing the application's open transaction for a key stores its job when the application rolls back")
  void anEnqueueRacingARolledBackTransactionForAKeyStoresItsJob() throws Exception {
    Race race = raceTheApplicationFor("order-8");

    app.rollback();

    assertThat(race.racing().get(WAIT_SECONDS, TimeUnit.SECONDS))
        .containsExactly(new EnqueueResult(race.racer(), true));
    assertThat(driver.get(race.appJob())).isEmpty();
    assertThat(driver.findByIdempotencyKey(QUEUE, "order-8")).map(JobRecord::id).contains(race.racer());
  }

  /** A job the application's open transaction holds a key with, and an enqueue of the same key racing it. */
  private record Race(JobId appJob, JobId racer, CompletableFuture<List<EnqueueResult>> racing) {}

  /**
   * Enqueues a job with {@code key} inside the application's open transaction, then starts an enqueue of another job
   * with the same key on the driver's own connection, and waits until that one is blocked on the application.
   */
  private Race raceTheApplicationFor(String key) throws Exception {
    JobId appJob = JobId.newId();
    driver.enqueue(app, List.of(keyed(appJob, key)), T0);
    String appXid = ownTransactionId(app);
    JobId racer = JobId.newId();
    CompletableFuture<List<EnqueueResult>> racing =
        CompletableFuture.supplyAsync(() -> driver.enqueue(List.of(keyed(racer, key)), LATER));
    awaitWaiterOrDone(appXid, racing);
    assertThat(racing).as("the racing enqueue cannot know the answer before the application decides").isNotDone();
    return new Race(appJob, racer, racing);
  }

  /** The transaction id that {@code c}'s open transaction holds (it has written, so it has one). */
  private static String ownTransactionId(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT transactionid::text FROM pg_locks WHERE pid = pg_backend_pid() "
            + "AND locktype = 'transactionid' AND granted")) {
      assertThat(rs.next()).as("the application's transaction has a transaction id").isTrue();
      return rs.getString(1);
    }
  }

  /**
   * Waits until some session waits for the transaction {@code xid} (the racing enqueue, blocked on the key), or the
   * racing call finished (which the caller then reports as a failure); at most {@value #WAIT_SECONDS} s.
   */
  private static void awaitWaiterOrDone(String xid, CompletableFuture<?> racing) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    try (Connection observer = TestDatabase.connect();
        PreparedStatement ps = observer.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype = "
            + "'transactionid' AND transactionid::text = ? AND NOT granted")) {
      ps.setString(1, xid);
      while (!racing.isDone() && System.nanoTime() < deadline) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getLong(1) > 0) {
            return;
          }
        }
        Thread.sleep(10);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- (f) hands off

  @Test
  @DisplayName("the driver neither commits, rolls back nor closes the application's connection: the job and the "
      + "application's own row commit together")
  void theDriverLeavesTheApplicationsTransactionAlone() throws SQLException {
    TestDatabase.execute("CREATE TABLE " + schema + ".app_orders (id INT PRIMARY KEY, note TEXT NOT NULL)");
    int isolation = app.getTransactionIsolation();
    insertOrder(app, 1);
    String xidBefore = ownTransactionId(app);
    JobId id = JobId.newId();

    driver.enqueue(app, List.of(job(id)), T0);

    assertThat(app.isClosed()).isFalse();
    assertThat(app.getAutoCommit()).isFalse();
    assertThat(app.getTransactionIsolation()).isEqualTo(isolation);
    assertThat(ownTransactionId(app)).as("still the same transaction").isEqualTo(xidBefore);
    assertThat(orderCount(app)).as("the application sees its own row").isEqualTo(1);
    assertThat(jobCount(app)).as("and the job, in its transaction").isEqualTo(1);
    assertThat(orderCountElsewhere()).as("the application's row is still pending").isZero();
    assertThat(driver.get(id)).isEmpty();

    app.commit();

    assertThat(orderCountElsewhere()).isEqualTo(1);
    assertThat(driver.get(id)).isPresent();
  }

  @Test
  void aRollbackTakesTheApplicationsRowAndTheJobAway() throws SQLException {
    TestDatabase.execute("CREATE TABLE " + schema + ".app_orders (id INT PRIMARY KEY, note TEXT NOT NULL)");
    insertOrder(app, 1);
    JobId id = JobId.newId();
    driver.enqueue(app, List.of(job(id)), T0);
    insertOrder(app, 2);

    app.rollback();

    assertThat(orderCountElsewhere()).isZero();
    assertThat(driver.get(id)).isEmpty();
    assertThat(app.isClosed()).isFalse();
  }

  @Test
  @DisplayName("a duplicate id in the application's transaction is a DuplicateJobException; the connection stays the "
      + "application's to roll back")
  void aDuplicateIdInTheApplicationsTransactionIsReportedAndTheConnectionStaysOpen() throws SQLException {
    JobId id = JobId.newId();
    driver.enqueue(List.of(job(id)), T0);
    JobRecord before = driver.get(id).orElseThrow();

    Throwable thrown = catchThrowable(() -> driver.enqueue(app, List.of(job(JobId.newId()), job(id)), LATER));

    assertThat(thrown).isInstanceOf(DuplicateJobException.class);
    assertThat(((DuplicateJobException) thrown).jobId()).isEqualTo(id);
    assertThat(app.isClosed()).isFalse();
    assertThat(app.getAutoCommit()).isFalse();
    app.rollback();
    assertThat(driver.stats(QUEUE, LATER)).isEqualTo(new QueueStats(QUEUE, 1, 0, 0, 0, 0, 0));
    assertThat(driver.get(id)).contains(before);
  }

  private void insertOrder(Connection c, int id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".app_orders VALUES (?, 'paid')")) {
      ps.setInt(1, id);
      ps.executeUpdate();
    }
  }

  private long orderCount(Connection c) throws SQLException {
    return count(c, "SELECT count(*) FROM " + schema + ".app_orders");
  }

  private long jobCount(Connection c) throws SQLException {
    return count(c, "SELECT count(*) FROM " + schema + ".th_jobs");
  }

  private long orderCountElsewhere() throws SQLException {
    try (Connection other = TestDatabase.connect()) {
      return orderCount(other);
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static WakeUpNotifications notifications(Driver driver) {
    return driver.extension(WakeUpNotifications.class).orElseThrow();
  }
}
