package io.taskharbor.engine;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.Limits;
import io.taskharbor.api.Page;
import io.taskharbor.api.QueueStats;
import io.taskharbor.engine.event.TaskHarborListener;
import io.taskharbor.engine.internal.ClusterNode;
import io.taskharbor.engine.internal.Listeners;
import io.taskharbor.engine.internal.NodeLease;
import io.taskharbor.api.DefinitionException;
import io.taskharbor.api.DefinitionStatus;
import io.taskharbor.api.QueueOverview;
import io.taskharbor.api.QueueSettings;
import io.taskharbor.api.TaskDefinition;
import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.Definitions;
import io.taskharbor.spi.JobControls;
import io.taskharbor.spi.QueueControls;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.Drivers;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.NodeInfo;
import io.taskharbor.spi.NodeRecord;
import io.taskharbor.spi.support.Validation;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The client: enqueues jobs, reads them, administers them, and makes {@link Worker}s. Thread-safe; make one per
 * application and share it.
 *
 * <pre>{@code
 * try (TaskHarbor harbor = TaskHarbor.connect("postgres://app@db:5432/app")) {
 *   harbor.enqueue(JobRequest.builder("email.send", new SendEmail("ada@example.com")).build());
 * }
 * }</pre>
 *
 * Every method validates its arguments before storage is touched; a bad one is an {@link IllegalArgumentException} (or
 * a {@link NullPointerException} for a null) whose message names it. Every time the engine passes to the driver comes
 * from the {@link Builder#clock clock}.
 */
public final class TaskHarbor implements AutoCloseable {

  private final Driver driver;
  private final boolean ownsDriver;
  private final InstantSource clock;
  private final InstantSource microsClock;
  private final PayloadCodec codec;
  private final List<TaskHarborListener> listenerList;
  private final Listeners listeners;
  private final Map<String, JobTypeOptions> jobTypes;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final String nodeId = NodeIds.next();
  private final Instant startedAt;
  private final @Nullable DistributedMode distributed;
  private final @Nullable ClusterNode node;
  private final @Nullable ScheduledExecutorService clockRefresher;
  private final Set<Worker> runningWorkers = ConcurrentHashMap.newKeySet();

  private TaskHarbor(Builder b, Driver driver, boolean ownsDriver) {
    this.driver = driver;
    this.ownsDriver = ownsDriver;
    this.distributed = b.distributed;
    this.codec = b.codec != null ? b.codec : PayloadCodec.defaultCodec();
    this.listenerList = List.copyOf(b.listeners);
    this.listeners = new Listeners(listenerList);
    this.jobTypes = Map.copyOf(b.jobTypes);
    if (distributed == null) {
      this.clock = b.clock;
      this.node = null;
      this.clockRefresher = null;
    } else {
      Coordination coordination = driver.extension(Coordination.class).orElseThrow(() -> new IllegalArgumentException(
          "driver " + driver.name() + " does not offer distributed mode (it has no Coordination extension): use the "
              + "PostgreSQL driver, or leave distributed mode off"));
      DatabaseClock databaseClock = new DatabaseClock(b.clock, coordination::serverTime);
      this.clock = databaseClock;
      this.clockRefresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread t = new Thread(runnable, "taskharbor-clock-" + nodeId);
        t.setDaemon(true);
        return t;
      });
      long every = distributed.clockRefresh().toNanos();
      clockRefresher.scheduleWithFixedDelay(() -> refresh(databaseClock), every, every, TimeUnit.NANOSECONDS);
      Duration leaderMargin = distributed.leaderTerm().dividedBy(5);
      this.node = new ClusterNode(new ClusterNode.Settings(distributed.cluster(), distributed.heartbeatInterval(),
          distributed.workerTimeout(), distributed.leaderTerm(), distributed.cleanupInterval(),
          distributed.retention(), distributed.dlqRetention(), leaderMargin), coordination, databaseClock, listeners,
          nodeId, this::nodeInfo);
    }
    InstantSource source = this.clock;
    this.microsClock = () -> source.instant().truncatedTo(ChronoUnit.MICROS);
    this.startedAt = now();
  }

  private static void refresh(DatabaseClock clock) {
    try {
      clock.sync();
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(TaskHarbor.class).warn("could not measure the offset to the database clock again; "
          + "keeping the last estimate ({}): {}", clock, e.toString());
    }
  }

  private NodeInfo nodeInfo() {
    Set<String> queues = new LinkedHashSet<>();
    int threads = 0;
    for (Worker worker : runningWorkers) {
      queues.addAll(worker.queues());
      threads += worker.concurrency();
    }
    return NodeInfo.builder(nodeId, startedAt).host(NodeIds.host()).pid(ProcessHandle.current().pid())
        .version(version()).queues(List.copyOf(queues)).poolSize(threads).build();
  }

  /**
   * Connects to the driver that accepts {@code uri} (such as {@code "memory:"} or {@code "postgres://..."}), found on
   * the class path; {@link #close()} closes it.
   *
   * @throws io.taskharbor.api.DriverNotFoundException if no driver accepts the URI
   * @throws io.taskharbor.api.AmbiguousDriverException if more than one does
   */
  public static TaskHarbor connect(String uri) {
    return builder().driverUri(uri).build();
  }

  /**
   * Connects to the default driver: the DSN in the environment variable {@value #DSN_VARIABLE} when it is set, else
   * the one in {@value #DATABASE_URL_VARIABLE} (the seed's name), whatever drivers are on the class path; with
   * neither set, the in-memory driver, when it is the only one on the class path.
   *
   * @throws io.taskharbor.api.DriverNotFoundException if no variable is set and the class path holds no driver, or
   *     drivers other than memory
   */
  public static TaskHarbor connectDefault() {
    return connectDefault(System.getenv());
  }

  /** The environment variable {@link #connectDefault()} reads first. */
  public static final String DSN_VARIABLE = "TASKHARBOR_DSN";

  /** The environment variable {@link #connectDefault()} reads when {@value #DSN_VARIABLE} is not set. */
  public static final String DATABASE_URL_VARIABLE = "DATABASE_URL";

  /** {@link #connectDefault()} with the environment given (for tests). */
  static TaskHarbor connectDefault(Map<String, String> env) {
    for (String variable : List.of(DSN_VARIABLE, DATABASE_URL_VARIABLE)) {
      String dsn = env.get(variable);
      if (dsn != null && !dsn.isBlank()) {
        return builder().driverUri(dsn.trim()).build();
      }
    }
    return builder().build();
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the version of TaskHarbor on the class path, such as {@code 0.2.0}; {@code "unknown"} if it cannot tell. */
  public static String version() {
    return Version.current();
  }

  // ------------------------------------------------------------------------------------------------ enqueue

  /**
   * Stores a job. With an idempotency key that the queue already holds, stores nothing and returns the existing job's
   * id with {@code created() == false}.
   *
   * @throws IllegalArgumentException if the payload cannot be written as JSON
   * @throws io.taskharbor.api.DuplicateJobException if the request names the id of a stored job
   */
  public EnqueueResult enqueue(JobRequest request) {
    return enqueueAll(List.of(Objects.requireNonNull(request, "request must not be null"))).get(0);
  }

  /**
   * Stores a batch of jobs in one driver call, all or none (a duplicate id fails the batch); returns one result per
   * request, in order.
   */
  public List<EnqueueResult> enqueueAll(List<JobRequest> requests) {
    Objects.requireNonNull(requests, "requests must not be null");
    List<NewJob> jobs = new ArrayList<>(requests.size());
    for (JobRequest request : requests) {
      jobs.add(toNewJob(Objects.requireNonNull(request, "requests must not contain null")));
    }
    ensureOpen();
    if (jobs.isEmpty()) {
      return List.of();
    }
    Instant now = now();
    List<EnqueueResult> results = driver.enqueue(jobs, now);
    if (!listenerList.isEmpty()) {
      for (int i = 0; i < jobs.size(); i++) {
        listeners.enqueued(jobs.get(i).queue(), jobs.get(i).type(), results.get(i));
      }
    }
    if (!runningWorkers.isEmpty()) {
      wakeWorkers(jobs, results, now);
    }
    return results;
  }

  /**
   * Wakes this client's own idle workers that serve a queue which just got a due job, at once and without the
   * driver's notification round trip (which still wakes the workers of other clients and processes).
   */
  private void wakeWorkers(List<NewJob> jobs, List<EnqueueResult> results, Instant now) {
    Set<String> due = new HashSet<>();
    for (int i = 0; i < jobs.size(); i++) {
      Instant runAt = jobs.get(i).runAt();
      if (results.get(i).created() && (runAt == null || !runAt.isAfter(now))) {
        due.add(jobs.get(i).queue());
      }
    }
    for (Worker worker : runningWorkers) {
      for (String queue : due) {
        worker.wake(queue);
      }
    }
  }

  /**
   * Returns the driver-level job that {@link #enqueue} would store for this request, without storing it: the payload
   * encoded with this client's codec, the job type's defaults applied, and a new id unless the request names one.
   * For a driver's own calls, such as enqueueing inside the application's transaction with the PostgreSQL driver:
   *
   * <pre>{@code
   * postgres.enqueue(connection, List.of(harbor.newJob(request)), harbor.clock().instant());
   * }</pre>
   *
   * @throws IllegalArgumentException if the payload cannot be written as JSON
   */
  public NewJob newJob(JobRequest request) {
    return toNewJob(Objects.requireNonNull(request, "request must not be null"));
  }

  private NewJob toNewJob(JobRequest request) {
    JobTypeOptions defaults = jobTypes.getOrDefault(request.type(), JobTypeOptions.defaults());
    int maxAttempts = request.maxAttempts() != null
        ? request.maxAttempts()
        : defaults.maxAttempts().orElse(Limits.DEFAULT_MAX_ATTEMPTS);
    Duration timeout = request.timeout() != null ? request.timeout() : defaults.timeout().orElse(null);
    String payload = Payloads.encode(codec, request.payload(), "payload", request.type());
    JobId id = request.id() != null ? request.id() : JobId.newId();
    return new NewJob(id, request.queue(), request.type(), payload, request.priority(), request.runAt(),
        request.idempotencyKey(), maxAttempts, timeout);
  }

  // ------------------------------------------------------------------------------------------------ reads

  /** Returns the job with this id. */
  public Optional<JobRecord> get(JobId id) {
    Objects.requireNonNull(id, "id must not be null");
    ensureOpen();
    return driver.get(id);
  }

  /** Returns the job of {@code queue} that holds the idempotency key {@code key}. */
  public Optional<JobRecord> findByIdempotencyKey(String queue, String key) {
    Validation.queue(queue);
    Validation.idempotencyKey(key);
    ensureOpen();
    return driver.findByIdempotencyKey(queue, key);
  }

  /** Lists jobs matching the query, in id order (creation order for engine-made ids), one page at a time. */
  public Page<JobRecord> list(JobQuery query) {
    Objects.requireNonNull(query, "query must not be null");
    ensureOpen();
    return driver.list(query);
  }

  /** Counts the queue's jobs by status, now. */
  public QueueStats stats(String queue) {
    Validation.queue(queue);
    ensureOpen();
    return driver.stats(queue, now());
  }

  // ------------------------------------------------------------------------------------------------ admin

  /**
   * Moves a dead-lettered job back to READY, due now.
   *
   * @param resetAttempts true to give it all its attempts again, false to keep its count
   * @throws io.taskharbor.api.JobNotFoundException if no such job exists
   * @throws io.taskharbor.api.InvalidJobStatusException if it is not in the DLQ
   */
  public void requeue(JobId id, boolean resetAttempts) {
    Objects.requireNonNull(id, "id must not be null");
    ensureOpen();
    driver.requeue(id, resetAttempts, now());
  }

  /**
   * Cancels a job. A READY (or PAUSED) job becomes CANCELED at once. A running job is canceled too when the driver
   * offers {@link JobControls}: its worker stops the handler at its next heartbeat (at once when the worker runs in
   * this client) and stores it CANCELED; a handler that ignores the cancel still ends CANCELED, and its late outcome
   * is dropped. Canceling a canceled job does nothing.
   *
   * @throws io.taskharbor.api.InvalidJobStatusException if it is finished, or running on a driver without
   *     {@link JobControls}
   */
  public void cancel(JobId id) {
    Objects.requireNonNull(id, "id must not be null");
    ensureOpen();
    Optional<JobControls> controls = driver.extension(JobControls.class);
    if (controls.isEmpty()) {
      driver.cancel(id, now());
      return;
    }
    controls.get().requestCancel(id, now());
    for (Worker worker : runningWorkers) {
      worker.heartbeatNow(id);
    }
  }

  /**
   * Pauses a READY job (due or scheduled): no worker reserves it until it is {@linkplain #resume resumed}.
   *
   * @throws io.taskharbor.api.InvalidJobStatusException if it is not READY or PAUSED
   * @throws UnsupportedOperationException if the driver does not offer {@link JobControls}
   */
  public void pause(JobId id) {
    Objects.requireNonNull(id, "id must not be null");
    ensureOpen();
    extension(JobControls.class, "pause a job").pause(id, now());
  }

  /**
   * Resumes a PAUSED job: it is READY again, due at its run time.
   *
   * @throws io.taskharbor.api.InvalidJobStatusException if it is not PAUSED or READY
   * @throws UnsupportedOperationException if the driver does not offer {@link JobControls}
   */
  public void resume(JobId id) {
    Objects.requireNonNull(id, "id must not be null");
    ensureOpen();
    extension(JobControls.class, "resume a job").resume(id, now());
  }

  // ------------------------------------------------------------------------------------------------ queues

  /** Returns a queue's settings (paused, concurrency limit), the defaults when never set. */
  public QueueSettings queueSettings(String queue) {
    Validation.queue(queue);
    ensureOpen();
    return extension(QueueControls.class, "read queue settings").settings(queue);
  }

  /**
   * Pauses a queue for every worker of every node: nothing more of it is reserved; running jobs go on.
   *
   * @return the queue's settings as stored
   */
  public QueueSettings pauseQueue(String queue) {
    return updateQueue(queue, s -> s.withPaused(true), "pause a queue");
  }

  /** Resumes a paused queue. */
  public QueueSettings resumeQueue(String queue) {
    return updateQueue(queue, s -> s.withPaused(false), "resume a queue");
  }

  /**
   * Sets the most jobs of a queue that may run at once across every node (valid leases; 1 makes it serial), or
   * removes the limit with null.
   */
  public QueueSettings setQueueConcurrency(String queue, @Nullable Integer limit) {
    return updateQueue(queue, s -> s.withConcurrencyLimit(limit), "limit a queue's concurrency");
  }

  private QueueSettings updateQueue(String queue, java.util.function.UnaryOperator<QueueSettings> change,
      String what) {
    Validation.queue(queue);
    ensureOpen();
    QueueControls controls = extension(QueueControls.class, what);
    return controls.update(queue, change.apply(controls.settings(queue)), now());
  }

  /** Returns every queue with jobs or settings, with its settings and counts, in one read. */
  public List<QueueOverview> queues() {
    ensureOpen();
    return extension(QueueControls.class, "list the queues").queues(now());
  }

  // ------------------------------------------------------------------------------------------------ definitions

  /**
   * Stores a new task definition.
   *
   * @throws io.taskharbor.api.DefinitionException DUPLICATE if its alias is taken (deleted definitions keep theirs)
   */
  public TaskDefinition createDefinition(TaskDefinition definition) {
    Objects.requireNonNull(definition, "definition must not be null");
    ensureOpen();
    return extension(Definitions.class, "store task definitions").create(definition, now());
  }

  /** Replaces a definition's title, description, status and memo. */
  public TaskDefinition updateDefinition(TaskDefinition definition) {
    Objects.requireNonNull(definition, "definition must not be null");
    ensureOpen();
    return extension(Definitions.class, "store task definitions").update(definition, now());
  }

  /** Returns the definition with this alias, deleted or not. */
  public Optional<TaskDefinition> definition(String alias) {
    Validation.type(alias);
    ensureOpen();
    return extension(Definitions.class, "read task definitions").find(alias);
  }

  /** Returns the definitions that are not deleted, by alias. */
  public List<TaskDefinition> definitions() {
    ensureOpen();
    return extension(Definitions.class, "read task definitions").list(false);
  }

  /** Cancels a definition: enqueueing by its alias is refused from now on. */
  public TaskDefinition cancelDefinition(String alias) {
    Validation.type(alias);
    ensureOpen();
    return extension(Definitions.class, "store task definitions").cancel(alias, now());
  }

  /** Deletes a definition (softly: it is kept, marked deleted, and its alias stays taken). */
  public TaskDefinition deleteDefinition(String alias) {
    Validation.type(alias);
    ensureOpen();
    return extension(Definitions.class, "store task definitions").delete(alias, now());
  }

  /**
   * Enqueues a job of the definition with this alias, which is the job's type, with {@code parameters} as its payload.
   *
   * @throws io.taskharbor.api.DefinitionException NOT_FOUND, CANCELED or DELETED, naming the alias
   */
  public EnqueueResult enqueueByAlias(String queue, String alias, Object parameters) {
    Validation.queue(queue);
    Validation.type(alias);
    Objects.requireNonNull(parameters, "parameters must not be null");
    ensureOpen();
    TaskDefinition definition = extension(Definitions.class, "enqueue by alias").find(alias)
        .orElseThrow(() -> new DefinitionException(alias, DefinitionException.Reason.NOT_FOUND, "enqueueByAlias"));
    if (definition.deletedAt() != null) {
      throw new DefinitionException(alias, DefinitionException.Reason.DELETED, "enqueueByAlias");
    }
    if (definition.status() != DefinitionStatus.ACTIVE) {
      throw new DefinitionException(alias, DefinitionException.Reason.CANCELED, "enqueueByAlias");
    }
    return enqueue(JobRequest.builder(alias, parameters).queue(queue).build());
  }

  // ------------------------------------------------------------------------------------------------ explain

  /**
   * Says why a job is, or is not, running: due and waiting for a worker, scheduled, retrying, paused (the job or its
   * queue), its queue at its concurrency limit (with the holders), no live node serving its queue, leased by a node
   * until an instant (with the node's last heartbeat), or finished.
   *
   * @throws io.taskharbor.api.JobNotFoundException if no job has this id
   */
  public Explanation explain(JobId id) {
    Objects.requireNonNull(id, "id must not be null");
    ensureOpen();
    JobRecord job = driver.get(id).orElseThrow(() -> new io.taskharbor.api.JobNotFoundException(id));
    return Explainer.explain(job, now(), driver, distributed);
  }

  private <T> T extension(Class<T> type, String what) {
    return driver.extension(type).orElseThrow(() -> new UnsupportedOperationException("cannot " + what + ": driver "
        + driver.name() + " does not offer " + type.getSimpleName() + " (the memory and PostgreSQL drivers do)"));
  }

  /**
   * Deletes a job that is not running, freeing its idempotency key.
   *
   * @throws io.taskharbor.api.InvalidJobStatusException if it is INFLIGHT
   */
  public void delete(JobId id) {
    Objects.requireNonNull(id, "id must not be null");
    ensureOpen();
    driver.delete(id);
  }

  /**
   * Deletes the jobs in the given finished statuses (DONE, DLQ, CANCELED) that finished before {@code finishedBefore}.
   *
   * @return how many were deleted
   */
  public long purge(Set<JobStatus> statuses, Instant finishedBefore) {
    Objects.requireNonNull(statuses, "statuses must not be null");
    Objects.requireNonNull(finishedBefore, "finishedBefore must not be null");
    ensureOpen();
    return driver.purge(statuses, finishedBefore);
  }

  // ------------------------------------------------------------------------------------------------ workers

  /** Starts building a worker that runs jobs through this client's driver, clock and codec. */
  public Worker.Builder newWorker() {
    ensureOpen();
    return new Worker.Builder(this);
  }

  /** Returns the driver. */
  public Driver driver() {
    return driver;
  }

  /** Returns the clock every driver call takes its {@code now} from. */
  public InstantSource clock() {
    return clock;
  }

  /** Returns the codec payloads and results go through. */
  public PayloadCodec codec() {
    return codec;
  }

  /** The clock at microsecond precision, as every driver call takes it. */
  InstantSource microsClock() {
    return microsClock;
  }

  /** The client's listeners, which hear every worker's events too. */
  List<TaskHarborListener> listeners() {
    return listenerList;
  }

  Instant now() {
    return microsClock.instant();
  }

  // ------------------------------------------------------------------------------------------------ cluster

  /**
   * Returns this process's node id, {@code hostname-pid-random} (the seed's {@code hostname-12345-abc123}): recorded
   * as {@link JobRecord#leasedBy()} of every job its workers reserve, and, in distributed mode, its id in the node
   * registry.
   */
  public String nodeId() {
    return nodeId;
  }

  /** Returns the workers of this client that are running now, for monitoring (their settings and metrics). */
  public List<Worker> workers() {
    return List.copyOf(runningWorkers);
  }

  /** Returns whether this client runs in distributed mode. */
  public boolean isDistributed() {
    return distributed != null;
  }

  /**
   * Returns whether this node leads its cluster now (distributed mode, with a worker running): it holds a term whose
   * lease does not end within the leader's safety margin, by this node's clock. Always false outside distributed
   * mode.
   */
  public boolean isLeader() {
    return node != null && node.isLeader();
  }

  /** Returns the term this node leads under, while {@link #isLeader()}; empty otherwise. */
  public OptionalLong leaderTerm() {
    long term = node == null ? 0 : node.term();
    return term > 0 ? OptionalLong.of(term) : OptionalLong.empty();
  }

  /**
   * Returns the nodes of the cluster, alive or dead now (after the worker timeout of silence, 30 s unless distributed
   * mode sets another), ordered by id; empty when the driver keeps no node registry.
   */
  public List<NodeRecord> nodes() {
    ensureOpen();
    Duration timeout = distributed != null ? distributed.workerTimeout() : DistributedMode.defaults().workerTimeout();
    return driver.extension(Coordination.class).map(c -> c.nodes(now(), timeout)).orElse(List.of());
  }

  /** The distributed mode's settings, or null outside it. */
  @Nullable DistributedMode distributedMode() {
    return distributed;
  }

  /** The node the workers run on: the cluster node in distributed mode, else one that never counts as dead. */
  NodeLease nodeLease() {
    return node != null ? node : NodeLease.forever(nodeId);
  }

  /** A worker of this client starts: in distributed mode the first one registers the node. */
  void workerStarted(Worker worker) {
    runningWorkers.add(worker);
    if (node != null) {
      try {
        node.workerStarted();
      } catch (RuntimeException e) {
        runningWorkers.remove(worker);
        throw e;
      }
    }
  }

  /** A worker of this client stopped: in distributed mode the last one resigns and deregisters the node. */
  void workerStopped(Worker worker) {
    if (runningWorkers.remove(worker) && node != null) {
      node.workerStopped();
    }
  }

  /**
   * Closes the driver if this client opened it (or was told it owns it); idempotent. Workers are not stopped: stop
   * them first.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      if (clockRefresher != null) {
        clockRefresher.shutdownNow();
      }
      if (ownsDriver) {
        driver.close();
      }
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("this TaskHarbor is closed: make a new one with TaskHarbor.connect(...)");
    }
  }

  @Override
  public String toString() {
    return "TaskHarbor[driver=" + driver.name() + "]";
  }

  /** Configures a {@link TaskHarbor}; not thread-safe. */
  public static final class Builder {
    private @Nullable Driver driver;
    private @Nullable String driverUri;
    private @Nullable Boolean ownsDriver;
    private InstantSource clock = InstantSource.system();
    private @Nullable PayloadCodec codec;
    private final List<TaskHarborListener> listeners = new ArrayList<>();
    private @Nullable DistributedMode distributed;
    private final Map<String, JobTypeOptions> jobTypes = new HashMap<>();

    private Builder() {}

    /** Uses this driver; it stays the caller's to close unless {@link #ownsDriver(boolean) ownsDriver(true)}. */
    public Builder driver(Driver driver) {
      this.driver = Objects.requireNonNull(driver, "driver must not be null");
      return this;
    }

    /** Opens the driver that accepts this URI (closed with the client). */
    public Builder driverUri(String uri) {
      Objects.requireNonNull(uri, "driverUri must not be null: pass e.g. memory: or postgres://user@host:5432/db");
      if (uri.isBlank()) {
        throw new IllegalArgumentException("driverUri must not be blank: pass e.g. memory: or "
            + "postgres://user@host:5432/db");
      }
      this.driverUri = uri;
      return this;
    }

    /** Whether {@link TaskHarbor#close()} closes the driver. Default: true for a URI, false for a given driver. */
    public Builder ownsDriver(boolean ownsDriver) {
      this.ownsDriver = ownsDriver;
      return this;
    }

    /** Sets the clock; default {@link InstantSource#system()}. Tests pass a clock they move by hand. */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /**
     * Sets how payloads and results become JSON and back; default {@link JacksonPayloadCodec#create()} (Jackson 2,
     * {@code java.time} support, unknown properties ignored). For a mapper of your own, pass {@link
     * JacksonPayloadCodec#of JacksonPayloadCodec.of(mapper)}.
     */
    public Builder codec(PayloadCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec must not be null");
      return this;
    }

    /** Runs this client in distributed mode with the defaults of {@link DistributedMode#defaults()}. */
    public Builder distributed() {
      return distributed(DistributedMode.defaults());
    }

    /**
     * Runs this client in distributed mode: its workers' process registers as a node, heartbeats and takes part in
     * leader election, and the engine's clock becomes the database's. The driver must offer the {@link Coordination}
     * extension (the PostgreSQL driver does; the memory driver does for nodes inside one JVM).
     */
    public Builder distributed(DistributedMode mode) {
      this.distributed = Objects.requireNonNull(mode, "mode must not be null");
      return this;
    }

    /**
     * Adds a listener of this client's enqueues and of every event of every worker it makes; listeners are told in
     * the order they were added, and one that throws is logged and ignored.
     */
    public Builder listener(TaskHarborListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
      return this;
    }

    /**
     * Sets defaults for every job of {@code type} (used when a request leaves the field unset).
     *
     * @throws IllegalArgumentException if the type is blank or malformed, or already has options
     */
    public Builder jobType(String type, JobTypeOptions options) {
      Validation.type(type);
      Objects.requireNonNull(options, "options must not be null");
      if (jobTypes.putIfAbsent(type, options) != null) {
        throw new IllegalArgumentException("job type '" + type + "' already has options: set them once");
      }
      return this;
    }

    /**
     * Builds the client, opening the driver if a URI was given (else the default driver).
     *
     * @throws IllegalArgumentException if both a driver and a URI were given
     */
    public TaskHarbor build() {
      if (driver != null && driverUri != null) {
        throw new IllegalArgumentException("give either driver(...) or driverUri(...), not both");
      }
      if (driver != null) {
        return new TaskHarbor(this, driver, Boolean.TRUE.equals(ownsDriver));
      }
      Driver opened = driverUri != null ? Drivers.open(driverUri) : Drivers.openDefault();
      return new TaskHarbor(this, opened, ownsDriver == null || ownsDriver);
    }
  }
}
