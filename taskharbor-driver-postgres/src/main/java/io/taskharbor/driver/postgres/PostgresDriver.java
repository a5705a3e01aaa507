package io.taskharbor.driver.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.taskharbor.api.DriverException;
import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Page;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.support.Validation;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.Definitions;
import io.taskharbor.spi.JobControls;
import io.taskharbor.spi.QueueControls;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
import io.taskharbor.spi.Statistics;
import io.taskharbor.spi.WakeUpNotifications;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL driver: jobs in the table {@code th_jobs} of one schema, reached through a HikariCP pool that the
 * driver owns (opened from a DSN) or through a {@link DataSource} that the application owns (the driver never closes
 * it). Thread-safe. Every call is one SQL statement in the common case; time always comes from the caller's
 * {@code now}, never from the database clock (which only {@code Coordination.serverTime()} reads, for the engine to
 * calibrate its clock with).
 *
 * <pre>{@code
 * try (PostgresDriver driver = PostgresDriver.open("postgres://app:secret@db:5432/app?schema=jobs")) {
 *   driver.migrate();   // creates or updates th_jobs; safe when many processes start at once
 *   ...
 * }
 * }</pre>
 *
 * <p>The schema must exist; {@link #migrate()} creates the tables in it. It offers {@link
 * WakeUpNotifications}: enqueues, and retries, releases and requeues that make a job due, notify
 * subscribers through {@code LISTEN/NOTIFY} on a channel of the schema. Failures of the database are {@link
 * DriverException}s ({@link DriverException#isTransient()} for lost connections, serialization failures, deadlocks,
 * shutdowns and exhausted resources); messages never hold a password.
 *
 * <p>For distributed mode it offers {@link Coordination} (the tables {@code th_nodes} and {@code th_leaders}; see
 * {@code PostgresCoordination} for how each race is closed) and {@link Statistics} (one aggregate over the live rows).
 * Reserve records the reserving node in {@code th_jobs.leased_by} and the start in {@code started_at}.
 *
 * <p>For queue and job controls it offers {@link QueueControls}, {@link JobControls} and {@link Definitions} (see
 * {@code PostgresControls} and {@code PostgresDefinitions}); reserve honours the queue settings, and completions
 * store the details log that their handlers wrote.
 */
public final class PostgresDriver implements Driver {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresDriver.class);
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final DataSource dataSource;
  private final @Nullable HikariDataSource pool;
  private final JobStore store;
  private final Notifier notifier;
  private final SqlErrors errors;
  private final String schema;
  private final String target;
  private final int maxPayloadBytes;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final WakeUpNotifications notifications = new WakeUpNotifications() {
    @Override
    public Subscription subscribe(Consumer<String> listener) {
      return listen(listener);
    }

    @Override
    public Subscription subscribeCancels(Consumer<JobId> listener) {
      Objects.requireNonNull(listener, "listener must not be null");
      return listenRaw(payload -> {
        if (payload.startsWith(PostgresControls.CANCEL_PAYLOAD)) {
          try {
            listener.accept(JobId.parse(payload.substring(PostgresControls.CANCEL_PAYLOAD.length())));
          } catch (IllegalArgumentException e) {
            // not one of ours: a hint is dropped, never an error
          }
        }
      });
    }
  };
  private final PostgresCoordination coordination;
  private final Statistics statistics = this::liveJobs;
  private final PostgresControls controls;
  private final PostgresDefinitions definitions;

  private PostgresDriver(
      DataSource dataSource, @Nullable HikariDataSource pool, Notifier.ConnectionSource listenerConnections,
      Options options, String target, SqlErrors errors) {
    this.dataSource = dataSource;
    this.pool = pool;
    this.schema = options.schema();
    this.target = target;
    this.errors = errors;
    this.maxPayloadBytes = options.maxPayloadBytes();
    String channel = channel(schema);
    Statements statements = new Statements(schema);
    this.store = new JobStore(statements, channel);
    this.notifier = new Notifier(listenerConnections, channel, schema);
    PostgresCoordination.Connections connections = new PostgresCoordination.Connections() {
      @Override
      public <T> T run(String operation, PostgresCoordination.Sql<T> work) {
        return PostgresDriver.this.run(operation, work::apply);
      }

      @Override
      public <T> T transaction(String operation, PostgresCoordination.Sql<T> work) {
        return PostgresDriver.this.transaction(operation, work::apply);
      }

      @Override
      public void ensureOpen() {
        open();
      }
    };
    this.coordination = new PostgresCoordination(schema, connections, store);
    this.controls = new PostgresControls(statements, connections, store);
    this.definitions = new PostgresDefinitions(statements, connections);
  }

  /**
   * Opens a driver from a DSN such as {@code postgres://user:password@host:5432/db?schema=jobs&poolSize=20}; the
   * same as {@code builder().dsn(dsn).build()}.
   *
   * @throws IllegalArgumentException if the DSN or an option is malformed, or the schema does not exist
   * @throws DriverException if the database cannot be reached
   */
  public static PostgresDriver open(String dsn) {
    return builder().dsn(dsn).build();
  }

  /**
   * Opens a plain JDBC connection (auto-commit, not pooled, not TaskHarbor's) to the database of a DSN, read exactly
   * as {@link #open} reads it, with the DSN's user, password and JDBC driver properties; TaskHarbor's options in it
   * are ignored. For work outside TaskHarbor, such as creating the schema before the driver opens. The caller closes
   * it.
   *
   * @throws IllegalArgumentException if the DSN is malformed; the message names the part, never the password
   * @throws SQLException if the database cannot be reached; its messages (and its causes') hold no password
   */
  public static Connection connect(String dsn) throws SQLException {
    Dsn parsed = Dsn.parse(Objects.requireNonNull(dsn, "dsn must not be null"));
    SqlErrors errors = new SqlErrors(parsed.redacted(), parsed.password());
    try {
      return new DsnDataSource(parsed.jdbcUrl(), parsed.properties(), parsed.redacted()).getConnection();
    } catch (SQLException e) {
      throw (SQLException) errors.sanitized(e);
    }
  }

  /** Returns a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the LISTEN/NOTIFY channel of a schema: {@code taskharbor_<schema>}, hashed when too long. */
  static String channel(String schema) {
    String name = "taskharbor_" + schema;
    if (name.length() <= 63) {
      return name;
    }
    String hash = Long.toHexString(Migrations.lockKey(schema) & 0xffff_ffffL);
    return name.substring(0, 63 - hash.length() - 1) + "_" + hash;
  }

  @Override
  public String name() {
    return "postgres";
  }

  /**
   * Offers {@link WakeUpNotifications} (through {@code LISTEN/NOTIFY}), {@link Coordination}, {@link Statistics},
   * {@link QueueControls} and {@link JobControls} (one object, over {@code th_queue_settings} and {@code th_jobs}) and
   * {@link Definitions} (over {@code th_task_definitions}); each is one object for the life of the driver.
   */
  @Override
  public <T> Optional<T> extension(Class<T> type) {
    Objects.requireNonNull(type, "type must not be null");
    if (type == WakeUpNotifications.class) {
      return Optional.of(type.cast(notifications));
    }
    if (type == Coordination.class) {
      return Optional.of(type.cast(coordination));
    }
    if (type == Statistics.class) {
      return Optional.of(type.cast(statistics));
    }
    if (type == QueueControls.class || type == JobControls.class) {
      return Optional.of(type.cast(controls));
    }
    if (type == Definitions.class) {
      return Optional.of(type.cast(definitions));
    }
    return Optional.empty();
  }

  /** Returns the schema that holds this driver's tables. */
  public String schema() {
    return schema;
  }

  /**
   * Applies every pending schema change (Liquibase changelogs inside this jar) to the driver's schema, recording
   * them in {@code th_schema_migrations}. Running it again changes nothing. Safe when many threads or processes call
   * it at once: they take turns on an advisory lock, and each change is applied once.
   *
   * @throws DriverException if a change cannot be applied
   */
  public void migrate() {
    open();
    try (Connection c = dataSource.getConnection()) {
      Migrations.migrate(c, schema);
    } catch (SQLException e) {
      throw errors.translate("migrate", e);
    } catch (Exception e) {
      throw migrationFailure("migrate", e);
    }
  }

  /**
   * Returns the SQL that {@link #migrate()} would run now against this database, for a DBA to review and apply by
   * hand (Liquibase's update-sql): the pending changes plus the ledger bookkeeping (and, on a first run, the ledger
   * and lock tables); no DDL when the schema is current. Applies nothing.
   *
   * @throws DriverException if the database cannot be read
   */
  public String migrationSql() {
    open();
    try (Connection c = dataSource.getConnection()) {
      return Migrations.updateSql(c, schema);
    } catch (SQLException e) {
      throw errors.translate("migrationSql", e);
    } catch (Exception e) {
      throw migrationFailure("migrationSql", e);
    }
  }

  private DriverException migrationFailure(String operation, Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        return errors.translate(operation, s);
      }
    }
    return errors.translate(operation, new IllegalStateException(e.getMessage(), e), false);
  }

  // ------------------------------------------------------------------------------------------------------ jobs

  @Override
  public List<EnqueueResult> enqueue(List<NewJob> jobs, Instant now) {
    open();
    Instant at = checkBatch(jobs, now);
    if (jobs.isEmpty()) {
      return List.of();
    }
    return run("enqueue", c -> store.enqueue(c, jobs, at, true));
  }

  /**
   * Enqueues inside the application's own transaction: the jobs are stored on {@code connection} (any connection to
   * this driver's database, typically one in the middle of a transaction) and become visible, and wake subscribers,
   * only when the application commits; a rollback leaves no job. The driver neither commits, rolls back nor closes
   * the connection. Same results and rules as {@link #enqueue(List, Instant)}, except that a duplicate id also
   * aborts the application's transaction (as any failed statement does in PostgreSQL).
   *
   * @throws io.taskharbor.api.DuplicateJobException if a job's id is already stored (or repeats in the batch)
   * @throws DriverException if the statement fails
   */
  public List<EnqueueResult> enqueue(Connection connection, List<NewJob> jobs, Instant now) {
    open();
    Objects.requireNonNull(connection, "connection must not be null");
    Instant at = checkBatch(jobs, now);
    if (jobs.isEmpty()) {
      return List.of();
    }
    try {
      return store.enqueue(connection, jobs, at, connection.getAutoCommit());
    } catch (SQLException e) {
      throw errors.translate("enqueue", e);
    }
  }

  /** Validates a whole batch before any statement, so that a bad job never leaves part of its batch stored. */
  private Instant checkBatch(List<NewJob> jobs, Instant now) {
    Objects.requireNonNull(jobs, "jobs must not be null");
    for (NewJob job : jobs) {
      Objects.requireNonNull(job, "jobs must not contain null");
      checkSize(job.payload(), "payload", job.id());
    }
    return Validation.now(now);
  }

  private void checkSize(String json, String field, JobId id) {
    Validation.payloadSize(json, maxPayloadBytes, field, id);
  }

  /** Reserves with no holder: leased_by becomes null, as {@link #reserve(String, int, Instant, Duration, String)}. */
  @Override
  public List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease) {
    return reserve(queue, max, now, lease, null);
  }

  /**
   * Reserves, in the one reserve statement, recording {@code holder} as each leased job's leased_by and {@code now}
   * as its started_at; both stay after the job leaves INFLIGHT, until the next reservation.
   */
  @Override
  public List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease, @Nullable String holder) {
    open();
    Validation.queue(queue);
    Validation.max(max);
    Instant at = Validation.now(now);
    Duration leaseFor = Validation.lease(lease);
    String by = CoordinationChecks.holder(holder);
    return run("reserve", c -> store.reserve(c, queue, max, at, leaseFor, by));
  }

  @Override
  public Instant extendLease(JobId id, LeaseToken token, Instant now, Duration lease) {
    open();
    Objects.requireNonNull(id, "id must not be null");
    Objects.requireNonNull(token, "token must not be null");
    Instant at = Validation.now(now);
    Duration leaseFor = Validation.lease(lease);
    return run("extendLease", c -> store.extendLease(c, id, token, at, leaseFor));
  }

  @Override
  public List<Outcome> complete(List<Completion> completions, Instant now) {
    open();
    Objects.requireNonNull(completions, "completions must not be null");
    for (Completion completion : completions) {
      Objects.requireNonNull(completion, "completions must not contain null");
      if (completion instanceof Completion.Ack ack && ack.result() != null) {
        checkSize(ack.result(), "result", ack.id());
      }
    }
    Instant at = Validation.now(now);
    if (completions.isEmpty()) {
      return List.of();
    }
    return run("complete", c -> store.complete(c, completions, at));
  }

  @Override
  public Optional<JobRecord> get(JobId id) {
    open();
    Objects.requireNonNull(id, "id must not be null");
    return run("get", c -> store.get(c, id));
  }

  @Override
  public Optional<JobRecord> findByIdempotencyKey(String queue, String key) {
    open();
    Validation.queue(queue);
    Validation.idempotencyKey(key);
    return run("findByIdempotencyKey", c -> store.findByIdempotencyKey(c, queue, key));
  }

  @Override
  public Page<JobRecord> list(JobQuery query) {
    open();
    Objects.requireNonNull(query, "query must not be null");
    return run("list", c -> store.list(c, query));
  }

  @Override
  public QueueStats stats(String queue, Instant now) {
    open();
    Validation.queue(queue);
    Instant at = Validation.now(now);
    return run("stats", c -> store.stats(c, queue, at));
  }

  @Override
  public void requeue(JobId id, boolean resetAttempts, Instant now) {
    open();
    Objects.requireNonNull(id, "id must not be null");
    Instant at = Validation.now(now);
    run("requeue", c -> {
      store.requeue(c, id, resetAttempts, at);
      return null;
    });
  }

  @Override
  public void cancel(JobId id, Instant now) {
    open();
    Objects.requireNonNull(id, "id must not be null");
    Instant at = Validation.now(now);
    run("cancel", c -> {
      store.cancel(c, id, at);
      return null;
    });
  }

  @Override
  public void delete(JobId id) {
    open();
    Objects.requireNonNull(id, "id must not be null");
    run("delete", c -> {
      store.delete(c, id);
      return null;
    });
  }

  @Override
  public long purge(Set<JobStatus> statuses, Instant finishedBefore) {
    open();
    Set<JobStatus> which = Validation.purgeStatuses(statuses);
    Instant before = Validation.instant(finishedBefore, "finishedBefore");
    return run("purge", c -> store.purge(c, which, before));
  }

  private io.taskharbor.spi.LiveJobs liveJobs(Instant now) {
    open();
    Instant at = Validation.now(now);
    return run("liveJobs", c -> store.liveJobs(c, at));
  }

  /** Queue wake-ups: every payload but the cancel hints (which no queue name can look like). */
  private Subscription listen(Consumer<String> listener) {
    Objects.requireNonNull(listener, "listener must not be null");
    return listenRaw(payload -> {
      if (!payload.startsWith(PostgresControls.CANCEL_PAYLOAD)) {
        listener.accept(payload);
      }
    });
  }

  private Subscription listenRaw(Consumer<String> listener) {
    open();
    return notifier.subscribe(listener);
  }

  /** The listener connection's backend pid, or -1 when not listening (for tests). */
  int listenerBackendPid() {
    return notifier.backendPid();
  }

  /**
   * Closes the driver: stops the wake-up listener and closes the pool it opened (never an application's data
   * source). Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    notifier.close();
    if (pool != null) {
      pool.close();
    }
  }

  @Override
  public String toString() {
    return "PostgresDriver[" + target + ", schema=" + schema + "]";
  }

  // ------------------------------------------------------------------------------------------------------ plumbing

  private void open() {
    if (closed.get()) {
      throw new IllegalStateException("the PostgreSQL driver for " + target + " is closed");
    }
  }

  @FunctionalInterface
  private interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction of its own: committed when it returns, rolled back when it throws (a refusal
   * included, so that a refused call changes nothing).
   */
  private <T> T transaction(String operation, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return JobStore.inTransaction(c, work::apply);
    } catch (SQLException e) {
      throw errors.translate(operation, e);
    }
  }

  private <T> T run(String operation, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      boolean manual = !c.getAutoCommit();
      if (manual) {
        c.setAutoCommit(true);
      }
      try {
        return work.apply(c);
      } finally {
        if (manual) {
          c.setAutoCommit(false);
        }
      }
    } catch (SQLException e) {
      throw errors.translate(operation, e);
    }
  }

  /**
   * Builds a {@link PostgresDriver}: from a DSN (the driver opens and owns a HikariCP pool) or from an application's
   * {@link DataSource} (never closed by the driver). Setters override DSN query options of the same name; setting an
   * option both ways with different values is an error. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable String dsn;
    private @Nullable DataSource dataSource;
    private final Map<String, String> options = new LinkedHashMap<>();

    private Builder() {}

    /** Connects with this DSN: {@code postgres://}, {@code postgresql://} or {@code jdbc:postgresql://}. */
    public Builder dsn(String dsn) {
      this.dsn = Objects.requireNonNull(dsn, "dsn must not be null");
      return this;
    }

    /**
     * Uses the application's data source instead of a pool of the driver's own; the driver never closes it. Pool
     * options (poolSize, minIdle) do not apply. Wake-up notifications hold one of its connections while subscribed.
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
      return this;
    }

    /** The schema that holds the tables; default {@code public}. It must exist. */
    public Builder schema(String schema) {
      return option(Options.SCHEMA, schema);
    }

    /** The most connections of the driver's pool; default 10. */
    public Builder poolSize(int poolSize) {
      return option(Options.POOL_SIZE, Integer.toString(poolSize));
    }

    /** The fewest idle connections the pool keeps; default: the pool size (a fixed-size pool). */
    public Builder minIdle(int minIdle) {
      return option(Options.MIN_IDLE, Integer.toString(minIdle));
    }

    /** How long to wait for a connection before a call fails (transiently); default 10 s, at least 250 ms. */
    public Builder connectTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "connectTimeout must not be null");
      return option(Options.CONNECT_TIMEOUT, timeout.toMillis() + "ms");
    }

    /** The largest payload or ack result, in UTF-8 bytes; default 1 MiB (1048576). */
    public Builder maxPayloadBytes(int maxPayloadBytes) {
      return option(Options.MAX_PAYLOAD_BYTES, Integer.toString(maxPayloadBytes));
    }

    /** Whether {@link #build()} applies pending migrations, as {@link PostgresDriver#migrate()}; default false. */
    public Builder autoMigrate(boolean autoMigrate) {
      return option(Options.AUTO_MIGRATE, Boolean.toString(autoMigrate));
    }

    /** Sets an option by its DSN name (see {@code docs/postgres-driver.md}). */
    public Builder option(String key, String value) {
      Objects.requireNonNull(key, "key must not be null");
      Objects.requireNonNull(value, "value must not be null");
      if (!Options.KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown option '" + key + "': the PostgreSQL driver's options are "
            + Options.KEYS);
      }
      options.put(key, value);
      return this;
    }

    /**
     * Opens the driver: starts the pool (DSN) and checks that the schema exists.
     *
     * @throws IllegalArgumentException naming the bad part: a malformed DSN or option, both or neither of DSN and
     *     data source, or a schema that does not exist
     * @throws DriverException if the database cannot be reached ({@link DriverException#isTransient()} when trying
     *     again may help)
     */
    public PostgresDriver build() {
      if ((dsn == null) == (dataSource == null)) {
        throw new IllegalArgumentException("give the PostgreSQL driver exactly one of dsn(...) and dataSource(...)");
      }
      return dsn != null ? fromDsn(dsn) : fromDataSource(Objects.requireNonNull(dataSource));
    }

    private PostgresDriver fromDsn(String text) {
      Dsn parsed = Dsn.parse(text);
      Map<String, String> merged = new LinkedHashMap<>(parsed.options());
      options.forEach((key, value) -> {
        String fromDsn = merged.get(key);
        if (fromDsn != null && !fromDsn.equals(value)) {
          throw new IllegalArgumentException("option " + key + " is set to '" + fromDsn + "' in the DSN and to '"
              + value + "' in the driver configuration: set it in one place");
        }
        merged.put(key, value);
      });
      Options opts = Options.parse(merged);
      SqlErrors errors = new SqlErrors(parsed.redacted(), parsed.password());
      Properties props = parsed.properties();
      int seconds = (int) Math.max(1, (opts.connectTimeout().toMillis() + 999) / 1000);
      props.putIfAbsent(PGProperty.CONNECT_TIMEOUT.getName(), Integer.toString(seconds));
      props.putIfAbsent(PGProperty.LOGIN_TIMEOUT.getName(), Integer.toString(seconds));
      props.putIfAbsent(PGProperty.APPLICATION_NAME.getName(), "taskharbor");
      props.putIfAbsent(PGProperty.TCP_KEEP_ALIVE.getName(), "true");
      // The driver runs the same few statements for the life of a connection: prepare them on the server from the
      // first execution, rather than parsing and planning each of them four times first (pgjdbc's default is 5).
      props.putIfAbsent(PGProperty.PREPARE_THRESHOLD.getName(), "1");

      // The pool gets its connections from a data source that holds the properties, rather than from a JDBC URL and
      // dataSourceProperties: HikariCP logs those at DEBUG, masking "password" but not, say, "sslpassword".
      DsnDataSource connections = new DsnDataSource(parsed.jdbcUrl(), props, parsed.redacted());
      HikariConfig config = new HikariConfig();
      config.setPoolName("taskharbor-postgres-" + POOLS.incrementAndGet());
      config.setDataSource(connections);
      config.setMaximumPoolSize(opts.poolSize());
      config.setMinimumIdle(opts.minIdle());
      config.setConnectionTimeout(opts.connectTimeout().toMillis());
      config.setValidationTimeout(Math.min(5_000, Math.max(250, opts.connectTimeout().toMillis() / 2)));
      config.setInitializationFailTimeout(opts.connectTimeout().toMillis());
      config.setAutoCommit(true);
      HikariDataSource pool;
      try {
        pool = new HikariDataSource(config);
      } catch (RuntimeException e) {
        throw startFailure(errors, e);
      }
      return start(pool, pool, connections::getConnection, opts, parsed.redacted(), errors);
    }

    private PostgresDriver fromDataSource(DataSource source) {
      if (options.containsKey(Options.POOL_SIZE) || options.containsKey(Options.MIN_IDLE)) {
        throw new IllegalArgumentException("poolSize and minIdle apply only to a driver opened from a DSN: size the "
            + "application's data source instead");
      }
      Options opts = Options.parse(options);
      String target = "data source " + source.getClass().getName();
      return start(source, null, source::getConnection, opts, target, new SqlErrors(target, ""));
    }

    private static PostgresDriver start(
        DataSource source, @Nullable HikariDataSource pool, Notifier.ConnectionSource listener, Options opts,
        String target, SqlErrors errors) {
      PostgresDriver driver = new PostgresDriver(source, pool, listener, opts, target, errors);
      try {
        driver.checkSchema();
        if (opts.autoMigrate()) {
          driver.migrate();
        }
      } catch (RuntimeException e) {
        driver.close();
        throw e;
      }
      LOG.debug("PostgreSQL driver open on {} (schema {})", target, opts.schema());
      return driver;
    }

    private static DriverException startFailure(SqlErrors errors, RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof SQLException s) {
          return errors.translate("connect", s);
        }
      }
      return errors.translate("connect", e, true);
    }
  }

  /**
   * Connections for a DSN, straight from the PostgreSQL JDBC driver, for the pool and the wake-up listener. It keeps
   * the properties (the password among them) to itself: {@link #toString()} is the redacted DSN.
   */
  private static final class DsnDataSource implements DataSource {
    private final org.postgresql.Driver jdbc = new org.postgresql.Driver();
    private final String url;
    private final Properties properties = new Properties();
    private final String redacted;
    private volatile int loginTimeoutSeconds;
    private volatile java.io.@Nullable PrintWriter logWriter;

    DsnDataSource(String url, Properties properties, String redacted) {
      this.url = url;
      this.properties.putAll(properties);
      this.redacted = redacted;
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection c = jdbc.connect(url, properties);
      if (c == null) {
        throw new SQLException("the PostgreSQL JDBC driver does not accept " + redacted, "08001");
      }
      return c;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException("the driver's data source connects with the DSN's credentials");
    }

    @Override
    public java.io.@Nullable PrintWriter getLogWriter() {
      return logWriter;
    }

    @Override
    public void setLogWriter(java.io.@Nullable PrintWriter out) {
      logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
      loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
      return loginTimeoutSeconds;
    }

    @Override
    public java.util.logging.Logger getParentLogger() {
      return java.util.logging.Logger.getLogger("org.postgresql");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      if (type.isInstance(this)) {
        return type.cast(this);
      }
      throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return type.isInstance(this);
    }

    @Override
    public String toString() {
      return "PostgreSQL " + redacted;
    }
  }

  private void checkSchema() {
    boolean exists = run("open", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ?)")) {
        ps.setString(1, schema);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getBoolean(1);
        }
      }
    });
    if (!exists) {
      throw new IllegalArgumentException("schema '" + schema + "' does not exist in the database " + target
          + ": create it first (CREATE SCHEMA " + schema + "), or set the option schema to an existing one");
    }
  }
}
