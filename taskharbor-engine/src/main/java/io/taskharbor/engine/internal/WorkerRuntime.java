package io.taskharbor.engine.internal;

import io.taskharbor.api.JobRecord;
import io.taskharbor.engine.internal.OutcomePolicy.Decision;
import io.taskharbor.engine.internal.RunningJob.CancelReason;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.WakeUpNotifications;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The moving parts of a worker, wired together: the {@link Fetcher} reserves for free slots, a pool of handler threads
 * runs each job through the {@link JobExecutor}, the {@link OutcomePolicy} decides what to store, the {@link Completer}
 * stores it in batches, and {@link Heartbeats} keeps the leases (and gives up those it cannot keep). It receives only
 * what it needs: the driver, the clock, the settings, the executor and the listeners.
 *
 * <p>Every job has one outcome at most: whoever claims it first (the handler, its timeout, shutdown, or a lost lease)
 * decides, and a late handler's result is dropped. A handler gives its slot back as soon as it returns, before its
 * outcome is written, so reserving the next jobs overlaps writing the last ones.
 *
 * <p>Stop is graceful in two phases: stop reserving and wait up to the shutdown timeout for running handlers; then
 * cancel the rest and release their jobs at once, without spending the attempt. Heartbeats stop last.
 */
public final class WorkerRuntime {
  private static final Logger log = LoggerFactory.getLogger("io.taskharbor.engine.Worker");
  private static final Duration MAX_ERROR_BACKOFF = Duration.ofSeconds(5);

  private enum State {
    NEW,
    RUNNING,
    STOPPING,
    STOPPED
  }

  private final RuntimeSettings settings;
  private final Driver driver;
  private final InstantSource clock;
  private final JobExecutor executor;
  private final OutcomePolicy policy;
  private final Listeners listeners;

  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Set<RunningJob> active = ConcurrentHashMap.newKeySet();
  /** The jobs held per queue, for the queues' own limits and for stopping one queue. */
  private final Map<String, AtomicInteger> heldByQueue = new ConcurrentHashMap<>();
  private final Set<String> stoppedQueues = ConcurrentHashMap.newKeySet();
  private final Object queueDrained = new Object();
  private final ThreadPoolExecutor handlerPool;
  private final Fetcher fetcher;
  private final GlobalLimits globalLimits;
  private final Completer completer;
  private final Heartbeats heartbeats;
  private Driver.@Nullable Subscription subscription;
  private Driver.@Nullable Subscription cancelSubscription;

  /**
   * Wires a runtime; nothing runs until {@link #start()}.
   *
   * @param clock the clock every driver call and every lease decision takes its instant from
   * @param node the node the worker runs on: its id is each reserved job's holder, and it may hold jobs only while
   *     it counts as alive
   */
  public WorkerRuntime(RuntimeSettings settings, Driver driver, InstantSource clock, JobExecutor executor,
      Listeners listeners, NodeLease node) {
    this.settings = settings;
    this.driver = driver;
    this.clock = clock;
    this.executor = executor;
    this.policy = new OutcomePolicy(settings.retryDelay());
    this.listeners = listeners;
    this.handlerPool = new ThreadPoolExecutor(settings.concurrency(), settings.concurrency(), 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), daemons(settings.name() + "-handler-"));
    this.globalLimits = new GlobalLimits(driver, System::nanoTime, TimeUnit.SECONDS.toNanos(1), settings.name());
    this.fetcher = new Fetcher(settings, driver, this::now, listeners, this::launch, node, new QueueGate() {
      @Override
      public boolean serves(String queue) {
        return !stoppedQueues.contains(queue);
      }

      @Override
      public int room(String queue) {
        Integer limit = settings.queueConcurrency().get(queue);
        return limit == null ? Integer.MAX_VALUE : limit - held(queue);
      }
    });
    this.completer = new Completer(settings, driver, this::now, listeners, active::size, fetcher::reservesInFlight,
        this::finish);
    this.heartbeats = new Heartbeats(settings, driver, this::now, listeners, active, this::lost,
        this::cancelRequested, node);
  }

  /** Returns the settings. */
  public RuntimeSettings settings() {
    return settings;
  }

  /** Returns whether the runtime has started and not yet begun to stop. */
  public boolean isRunning() {
    return state.get() == State.RUNNING;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  // ------------------------------------------------------------------------------------------------ lifecycle

  /**
   * Starts reserving and running jobs.
   *
   * @throws IllegalStateException if it was started before
   */
  public void start() {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException("worker " + settings.name() + " was already started; build a new worker to "
          + "start again");
    }
    Optional<WakeUpNotifications> notifications = driver.extension(WakeUpNotifications.class);
    if (notifications.isPresent()) {
      subscription = notifications.get().subscribe(this::wake);
      cancelSubscription = notifications.get().subscribeCancels(this::heartbeatNow);
    }
    heartbeats.start();
    completer.start();
    fetcher.start();
    log.info("{} started: queues {}, concurrency {}, lease {}", settings.name(), settings.queues(),
        settings.concurrency(), settings.leaseDuration());
  }

  /** Stops gracefully (see the class comment); blocks until done; idempotent. */
  public void stop() {
    if (state.compareAndSet(State.NEW, State.STOPPED)) {
      stopped.countDown();
      return;
    }
    if (!state.compareAndSet(State.RUNNING, State.STOPPING)) {
      awaitStopped();
      return;
    }
    try {
      // Phase 1: stop reserving; let running handlers finish within the shutdown timeout.
      fetcher.stop();
      if (subscription != null) {
        subscription.close();
      }
      if (cancelSubscription != null) {
        cancelSubscription.close();
      }
      handlerPool.shutdown();
      if (!awaitTermination(handlerPool, settings.shutdownTimeout())) {
        // Phase 2: cancel the rest and give their jobs back at once, without spending the attempt.
        int released = 0;
        for (RunningJob job : List.copyOf(active)) {
          if (job.claimOutcome()) {
            job.cancel(CancelReason.SHUTDOWN);
            submit(job, new Execution.Abandoned());
            released++;
          }
        }
        log.warn("{}: {} handler(s) still running after the shutdown timeout of {}; cancelled them and released "
            + "{} job(s)", settings.name(), active.size(), settings.shutdownTimeout(), released);
        handlerPool.shutdownNow();
        if (!awaitTermination(handlerPool, Duration.ofSeconds(5))) {
          log.warn("{}: some handlers ignore interruption and are still running; their outcomes will be dropped",
              settings.name());
        }
      }
      completer.stop();
    } finally {
      globalLimits.close();
      // Heartbeats stop last: a job keeps its lease until its outcome is written.
      heartbeats.stop();
      state.set(State.STOPPED);
      stopped.countDown();
    }
  }

  private void awaitStopped() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------------------------------------ jobs

  /** Starts a job whose slot the fetcher already holds. */
  private void launch(LeasedJob leased) {
    RunningJob job = new RunningJob(leased);
    active.add(job);
    heldByQueue.computeIfAbsent(job.record().queue(), q -> new AtomicInteger()).incrementAndGet();
    heartbeats.track(job);
    handlerPool.execute(() -> run(job));
  }

  /**
   * A handler thread takes up a job: returns whether to run it. A job that waited for a thread (prefetched) may
   * meanwhile have lost its lease, or have come so close to its end, by this worker's clock, that it could run on
   * after another worker took it; and one that has not started when the worker stops is given back at once rather
   * than begun. The timeout counts from here, not from the reserve.
   */
  private boolean begin(RunningJob job) {
    if (job.outcomeClaimed()) {
      return false; // its lease was lost while it waited: already logged, counted and given up
    }
    if (!fetcher.isFetching()) {
      if (job.claimOutcome()) {
        submit(job, new Execution.Abandoned());
      }
      return false;
    }
    if (!heartbeats.leaseHolds(job, now())) {
      if (job.claimOutcome()) {
        lost(job, "its lease ends at " + job.leaseExpiresAt() + ", too soon to start it (safety margin "
            + settings.leaseSafetyMargin() + ")");
      }
      return false;
    }
    Duration timeout = job.record().timeout();
    if (timeout != null) {
      heartbeats.timeout(job, timeout, () -> timedOut(job, timeout));
    }
    return true;
  }

  private void run(RunningJob job) {
    if (!begin(job)) {
      fetcher.freeSlot();
      return;
    }
    JobRecord record = job.record();
    MDC.put("job.id", record.id().toString());
    MDC.put("job.type", record.type());
    MDC.put("job.queue", record.queue());
    MDC.put("job.attempt", Integer.toString(record.attempts()));
    job.bind(Thread.currentThread());
    job.markStarted();
    listeners.started(record);
    Execution execution = null;
    try {
      execution = executor.execute(job);
    } catch (VirtualMachineError fatal) {
      // Do as little as possible in a JVM that may be out of memory: stop keeping the lease, report nothing.
      if (job.claimOutcome()) {
        leave(job);
        job.stopTimers();
      }
      log.error("{}: job {} hit a virtual machine error; its lease will expire and it will run again (or move to "
          + "the DLQ on its last attempt)", settings.name(), record.id(), fatal);
      throw fatal;
    } finally {
      job.unbind();
      if (execution != null) {
        if (job.claimOutcome()) {
          submit(job, execution);
        } else {
          log.debug("{}: dropped the late outcome of job {} (already decided)", settings.name(), record.id());
        }
      }
      MDC.remove("job.id");
      MDC.remove("job.type");
      MDC.remove("job.queue");
      MDC.remove("job.attempt");
      fetcher.freeSlot();
    }
  }

  private void timedOut(RunningJob job, Duration timeout) {
    if (job.claimOutcome()) {
      job.cancel(CancelReason.TIMEOUT);
      submit(job, new Execution.TimedOut(timeout));
    }
  }

  /**
   * Decides the outcome of a job whose outcome the caller claimed (its handler's return, its timeout, or shutdown),
   * tells the listeners the execution is over if it had started, and queues the outcome for the completer.
   */
  private void submit(RunningJob job, Execution execution) {
    Decision decision = policy.decide(job.record(), job.token(), execution, now(), job.details());
    JobRecord record = job.record();
    if (decision.kind() == OutcomePolicy.Kind.RETRIED || decision.kind() == OutcomePolicy.Kind.DEAD_LETTERED) {
      Throwable cause = decision.cause();
      listeners.executionFailed(record, cause != null ? cause
          : new IllegalStateException(((io.taskharbor.spi.Completion.Fail) decision.completion()).reason()));
    }
    Duration ran = job.runningFor();
    if (ran != null) {
      listeners.executed(record, ran);
    }
    switch (decision.kind()) {
      case RETRIED -> log.debug("{}: job {} failed on attempt {} of {}, retrying at {}: {}", settings.name(),
          record.id(), record.attempts(), record.maxAttempts(),
          ((io.taskharbor.spi.Completion.Retry) decision.completion()).runAt(), String.valueOf(decision.cause()));
      case DEAD_LETTERED -> log.warn("{}: job {} ({}) goes to the DLQ on attempt {} of {}: {}", settings.name(),
          record.id(), record.type(), record.attempts(), record.maxAttempts(), String.valueOf(decision.cause()));
      default -> { }
    }
    completer.submit(job, decision);
  }

  /** A job whose outcome the caller claimed lost its lease: cancel its handler, report nothing. */
  private void lost(RunningJob job, String why) {
    leave(job);
    job.stopTimers();
    job.cancel(CancelReason.LOST_LEASE);
    listeners.leaseLost(job.record());
    log.warn("{}: lost the lease of job {} ({} attempt {}): {}; its handler is cancelled and its outcome will not be "
        + "reported", settings.name(), job.id(), job.record().type(), job.record().attempts(), why);
  }

  private void finish(RunningJob job) {
    leave(job);
    job.stopTimers();
  }

  /** The job is no longer this worker's: forget it, and tell whoever waits for its queue's room or its queue's end. */
  private void leave(RunningJob job) {
    if (!active.remove(job)) {
      return;
    }
    String queue = job.record().queue();
    AtomicInteger held = heldByQueue.get(queue);
    int left = held == null ? 0 : held.decrementAndGet();
    if (settings.queueConcurrency().containsKey(queue) || globalLimits.limited(queue)) {
      fetcher.wake(); // the queue has room again (here, or under its global limit once the outcome is stored)
    }
    if (left == 0 && stoppedQueues.contains(queue)) {
      synchronized (queueDrained) {
        queueDrained.notifyAll();
      }
    }
  }

  private int held(String queue) {
    AtomicInteger held = heldByQueue.get(queue);
    return held == null ? 0 : held.get();
  }

  /** An administrator asked to cancel the job: stop its handler and store it CANCELED. */
  private void cancelRequested(RunningJob job) {
    if (job.claimOutcome()) {
      job.cancel(CancelReason.CANCELED);
      log.info("{}: job {} ({}) is canceled by request; its handler is interrupted", settings.name(), job.id(),
          job.record().type());
      submit(job, new Execution.Canceled());
    }
  }

  /**
   * Stops reserving {@code queue} and waits, up to {@code timeout}, until this worker holds none of its jobs (the
   * running ones finish, the prefetched ones run first); the other queues go on.
   *
   * @return whether the queue's jobs all ended within the timeout
   */
  public boolean stopQueue(String queue, Duration timeout) throws InterruptedException {
    stoppedQueues.add(queue);
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (queueDrained) {
      while (held(queue) > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(queueDrained, left);
      }
    }
    return true;
  }

  /** Returns the queues stopped on their own ({@link #stopQueue}). */
  public Set<String> stoppedQueues() {
    return Set.copyOf(stoppedQueues);
  }

  /** Wakes the fetcher if this worker serves {@code queue}, which has a due job (a notification, or its client). */
  public void wake(String queue) {
    if (settings.queues().contains(queue)) {
      fetcher.wake();
    }
  }

  /** Extends the lease of job {@code id} now if this worker holds it (an administrator may have canceled it). */
  public void heartbeatNow(io.taskharbor.api.JobId id) {
    for (RunningJob job : active) {
      if (job.id().equals(id)) {
        heartbeats.beatNow(job);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  static Duration errorBackoff(int errors) {
    long base = 50L << Math.min(errors - 1, 10);
    long capped = Math.min(base, MAX_ERROR_BACKOFF.toMillis());
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }

  private static boolean awaitTermination(ExecutorService pool, Duration timeout) {
    try {
      return pool.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static void joinQuietly(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  static ThreadFactory daemons(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return runnable -> daemon(prefix + n.incrementAndGet(), runnable);
  }
}
