package io.taskharbor.engine;

import io.taskharbor.api.Limits;
import io.taskharbor.engine.event.WorkerListener;
import io.taskharbor.engine.internal.Listeners;
import io.taskharbor.engine.internal.RuntimeSettings;
import io.taskharbor.engine.internal.WorkerRuntime;
import io.taskharbor.spi.support.Validation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs of a set of queues with a bounded pool of handler threads. Build one with {@link TaskHarbor#newWorker()},
 * {@link #start()} it, and {@link #close()} it on shutdown.
 *
 * <p>How it runs: a fetch thread reserves only as many jobs as there are free handler threads (plus the {@link
 * Builder#prefetch prefetch}, none by default), in one driver call per queue, so a reserved job never waits for a
 * thread unless asked to; when a whole batch came back it reserves again at once,
 * otherwise it sleeps for the poll interval or until the driver signals new work. From the moment a job is reserved,
 * a heartbeat extends its lease every heartbeat interval; a refused extension means the lease was lost, and the
 * handler is cancelled and its outcome dropped. Outcomes go to the driver in batches from a completer thread. Storage
 * errors are logged and retried with backoff: the worker never dies of a database restart.
 *
 * <p>{@link #stop()} is graceful in two phases: stop reserving and wait up to the shutdown timeout; then cancel the
 * handlers still running and release their jobs at once, without counting the attempt. Heartbeats stop last.
 *
 * <p>Thread-safe.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);
  private static final AtomicInteger WORKER_IDS = new AtomicInteger();

  private final TaskHarbor harbor;
  private final WorkerRuntime runtime;
  private final MetricsListener metrics;

  private Worker(TaskHarbor harbor, WorkerRuntime runtime, MetricsListener metrics) {
    this.harbor = harbor;
    this.runtime = runtime;
    this.metrics = metrics;
  }

  /**
   * Starts reserving and running jobs.
   *
   * @throws IllegalStateException if the worker was started before
   */
  public void start() {
    if (runtime.isRunning()) {
      runtime.start(); // throws: started before
    }
    harbor.workerStarted(this);
    try {
      runtime.start();
    } catch (RuntimeException e) {
      harbor.workerStopped(this);
      throw e;
    }
  }

  /**
   * Stops gracefully: no new jobs; running handlers get up to the shutdown timeout to finish; the rest are cancelled
   * and their jobs released. Blocks until done. Idempotent.
   */
  public void stop() {
    boolean wasRunning = runtime.isRunning();
    try {
      runtime.stop();
    } finally {
      harbor.workerStopped(this);
    }
    if (wasRunning) {
      log.info("{} stopped: {}", runtime.settings().name(), metrics());
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /** Returns whether the worker has started and not yet begun to stop. */
  public boolean isRunning() {
    return runtime.isRunning();
  }

  /**
   * Stops this worker's work on one queue, the seed's {@code TaskQueueStopByName}: it reserves nothing more from it,
   * and waits until the jobs of it that it holds have ended (running ones finish; prefetched ones run first), up to
   * the shutdown timeout. The other queues go on. A stopped queue stays stopped for the life of the worker.
   *
   * @return whether every job of the queue ended within the shutdown timeout
   * @throws IllegalArgumentException if this worker does not serve {@code queue}
   */
  public boolean stopQueue(String queue) {
    if (!queues().contains(queue)) {
      throw new IllegalArgumentException("this worker does not serve queue '" + queue + "': it serves " + queues());
    }
    try {
      return runtime.stopQueue(queue, runtime.settings().shutdownTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Wakes this worker's fetcher if it serves {@code queue}: a job of it was just enqueued through its client. */
  void wake(String queue) {
    runtime.wake(queue);
  }

  /** Extends the lease of job {@code id} now if this worker holds it, so a cancel request is heard at once. */
  void heartbeatNow(io.taskharbor.api.JobId id) {
    runtime.heartbeatNow(id);
  }

  /** Returns the queues this worker serves. */
  public List<String> queues() {
    return runtime.settings().queues();
  }

  /** Returns the number of handler threads. */
  public int concurrency() {
    return runtime.settings().concurrency();
  }

  /** Returns a snapshot of the worker's counters. */
  public WorkerMetrics metrics() {
    return metrics.snapshot();
  }

  @Override
  public String toString() {
    return "Worker" + runtime.settings().queues();
  }

  /** Configures a {@link Worker}; not thread-safe. Every setting is checked when it is set. */
  public static final class Builder {
    private final TaskHarbor harbor;
    private final Set<String> queues = new LinkedHashSet<>();
    private final List<WorkerListener> listeners = new ArrayList<>();
    private final Map<String, Integer> queueConcurrency = new LinkedHashMap<>();
    private @Nullable Duration leaseSafetyMargin;
    private final Map<String, Registration<?>> handlers = new LinkedHashMap<>();
    private int concurrency = 10;
    private Duration leaseDuration = Duration.ofSeconds(30);
    private @Nullable Duration heartbeatInterval;
    private Duration pollInterval = Duration.ofSeconds(1);
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private Backoff backoff = Backoff.defaultBackoff();
    private int completionBatchSize = 500;
    private Duration fetchCooldown = Duration.ofMillis(5);
    private @Nullable Integer fetchParallelism;
    /** The fixed prefetch, or -1 for the adaptive one's cap (16 times the concurrency). */
    private int prefetch = -1;
    private Duration prefetchWindow = Duration.ofMillis(DEFAULT_PREFETCH_WINDOW_MILLIS);

    /** The adaptive prefetch's window by default, in milliseconds. */
    public static final int DEFAULT_PREFETCH_WINDOW_MILLIS = 20;

    Builder(TaskHarbor harbor) {
      this.harbor = harbor;
    }

    /** Sets the queues to serve (replacing earlier ones); default {@code default}. */
    public Builder queues(String... queues) {
      Objects.requireNonNull(queues, "queues must not be null");
      if (queues.length == 0) {
        throw new IllegalArgumentException("queues must name at least one queue");
      }
      Set<String> names = new LinkedHashSet<>();
      for (String queue : queues) {
        if (!names.add(Validation.queue(queue))) {
          throw new IllegalArgumentException("queues names '" + queue + "' twice");
        }
      }
      this.queues.clear();
      this.queues.addAll(names);
      return this;
    }

    /**
     * Limits how many jobs of one queue this worker holds at once (running or prefetched), within its overall {@link
     * #concurrency}; the queue must be one of its {@link #queues}. A limit across every worker is the queue's own
     * setting instead ({@code TaskHarbor.setQueueConcurrency}).
     */
    public Builder concurrency(String queue, int concurrency) {
      Validation.queue(queue);
      if (concurrency < 1 || concurrency > 10_000) {
        throw new IllegalArgumentException("concurrency of queue '" + queue + "' must be between 1 and 10000 but was "
            + concurrency);
      }
      queueConcurrency.put(queue, concurrency);
      return this;
    }

    /**
     * Runs {@code queue} serially on this worker, the seed's {@code TaskQueueRunSerial}: one job at a time, in reserve
     * order ({@code concurrency(queue, 1)}). For one at a time across every worker, set the queue's concurrency limit
     * to 1 as well ({@code TaskHarbor.setQueueConcurrency(queue, 1)}).
     */
    public Builder serial(String queue) {
      return concurrency(queue, 1);
    }

    /**
     * Registers the handler of the jobs enqueued by a task definition ({@code TaskHarbor.enqueueByAlias}): its alias is
     * their type.
     */
    public <P> Builder handle(io.taskharbor.api.TaskDefinition definition, Class<P> payloadType,
        JobHandler<P> handler) {
      return handle(Objects.requireNonNull(definition, "definition must not be null").alias(), payloadType, handler);
    }

    /**
     * Sets the handler told of every failed execution (the seed's {@code SetErrorHandler}), with the queue, the job,
     * its type, the attempt and the error; what it throws is logged and never changes the job.
     */
    public Builder errorHandler(ErrorHandler errorHandler) {
      Objects.requireNonNull(errorHandler, "errorHandler must not be null");
      return listener(new WorkerListener() {
        @Override
        public void executionFailed(io.taskharbor.api.JobRecord job, Throwable error) {
          try {
            errorHandler.onError(new JobFailure(job.queue(), job.id(), job.type(), job.attempts(), job.maxAttempts(),
                error));
          } catch (Exception e) {
            throw new IllegalStateException("the error handler threw", e); // logged by the listeners, never fatal
          }
        }
      });
    }

    /** Sets the number of handler threads, the most jobs run at once; default 10. */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1 || concurrency > 10_000) {
        throw new IllegalArgumentException("concurrency must be between 1 and 10000 but was " + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /**
     * Registers the handler of a job type; its payload is decoded into {@code payloadType}.
     *
     * @throws IllegalArgumentException if the type is malformed or already has a handler
     */
    public <P> Builder handle(String type, Class<P> payloadType, JobHandler<P> handler) {
      Validation.type(type);
      Objects.requireNonNull(payloadType, "payloadType must not be null: pass the payload's record class");
      Objects.requireNonNull(handler, "handler must not be null");
      if (handlers.containsKey(type)) {
        throw new IllegalArgumentException(
            "job type '" + type + "' already has a handler: register each type once per worker");
      }
      handlers.put(type, new Registration<>(payloadType, handler));
      return this;
    }

    /** Sets how long a reservation holds a job without a heartbeat; default 30 s. */
    public Builder leaseDuration(Duration leaseDuration) {
      this.leaseDuration = Validation.positive(leaseDuration, "leaseDuration");
      return this;
    }

    /** Sets how often leases of running jobs are extended; default a third of the lease. */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = Validation.positive(heartbeatInterval, "heartbeatInterval");
      return this;
    }

    /** Sets how long an idle worker waits before looking for jobs again, when no wake-up comes; default 1 s. */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = Validation.positive(pollInterval, "pollInterval");
      return this;
    }

    /** Sets how long {@link Worker#stop()} waits for running handlers before cancelling them; default 10 s. */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = Validation.positive(shutdownTimeout, "shutdownTimeout");
      return this;
    }

    /** Sets the retry delays; default {@link Backoff#exponential exponential} from 1 s to 1 h with jitter. */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff must not be null");
      return this;
    }

    /**
     * Sets how long a busy worker may wait for more handler threads to free up before it reserves, so that it
     * reserves in batches; default 5 ms. It never waits while at least half the threads are free.
     */
    public Builder fetchCooldown(Duration fetchCooldown) {
      this.fetchCooldown = Validation.positive(fetchCooldown, "fetchCooldown");
      return this;
    }

    /**
     * Sets how many reserve calls a busy worker keeps in flight at once, each for its share of the free handler
     * threads; default 1. An idle worker makes one at a time whatever this says. More overlaps the round trips to the
     * database, which helps when their latency (a database far away) and not the database's work limits throughput;
     * each reserve is then smaller, so the database spends more per job.
     */
    public Builder fetchParallelism(int fetchParallelism) {
      if (fetchParallelism < 1 || fetchParallelism > 64) {
        throw new IllegalArgumentException("fetchParallelism must be between 1 and 64 but was " + fetchParallelism);
      }
      this.fetchParallelism = fetchParallelism;
      return this;
    }

    /**
     * Sets a fixed prefetch: how many reserved jobs may wait in the worker for a handler thread, always; 0 turns
     * prefetch off (the worker reserves only for free threads, and a reserved job never waits). The default is the
     * {@linkplain #adaptivePrefetch adaptive prefetch}. With a prefetch, a busy worker reserves while its threads are
     * still running, in bigger batches, so the threads do not sit idle for the reserve's round trip and the database
     * spends less per job. The waiting jobs are leased (and heartbeated) meanwhile, so other workers cannot take them.
     * Their timeouts count from when they start, a job that lost its lease while it waited is not started, and those
     * still waiting when the worker stops are given back at once, their attempt not spent.
     */
    public Builder prefetch(int prefetch) {
      if (prefetch < 0 || prefetch > 10_000) {
        throw new IllegalArgumentException("prefetch must be between 0 and 10000 but was " + prefetch);
      }
      this.prefetch = prefetch;
      this.prefetchWindow = Duration.ZERO;
      return this;
    }

    /**
     * Sets the adaptive prefetch, the default: the worker reserves ahead only as many jobs as it finished in the last
     * {@code window} (measured as a rate), at most 16 times its concurrency. Quick jobs then prefetch hundreds and
     * drain several times faster; long jobs prefetch none, so other workers are not starved; and a reserved job waits
     * for a thread about one window. Default window: {@value #DEFAULT_PREFETCH_WINDOW_MILLIS} ms.
     */
    public Builder adaptivePrefetch(Duration window) {
      this.prefetchWindow = Validation.positive(window, "window");
      if (prefetchWindow.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException("window of the adaptive prefetch must be at most 10 s but was " + window);
      }
      this.prefetch = -1;
      return this;
    }

    /**
     * Sets how long before a job's lease runs out, by the worker's clock, the worker gives the job up when its
     * heartbeats could not extend the lease (the database is unreachable, say): the handler is cancelled and nothing
     * is reported, so the job never runs here and on another worker at once. A job waiting for a thread is not
     * started this close to the end of its lease either. Default: a fifth of the lease, or half of what the lease
     * leaves after one heartbeat interval when that is less. Must leave room for a heartbeat: heartbeat interval plus
     * margin below the lease.
     */
    public Builder leaseSafetyMargin(Duration leaseSafetyMargin) {
      this.leaseSafetyMargin = Validation.positive(leaseSafetyMargin, "leaseSafetyMargin");
      return this;
    }

    /**
     * Adds a listener of this worker's events (in addition to the client's {@link TaskHarbor.Builder#listener
     * listeners}); listeners are told in the order they were added.
     */
    public Builder listener(WorkerListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
      return this;
    }

    /** Sets the most outcomes sent to the driver in one call; default 500. */
    public Builder completionBatchSize(int completionBatchSize) {
      if (completionBatchSize < 1) {
        throw new IllegalArgumentException("completionBatchSize must be at least 1 but was " + completionBatchSize);
      }
      this.completionBatchSize = completionBatchSize;
      return this;
    }

    /**
     * Builds the worker (not started).
     *
     * @throws IllegalArgumentException if no handler is registered or the heartbeat interval is not shorter than the
     *     lease
     */
    public Worker build() {
      if (handlers.isEmpty()) {
        throw new IllegalArgumentException("a worker needs at least one handler: call handle(type, payloadType, "
            + "handler) before build()");
      }
      Duration heartbeat = heartbeatInterval != null ? heartbeatInterval : leaseDuration.dividedBy(3);
      if (heartbeat.isZero()) {
        heartbeat = Duration.ofNanos(1000);
      }
      if (heartbeat.compareTo(leaseDuration) >= 0) {
        throw new IllegalArgumentException("heartbeatInterval (" + heartbeat + ") must be shorter than leaseDuration ("
            + leaseDuration + "), e.g. a third of it");
      }
      int prefetch = this.prefetch >= 0 ? this.prefetch : Math.min(10_000, 16 * concurrency);
      int fetch = fetchParallelism != null ? fetchParallelism : 1;
      if (fetch > concurrency + prefetch) {
        throw new IllegalArgumentException("fetchParallelism (" + fetch + ") must not exceed concurrency + prefetch ("
            + (concurrency + prefetch) + "): each reserve in flight needs at least one free slot");
      }
      Duration margin = leaseSafetyMargin != null ? leaseSafetyMargin : defaultMargin(leaseDuration, heartbeat);
      if (heartbeat.plus(margin).compareTo(leaseDuration) >= 0) {
        throw new IllegalArgumentException("heartbeatInterval (" + heartbeat + ") plus leaseSafetyMargin (" + margin
            + ") must be shorter than leaseDuration (" + leaseDuration + "): the lease must outlast a heartbeat "
            + "with the margin to spare; lengthen the lease or shorten the others");
      }
      DistributedMode cluster = harbor.distributedMode();
      if (cluster != null && cluster.heartbeatInterval().plus(margin).compareTo(cluster.workerTimeout()) >= 0) {
        throw new IllegalArgumentException("in distributed mode the node's heartbeatInterval ("
            + cluster.heartbeatInterval() + ") plus leaseSafetyMargin (" + margin + ") must be shorter than "
            + "workerTimeout (" + cluster.workerTimeout() + "): the worker gives its jobs up that margin before the "
            + "others could count its node dead, and a heartbeat must come before that");
      }
      List<String> served = queues.isEmpty() ? List.of(Limits.DEFAULT_QUEUE) : List.copyOf(queues);
      for (String limited : queueConcurrency.keySet()) {
        if (!served.contains(limited)) {
          throw new IllegalArgumentException("concurrency(\"" + limited + "\", ...) names a queue this worker does "
              + "not serve: it serves " + served);
        }
      }
      String name = "taskharbor-worker-" + WORKER_IDS.incrementAndGet();
      RuntimeSettings settings = new RuntimeSettings(name, served,
          concurrency, leaseDuration, heartbeat, margin, pollInterval, shutdownTimeout, backoff::delay,
          completionBatchSize, fetchCooldown, fetch, prefetch, prefetchWindow, queueConcurrency);
      MetricsListener metrics = new MetricsListener();
      List<WorkerListener> all = new ArrayList<>();
      all.add(metrics);
      all.addAll(harbor.listeners());
      all.addAll(listeners);
      WorkerRuntime runtime = new WorkerRuntime(settings, harbor.driver(), harbor.microsClock(),
          new HandlerInvoker(name, handlers, harbor.codec(), harbor.microsClock()), new Listeners(all),
          harbor.nodeLease());
      return new Worker(harbor, runtime, metrics);
    }

    private static Duration defaultMargin(Duration lease, Duration heartbeat) {
      Duration fifth = lease.dividedBy(5);
      Duration half = lease.minus(heartbeat).dividedBy(2);
      Duration margin = fifth.compareTo(half) <= 0 ? fifth : half;
      return margin.compareTo(Duration.ofNanos(1000)) < 0 ? Duration.ofNanos(1000) : margin;
    }
  }

  /** A handler with its payload type. */
  record Registration<P>(Class<P> payloadType, JobHandler<P> handler) {}

}
