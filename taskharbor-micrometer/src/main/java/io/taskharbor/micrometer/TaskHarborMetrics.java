package io.taskharbor.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStateException;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import io.taskharbor.engine.event.TaskHarborListener;
import io.taskharbor.spi.LiveJobs;
import io.taskharbor.spi.NodeRecord;
import io.taskharbor.spi.Statistics;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a TaskHarbor client's jobs, workers and queues as Micrometer meters, under the names, labels and
 * histogram buckets that docs/metrics.md lists (in Prometheus: {@code tasks_enqueued_total}, {@code
 * tasks_completed_total}, {@code task_duration_seconds}, {@code tasks_pending}, {@code leader_status}, ... and the
 * project's own {@code taskharbor_*}).
 *
 * <pre>{@code
 * TaskHarborMetrics metrics = TaskHarborMetrics.builder(registry).build();
 * TaskHarbor harbor = TaskHarbor.builder().driverUri(dsn).listener(metrics).build();
 * metrics.bindTo(harbor);   // the gauges, and the one refresh timer
 * ...
 * metrics.close();          // before or after harbor.close()
 * }</pre>
 *
 * <p><b>Two sources.</b> Counters and timers count the client's events as they happen (it is a {@link
 * TaskHarborListener}: register it with {@link TaskHarbor.Builder#listener}). The gauges of the workers ({@code
 * worker_pool_*}, {@code leader_status}) read the client's memory at scrape time. The gauges of the queues ({@code
 * tasks_pending}, {@code tasks_running}, {@code taskharbor_queue_*}) and {@code workers_total} come from the database:
 * a timer reads them every {@link Builder#gaugeRefreshInterval gauge refresh interval} in one aggregate read (the
 * driver's {@link Statistics} extension; in distributed mode also the node registry) and a scrape returns the last
 * values read, so a scrape never queries the database, however often it comes.
 *
 * <p><b>Distributed mode.</b> Every node exports its counters, its {@code worker_pool_*}, its {@code
 * leader_status{worker_id}} and {@code taskharbor_leader_term{worker_id}}; only the leader reads and exports the
 * database's gauges and {@code workers_total}, and a node that stops leading removes them, so {@code sum()} across
 * instances counts every job once. Outside distributed mode the bound client exports them all (turn them off with
 * {@link Builder#queueGauges(boolean) queueGauges(false)} on all but one process that share a database).
 *
 * <p>Thread-safe. A failure inside it (a registry that refuses a meter, a database read that fails) is logged and
 * never reaches a worker or a scrape. One instance per registry: a second one open on the same registry is refused,
 * since its gauges would collide with the first's.
 */
public final class TaskHarborMetrics implements TaskHarborListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskHarborMetrics.class);

  /** The default gauge refresh interval, 15 s: Prometheus's usual scrape interval. */
  public static final Duration DEFAULT_GAUGE_REFRESH_INTERVAL = Duration.ofSeconds(15);

  /** Retries of attempt 10 and later share the label {@code attempt="10+"}, so the label's values stay few. */
  static final int ATTEMPT_LABEL_LIMIT = 10;

  // The Micrometer names; Prometheus turns dots into underscores and adds _total to counters, _seconds to timers.
  static final String ENQUEUED = "tasks.enqueued";
  static final String COMPLETED = "tasks.completed";
  static final String RETRIES = "task.retries";
  static final String DEAD_LETTER = "tasks.dead.letter";
  static final String PENDING = "tasks.pending";
  static final String RUNNING = "tasks.running";
  static final String POOL_ACTIVE = "worker.pool.active";
  static final String POOL_CAPACITY = "worker.pool.capacity";
  static final String WORKERS_TOTAL = "workers.total";
  static final String WORKERS_TOTAL_STEM = "workers";
  static final String LEADER_STATUS = "leader.status";
  static final String DURATION = "task.duration";
  static final String CLAIM_DURATION = "task.claim.duration";
  static final String LEASES_LOST = "taskharbor.leases.lost";
  static final String COMPLETIONS_REFUSED = "taskharbor.completions.refused";
  static final String STORAGE_ERRORS = "taskharbor.storage.errors";
  static final String QUEUE_DEPTH = "taskharbor.queue.depth";
  static final String OLDEST_DUE_AGE = "taskharbor.queue.oldest.due.age";
  static final String LEADER_TERM = "taskharbor.leader.term";

  /** The seed's buckets of task_duration_seconds. */
  static final List<Duration> DURATION_BUCKETS = List.of(Duration.ofMillis(100), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(300), Duration.ofSeconds(600));

  /** The Prometheus client libraries' default buckets, the seed's for task_claim_duration_seconds. */
  static final List<Duration> CLAIM_BUCKETS = List.of(Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10));

  /** The registries an open instance uses (weakly held: a registry is never kept alive by this). */
  private static final Set<MeterRegistry> OPEN = java.util.Collections.newSetFromMap(new WeakHashMap<>());

  private final MeterRegistry registry;
  private final Duration refreshInterval;
  private final boolean queueGauges;

  private final Map<String, Counter> enqueued = new ConcurrentHashMap<>();
  private final Map<String, Counter> succeeded = new ConcurrentHashMap<>();
  private final Map<String, Counter> failed = new ConcurrentHashMap<>();
  private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
  private final Map<RetryKey, Counter> retries = new ConcurrentHashMap<>();
  private final Map<String, Counter> leasesLost = new ConcurrentHashMap<>();
  private final Map<String, Counter> completionsRefused = new ConcurrentHashMap<>();
  private final Map<String, Counter> storageErrors = new ConcurrentHashMap<>();
  private final Map<String, Timer> durations = new ConcurrentHashMap<>();
  private volatile @Nullable Timer claimDuration;
  /** The executions running on this client's workers: started, not yet executed, lost or released. */
  private final Set<Execution> running = ConcurrentHashMap.newKeySet();

  /** Every meter this instance registered, removed at close. */
  private final Set<Meter> meters = ConcurrentHashMap.newKeySet();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private final Object lifecycle = new Object();
  private volatile @Nullable Bound bound;

  /** Guards the database gauges: their registration, values and removal. */
  private final Object gauges = new Object();
  /** Serializes refreshes, and guards their bookkeeping ({@code refreshFailing}). */
  private final Object refreshing = new Object();
  private final GaugeFamily pending;
  private final GaugeFamily runningByType;
  private final GaugeFamily depth;
  private final GaugeFamily oldestDueAge;
  private final GaugeFamily workersTotal;
  private boolean refreshFailing;

  private TaskHarborMetrics(Builder b) {
    this.registry = b.registry;
    this.refreshInterval = b.refreshInterval;
    this.queueGauges = b.queueGauges;
    Function<Gauge.Builder<GaugeFamily.Cell>, Meter> register = g -> track(g.register(registry));
    java.util.function.Consumer<Meter> remove = this::untrack;
    this.pending = new GaugeFamily(PENDING, "Current pending tasks by type", null, List.of("type"), register, remove);
    this.runningByType = new GaugeFamily(RUNNING, "Currently executing tasks by type", null, List.of("type"),
        register, remove);
    this.depth = new GaugeFamily(QUEUE_DEPTH, "Live jobs by queue and state: ready (due), scheduled (not yet due), "
        + "inflight (leased)", null, List.of("queue", "state"), register, remove);
    this.oldestDueAge = new GaugeFamily(OLDEST_DUE_AGE, "Age of the queue's oldest due READY job at the last "
        + "refresh (0 when none waits)", "seconds", List.of("queue"), register, remove);
    this.workersTotal = new GaugeFamily(WORKERS_TOTAL, "Number of registered workers (distributed mode)", null,
        List.of(), register, remove);
  }

  /**
   * Starts a builder of metrics published to {@code registry}.
   *
   * @param registry where the meters go: a {@code PrometheusMeterRegistry}, Spring Boot's {@code MeterRegistry}, ...
   */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  // ------------------------------------------------------------------------------------------------ lifecycle

  /**
   * Binds the client whose events this instance hears: registers the gauges of its workers ({@code worker_pool_*};
   * in distributed mode {@code leader_status} and {@code taskharbor_leader_term}) and starts the timer that reads
   * the database's gauges (a daemon thread; none when the driver offers no {@link Statistics} extension outside
   * distributed mode, or {@link Builder#queueGauges(boolean) queueGauges(false)}). Its first read starts at once, on
   * the timer's thread. Register this instance as the client's {@link TaskHarbor.Builder#listener listener} too:
   * the counters count only the events it hears.
   *
   * @throws IllegalStateException if it is closed or already bound
   */
  public void bindTo(TaskHarbor harbor) {
    Objects.requireNonNull(harbor, "harbor must not be null");
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("these TaskHarborMetrics are closed: build new ones");
      }
      if (bound != null) {
        throw new IllegalStateException("these TaskHarborMetrics are bound to a client already: build one per client");
      }
      String nodeId = harbor.nodeId();
      @Nullable Statistics statistics = queueGauges ? harbor.driver().extension(Statistics.class).orElse(null) : null;
      boolean timed = queueGauges && (statistics != null || harbor.isDistributed());
      ScheduledThreadPoolExecutor timer = null;
      if (timed) {
        timer = new ScheduledThreadPoolExecutor(1, runnable -> {
          Thread t = new Thread(runnable, "taskharbor-metrics-" + nodeId);
          t.setDaemon(true);
          return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      }
      Bound b = new Bound(harbor, statistics, timer);
      if (queueGauges && statistics == null) {
        log.info("driver {} offers no Statistics extension: {} exports no tasks_pending, tasks_running or "
            + "taskharbor_queue_* gauges", harbor.driver().name(), this);
      }
      if (harbor.isDistributed()) {
        WorkersTotalName.keep(registry);
      }
      track(Gauge.builder(POOL_ACTIVE, running, Set::size)
          .description("Number of threads currently processing tasks").strongReference(true).register(registry));
      track(Gauge.builder(POOL_CAPACITY, harbor, TaskHarborMetrics::capacity)
          .description("Total worker pool size (= WORKER_POOL_SIZE)").strongReference(true).register(registry));
      if (harbor.isDistributed()) {
        track(Gauge.builder(LEADER_STATUS, harbor, h -> h.isLeader() ? 1 : 0).tag("worker_id", nodeId)
            .description("1 if this worker is leader, 0 otherwise").strongReference(true).register(registry));
        track(Gauge.builder(LEADER_TERM, harbor, h -> h.leaderTerm().orElse(0)).tag("worker_id", nodeId)
            .description("The fencing term this node leads under, 0 while it does not lead").strongReference(true)
            .register(registry));
      }
      bound = b;
      if (timer != null) {
        long every = refreshInterval.toNanos();
        timer.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.NANOSECONDS);
      }
    }
  }

  private static double capacity(TaskHarbor harbor) {
    int threads = 0;
    for (Worker worker : harbor.workers()) {
      threads += worker.concurrency();
    }
    return threads;
  }

  /**
   * Reads the database's gauges now, on the calling thread, as the timer does: one aggregate read of the live jobs
   * (and, in distributed mode, of the node registry), only by the leader in distributed mode. For tests, and for an
   * application that wants values before the first timed read. A failed read is logged, not thrown, and the last
   * values stay.
   *
   * @throws IllegalStateException if it is not bound
   */
  public void refreshNow() {
    Bound b = bound;
    if (b == null) {
      throw new IllegalStateException("bind these TaskHarborMetrics to a client first: metrics.bindTo(harbor)");
    }
    refresh(b);
  }

  /** Stops the refresh timer and removes every meter this instance registered; idempotent. */
  @Override
  public void close() {
    Bound b;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      b = bound;
    }
    if (b != null && b.timer != null) {
      b.timer.shutdownNow();
      try {
        b.timer.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (gauges) {
      clearDatabaseGauges();
    }
    for (Meter meter : List.copyOf(meters)) {
      untrack(meter);
    }
    synchronized (OPEN) {
      OPEN.remove(registry);
    }
  }

  // ------------------------------------------------------------------------------------------------ refresh

  private void tick() {
    Bound b = bound;
    if (b != null) {
      refresh(b);
    }
  }

  /**
   * One refresh; never throws (the timer would stop). Refreshes never overlap. The database is read outside the
   * gauges' lock, so that a node stepping down (which removes the gauges) never waits for a read.
   */
  private void refresh(Bound b) {
    synchronized (refreshing) {
      if (closed || !queueGauges) {
        return;
      }
      TaskHarbor harbor = b.harbor;
      if (harbor.isDistributed() && !harbor.isLeader()) {
        synchronized (gauges) {
          clearDatabaseGauges();
        }
        return;
      }
      try {
        @Nullable LiveJobs live = null;
        if (b.statistics != null) {
          live = b.statistics.liveJobs(harbor.clock().instant().truncatedTo(ChronoUnit.MICROS));
        }
        OptionalInt alive = OptionalInt.empty();
        if (harbor.isDistributed()) {
          int count = 0;
          for (NodeRecord node : harbor.nodes()) {
            count += node.alive() ? 1 : 0;
          }
          alive = OptionalInt.of(count);
        }
        synchronized (gauges) {
          if (closed) {
            return;
          }
          if (harbor.isDistributed() && !harbor.isLeader()) {
            clearDatabaseGauges(); // it stopped leading during the read: another node may export now
            return;
          }
          if (live != null) {
            apply(live);
          }
          if (alive.isPresent()) {
            workersTotal.update(Map.of(List.of(), (double) alive.getAsInt()));
          }
        }
        if (refreshFailing) {
          refreshFailing = false;
          log.info("{}: the gauges' database read works again", this);
        }
      } catch (RuntimeException | LinkageError e) {
        if (!refreshFailing) {
          refreshFailing = true;
          log.warn("{}: the gauges' database read failed; the gauges keep their last values until a read works "
              + "(later failures are logged at DEBUG)", this, e);
        } else {
          log.debug("{}: the gauges' database read failed again: {}", this, e.toString());
        }
      }
    }
  }

  private void apply(LiveJobs live) {
    Map<List<String>, Double> pendingByType = new HashMap<>();
    Map<List<String>, Double> runningByTypeValues = new HashMap<>();
    Map<List<String>, Double> depthValues = new HashMap<>();
    Map<List<String>, Double> ageValues = new HashMap<>();
    for (LiveJobs.Group g : live.groups()) {
      pendingByType.merge(List.of(g.type()), (double) g.ready(), Double::sum);
      runningByTypeValues.merge(List.of(g.type()), (double) g.inflight(), Double::sum);
      depthValues.merge(List.of(g.queue(), "ready"), (double) g.ready(), Double::sum);
      depthValues.merge(List.of(g.queue(), "scheduled"), (double) g.scheduled(), Double::sum);
      depthValues.merge(List.of(g.queue(), "inflight"), (double) g.inflight(), Double::sum);
      ageValues.put(List.of(g.queue()), 0.0);
    }
    for (Map.Entry<String, Instant> oldest : live.oldestDue().entrySet()) {
      Duration age = Duration.between(oldest.getValue(), live.at());
      ageValues.put(List.of(oldest.getKey()), age.isNegative() ? 0.0 : age.toNanos() / 1e9);
    }
    pending.update(pendingByType);
    runningByType.update(runningByTypeValues);
    depth.update(depthValues);
    oldestDueAge.update(ageValues);
  }

  /** Removes the gauges that only the leader exports; under the gauges' lock. */
  private void clearDatabaseGauges() {
    pending.clear();
    runningByType.clear();
    depth.clear();
    oldestDueAge.clear();
    workersTotal.clear();
  }

  // ------------------------------------------------------------------------------------------------ events

  @Override
  public void enqueued(String queue, String type, EnqueueResult result) {
    if (result.created()) {
      count("enqueued", enqueued, type, t -> Counter.builder(ENQUEUED).tag("type", t)
          .description("Total tasks added to the queue"));
    }
  }

  @Override
  public void reserved(String queue, List<JobRecord> jobs, Duration claimDuration) {
    guard("reserved", () -> claimTimer().record(claimDuration));
  }

  @Override
  public void started(JobRecord job) {
    running.add(Execution.of(job));
  }

  @Override
  public void executed(JobRecord job, Duration duration) {
    running.remove(Execution.of(job));
    guard("executed", () -> timer(job.type()).record(duration));
  }

  @Override
  public void succeeded(JobRecord job) {
    count("succeeded", succeeded, job.type(), t -> completed(t, "success"));
  }

  @Override
  public void retried(JobRecord job, int attempt, Instant runAt, @Nullable String error) {
    RetryKey key = new RetryKey(job.type(), attemptLabel(attempt));
    guard("retried", () -> {
      Counter counter = retries.get(key);
      if (counter == null) {
        counter = retries.computeIfAbsent(key, k -> track(Counter.builder(RETRIES).tag("type", k.type())
            .tag("attempt", k.attempt()).description("Total retry attempts across all tasks").register(registry)));
      }
      counter.increment();
    });
  }

  @Override
  public void deadLettered(JobRecord job, String reason) {
    count("deadLettered", failed, job.type(), t -> completed(t, "failed"));
    count("deadLettered", deadLettered, job.type(), t -> Counter.builder(DEAD_LETTER).tag("type", t)
        .description("Tasks that exceeded max retries"));
  }

  @Override
  public void released(JobRecord job) {
    running.remove(Execution.of(job));
  }

  @Override
  public void leaseLost(JobRecord job) {
    running.remove(Execution.of(job));
    count("leaseLost", leasesLost, job.type(), t -> Counter.builder(LEASES_LOST).tag("type", t)
        .description("Jobs whose lease this client's workers lost; their outcome was not reported"));
  }

  @Override
  public void completionRefused(JobRecord job, JobStateException refusal) {
    count("completionRefused", completionsRefused, job.type(), t -> Counter.builder(COMPLETIONS_REFUSED)
        .tag("type", t).description("Outcomes the driver refused: the lease had expired or been taken"));
  }

  @Override
  public void storageError(String operation, RuntimeException error) {
    count("storageError", storageErrors, operation, o -> Counter.builder(STORAGE_ERRORS).tag("operation", o)
        .description("Failed driver calls of this client's workers and cluster node, each retried"));
  }

  @Override
  public void leadershipChanged(String nodeId, boolean leader, long term) {
    Bound b = bound;
    if (b == null || !nodeId.equals(b.harbor.nodeId())) {
      return;
    }
    if (leader) {
      if (b.timer != null) {
        try {
          b.timer.execute(this::tick); // export at once rather than at the next tick
        } catch (RejectedExecutionException closing) {
          // closed meanwhile
        }
      }
    } else {
      guard("leadershipChanged", () -> {
        synchronized (gauges) {
          clearDatabaseGauges();
        }
      });
    }
  }

  private static Counter.Builder completed(String type, String status) {
    return Counter.builder(COMPLETED).tag("type", type).tag("status", status)
        .description("Total tasks finished (success or failed)");
  }

  static String attemptLabel(int attempt) {
    return attempt >= ATTEMPT_LABEL_LIMIT ? ATTEMPT_LABEL_LIMIT + "+" : Integer.toString(attempt);
  }

  private void count(String event, Map<String, Counter> counters, String key,
      Function<String, Counter.Builder> builder) {
    if (closed) {
      return;
    }
    guard(event, () -> {
      Counter counter = counters.get(key);
      if (counter == null) {
        counter = counters.computeIfAbsent(key, k -> track(builder.apply(k).register(registry)));
      }
      counter.increment();
    });
  }

  private Timer timer(String type) {
    Timer timer = durations.get(type);
    if (timer == null) {
      timer = durations.computeIfAbsent(type, t -> track(Timer.builder(DURATION).tag("type", t)
          .description("Task execution duration").serviceLevelObjectives(DURATION_BUCKETS.toArray(Duration[]::new))
          .publishPercentileHistogram(false).register(registry)));
    }
    return timer;
  }

  private Timer claimTimer() {
    Timer timer = claimDuration;
    if (timer == null) {
      synchronized (lifecycle) {
        timer = claimDuration;
        if (timer == null) {
          timer = track(Timer.builder(CLAIM_DURATION).description("Time to execute claim query")
              .serviceLevelObjectives(CLAIM_BUCKETS.toArray(Duration[]::new)).publishPercentileHistogram(false)
              .register(registry));
          claimDuration = timer;
        }
      }
    }
    return timer;
  }

  /** Runs one meter update; a failure is logged (at WARN once per event, then at DEBUG) and goes no further. */
  private void guard(String event, Runnable update) {
    if (closed) {
      return;
    }
    try {
      update.run();
    } catch (RuntimeException | LinkageError e) {
      if (warned.add(event)) {
        log.warn("{}: updating the meters of event {} failed; the job is unaffected (later failures of this event "
            + "are logged at DEBUG)", this, event, e);
      } else {
        log.debug("{}: updating the meters of event {} failed again: {}", this, event, e.toString());
      }
    }
  }

  private <M extends Meter> M track(M meter) {
    meters.add(meter);
    if (closed) {
      untrack(meter); // registered while closing: take it out again
    }
    return meter;
  }

  private void untrack(Meter meter) {
    meters.remove(meter);
    registry.remove(meter);
  }

  @Override
  public String toString() {
    Bound b = bound;
    return "TaskHarborMetrics[" + (b == null ? "unbound" : b.harbor.nodeId()) + "]";
  }

  /** The bound client, its driver's statistics (null when it offers none) and the refresh timer (null when none). */
  private record Bound(TaskHarbor harbor, @Nullable Statistics statistics,
      @Nullable ScheduledThreadPoolExecutor timer) {}

  /** One execution of a job: its attempt number tells a rerun of the same job apart. */
  private record Execution(JobId id, int attempt) {
    static Execution of(JobRecord job) {
      return new Execution(job.id(), job.attempts());
    }
  }

  private record RetryKey(String type, String attempt) {}

  /** Configures {@link TaskHarborMetrics}; not thread-safe. */
  public static final class Builder {
    private final MeterRegistry registry;
    private Duration refreshInterval = DEFAULT_GAUGE_REFRESH_INTERVAL;
    private boolean queueGauges = true;

    private Builder(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry must not be null");
    }

    /**
     * Sets how often the gauges that come from the database are read again (one aggregate read each time);
     * default 15 s. A scrape between two reads returns the last values read.
     *
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder gaugeRefreshInterval(Duration interval) {
      Objects.requireNonNull(interval, "gaugeRefreshInterval must not be null");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("gaugeRefreshInterval must be positive but was " + interval);
      }
      this.refreshInterval = interval;
      return this;
    }

    /**
     * Sets whether this instance reads and exports the gauges that come from the database ({@code tasks_pending},
     * {@code tasks_running}, {@code taskharbor_queue_*}, {@code workers_total}); default true. In distributed mode
     * only the leader exports them anyway; outside it, turn them off on all but one of the processes that share a
     * database, or {@code sum()} across instances counts each job once per process.
     */
    public Builder queueGauges(boolean queueGauges) {
      this.queueGauges = queueGauges;
      return this;
    }

    /**
     * Builds the metrics; their counters count from the first event they hear.
     *
     * @throws IllegalStateException if another open instance publishes to the same registry
     */
    public TaskHarborMetrics build() {
      synchronized (OPEN) {
        if (!OPEN.add(registry)) {
          throw new IllegalStateException("another TaskHarborMetrics publishes to this registry already: its gauges "
              + "would collide; close it first, or give each client a registry of its own");
        }
      }
      return new TaskHarborMetrics(this);
    }
  }
}
