package io.taskharbor.engine;

import io.taskharbor.api.DriverException;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStateException;
import io.taskharbor.api.Limits;
import io.taskharbor.engine.RunningJob.CancelReason;
import io.taskharbor.engine.Worker.Registration;
import io.taskharbor.engine.Worker.WorkerSettings;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.Outcome;
import io.taskharbor.spi.WakeUpNotifications;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The moving parts of a {@link Worker}: one fetch thread, a pool of handler threads, a timer thread for heartbeats and
 * timeouts, and one completer thread.
 *
 * <p><b>Why it is built this way.</b> A semaphore with one permit per handler thread (and one per prefetched job, if
 * the worker prefetches) is the single source of truth for free capacity: the fetch thread reserves exactly as many
 * jobs as there are permits, so a reserved job never waits in a queue while its lease runs, unless prefetch lets a
 * bounded number wait for a thread. A handler gives its permit back as soon as it returns, before its outcome is
 * written, so reserving the next jobs overlaps writing the last ones; the completer drains whatever outcomes have
 * piled up into one driver call, so under load outcomes go in large batches with no added delay, and at low load one
 * at a time. Every job has one outcome at most: whoever claims it first (the handler, its timeout, shutdown, or a
 * lost lease) decides, and a late handler's result is dropped.
 */
final class WorkerRuntime {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);
  private static final AtomicInteger WORKER_IDS = new AtomicInteger();
  private static final Duration MAX_ERROR_BACKOFF = Duration.ofSeconds(5);

  private enum State {
    NEW,
    RUNNING,
    STOPPING,
    STOPPED
  }

  private final TaskHarbor harbor;
  private final Driver driver;
  private final WorkerSettings settings;
  private final Map<String, Registration<?>> handlers;
  private final String name = "taskharbor-worker-" + WORKER_IDS.incrementAndGet();

  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Semaphore slots;
  private final ThreadPoolExecutor handlerPool;
  private final ScheduledThreadPoolExecutor timers;
  private final BlockingQueue<Pending> outbox = new LinkedBlockingQueue<>();
  private final Set<RunningJob> active = ConcurrentHashMap.newKeySet();
  private final List<Thread> fetchers;
  private final Thread completer;
  private final AtomicInteger rotation = new AtomicInteger();
  private final AtomicInteger reservesInFlight = new AtomicInteger();
  /** Fetchers waiting for a handler thread to free up: only they care when one does. */
  private final AtomicInteger slotWaiters = new AtomicInteger();
  private volatile boolean fetching = true;
  /** Set while reserves come back full: only then do the helper fetchers (all but the first) reserve too. */
  private volatile boolean backlog;
  private volatile boolean completing = true;
  private Driver.@Nullable Subscription subscription;

  private final ReentrantLock wakeLock = new ReentrantLock();
  private final Condition wakeCondition = wakeLock.newCondition();
  private boolean woken;

  private final LongAdder reserved = new LongAdder();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder retried = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder snoozed = new LongAdder();
  private final LongAdder lostLeases = new LongAdder();
  private final LongAdder refusedCompletions = new LongAdder();
  private final LongAdder completionErrors = new LongAdder();
  private final LongAdder reserveErrors = new LongAdder();

  /** An outcome waiting for the completer; {@code fallback} marks the plain outcome sent after a refused one. */
  private record Pending(RunningJob job, Completion completion, boolean fallback) {
    Pending(RunningJob job, Completion completion) {
      this(job, completion, false);
    }
  }

  WorkerRuntime(TaskHarbor harbor, WorkerSettings settings, Map<String, Registration<?>> handlers) {
    this.harbor = harbor;
    this.driver = harbor.driver();
    this.settings = settings;
    this.handlers = handlers;
    this.slots = new Semaphore(settings.concurrency() + settings.prefetch());
    this.handlerPool = new ThreadPoolExecutor(settings.concurrency(), settings.concurrency(), 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), threads(name + "-handler-"));
    this.timers = new ScheduledThreadPoolExecutor(2, threads(name + "-heartbeat-"));
    this.timers.setRemoveOnCancelPolicy(true);
    List<Thread> fetch = new ArrayList<>();
    for (int k = 0; k < settings.fetchParallelism(); k++) {
      int index = k;
      fetch.add(threads(k == 0 ? name + "-fetch" : name + "-fetch-" + (k + 1)).newThread(() -> fetchLoop(index)));
    }
    this.fetchers = List.copyOf(fetch);
    this.completer = threads(name + "-complete").newThread(this::completeLoop);
  }

  WorkerSettings settings() {
    return settings;
  }

  boolean isRunning() {
    return state.get() == State.RUNNING;
  }

  WorkerMetrics metrics() {
    return new WorkerMetrics(reserved.sum(), succeeded.sum(), retried.sum(), failed.sum(), snoozed.sum(),
        lostLeases.sum(), refusedCompletions.sum(), completionErrors.sum(), reserveErrors.sum());
  }

  // ------------------------------------------------------------------------------------------------ lifecycle

  void start() {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException("worker " + name + " was already started; build a new worker to start again");
    }
    if (settings.notifications()) {
      subscription = driver.extension(WakeUpNotifications.class).orElseThrow().subscribe(queue -> {
        if (settings.queues().contains(queue)) {
          wake();
        }
      });
    }
    completer.start();
    fetchers.forEach(Thread::start);
    log.info("{} started: queues {}, concurrency {}, lease {}", name, settings.queues(), settings.concurrency(),
        settings.leaseDuration());
  }

  void stop() {
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
      fetching = false;
      wake();
      fetchers.forEach(WorkerRuntime::joinQuietly);
      if (subscription != null) {
        subscription.close();
      }
      handlerPool.shutdown();
      if (!awaitTermination(handlerPool, settings.shutdownTimeout())) {
        // Phase 2: cancel the rest and give their jobs back at once, without spending the attempt.
        int released = 0;
        for (RunningJob job : List.copyOf(active)) {
          if (job.claimOutcome()) {
            job.cancel(CancelReason.SHUTDOWN);
            submit(job, new Completion.Release(job.id(), job.token, null));
            released++;
          }
        }
        log.warn("{}: {} handler(s) still running after the shutdown timeout of {}; cancelled them and released "
            + "{} job(s)", name, active.size(), settings.shutdownTimeout(), released);
        handlerPool.shutdownNow();
        if (!awaitTermination(handlerPool, Duration.ofSeconds(5))) {
          log.warn("{}: some handlers ignore interruption and are still running; their outcomes will be dropped",
              name);
        }
      }
      completing = false;
      joinQuietly(completer);
    } finally {
      // Heartbeats stop last: a job keeps its lease until its outcome is written.
      timers.shutdownNow();
      state.set(State.STOPPED);
      stopped.countDown();
      log.info("{} stopped: {}", name, metrics());
    }
  }

  private void awaitStopped() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------------------------------------ fetching

  /**
   * One fetcher. The first one always runs: it reserves whenever slots are free, and when a round of reserves brings
   * less than it asked for (the queues are drained) it sleeps the poll interval or until a wake-up. The others only
   * help while there is a backlog (a reserve came back full): then up to {@code fetchParallelism} reserves are in
   * flight at once, each for its share of the slots, so handler threads do not sit idle for the whole round trip of
   * one big reserve.
   */
  private void fetchLoop(int index) {
    boolean helper = index > 0;
    int errors = 0;
    while (fetching) {
      if (helper && !awaitBacklog()) {
        continue;
      }
      int held = takeSlots();
      if (held == 0) {
        awaitSlot(settings.pollInterval());
        continue;
      }
      boolean full;
      try {
        full = reserveInto(held);
        errors = 0;
      } catch (RuntimeException e) {
        if (!fetching) {
          return;
        }
        errors++;
        reserveErrors.increment();
        Duration pause = errorBackoff(errors);
        log.warn("{}: reserve failed ({} in a row), retrying in {} ms: {}", name, errors, pause.toMillis(),
            e.toString());
        sleep(pause);
        continue;
      }
      if (full) {
        if (!backlog) {
          backlog = true;
          wake();
        }
      } else {
        backlog = false;
        awaitWake(settings.pollInterval());
      }
    }
  }

  /**
   * Takes free slots for one reserve: all of them when there is no backlog, else this fetcher's share. While slots
   * keep freeing up (jobs finishing), waits for more, up to the fetch cooldown in all and a fifth of it without any
   * slot freeing: a busy worker with short jobs then reserves full batches (a reserve costs the database several
   * times more than one more row in it), while one whose other jobs run long reserves what is free after that short
   * quiet spell. The slots are held from here on, so a reserved job waits for a thread only if it is prefetched.
   */
  private int takeSlots() {
    int capacity = settings.concurrency() + settings.prefetch();
    int share = backlog ? (capacity + fetchers.size() - 1) / fetchers.size() : capacity;
    int free = slots.availablePermits();
    if (free > 0 && free < share) {
      long start = System.nanoTime();
      long deadline = start + settings.fetchCooldown().toNanos();
      long quiet = settings.fetchCooldown().toNanos() / 5;
      slotWaiters.incrementAndGet();
      try {
        long lastFreed = start;
        while (fetching && free > 0 && free < share) {
          long left = Math.min(deadline, lastFreed + quiet) - System.nanoTime();
          if (left <= 0) {
            break;
          }
          int before = free;
          waitFor(() -> slots.availablePermits() != before, left);
          int nowFree = slots.availablePermits();
          if (nowFree > free) {
            lastFreed = System.nanoTime();
          }
          free = nowFree;
        }
      } finally {
        slotWaiters.decrementAndGet();
      }
    }
    int taken = 0;
    while (taken < share && fetching && slots.tryAcquire()) {
      taken++;
    }
    return taken;
  }

  /**
   * Reserves up to {@code held} jobs (one slot each, already taken), visiting the queues in turn from where the last
   * round started, launches them, and gives back the slots left unused. Returns whether some reserve came back full.
   */
  private boolean reserveInto(int held) {
    List<String> queues = settings.queues();
    int start = rotation.getAndIncrement();
    int left = held;
    boolean full = false;
    try {
      for (int i = 0; i < queues.size() && left > 0 && fetching; i++) {
        String queue = queues.get(Math.floorMod(start + i, queues.size()));
        List<LeasedJob> jobs;
        reservesInFlight.incrementAndGet();
        try {
          jobs = driver.reserve(queue, left, harbor.now(), settings.leaseDuration());
        } finally {
          reservesInFlight.decrementAndGet();
        }
        if (jobs.size() > left) {
          throw new IllegalStateException("driver " + driver.name() + " returned " + jobs.size() + " jobs for a "
              + "reserve of at most " + left + ", which breaks the driver contract; their leases will expire");
        }
        full |= jobs.size() == left;
        for (LeasedJob job : jobs) {
          launch(job);
          left--;
        }
      }
    } finally {
      if (left > 0) {
        slots.release(left);
      }
    }
    return full;
  }

  /** A helper fetcher waits here while there is no backlog; returns whether to fetch now. */
  private boolean awaitBacklog() {
    waitFor(() -> backlog, Long.MAX_VALUE);
    return fetching;
  }

  /** Starts a job whose slot is already held. */
  private void launch(LeasedJob leased) {
    reserved.increment();
    RunningJob job = new RunningJob(leased);
    active.add(job);
    long every = settings.heartbeatInterval().toNanos();
    job.heartbeat = timers.scheduleWithFixedDelay(() -> heartbeat(job), every, every, TimeUnit.NANOSECONDS);
    handlerPool.execute(() -> run(job));
  }

  /**
   * Gives back the slot of a job that is over (or was never started) and tells the fetchers that wait for one. A
   * fetcher counts itself as waiting before it looks at the free slots, and the slot is freed here before the count
   * is read, so one of the two always sees the other: no wake-up is lost, and a fetcher waiting for work (not for
   * slots) is not woken for nothing.
   */
  private void freeSlot() {
    slots.release();
    if (slotWaiters.get() > 0) {
      wakeLock.lock();
      try {
        wakeCondition.signalAll();
      } finally {
        wakeLock.unlock();
      }
    }
  }

  /**
   * Waits until a handler thread is free (or stop, or the timeout). A wake-up does not end the wait: with no free
   * thread there is nothing to reserve, and the wake-up stays pending for the reserve that follows. (Ending the wait
   * on one made the fetcher spin for as long as the pending wake-up and the full pool lasted, which is every backlog.)
   */
  private void awaitSlot(Duration timeout) {
    slotWaiters.incrementAndGet();
    try {
      waitFor(() -> slots.availablePermits() > 0, timeout.toNanos());
    } finally {
      slotWaiters.decrementAndGet();
    }
  }

  private void wake() {
    wakeLock.lock();
    try {
      woken = true;
      wakeCondition.signalAll();
    } finally {
      wakeLock.unlock();
    }
  }

  /** Waits for a wake-up (a notification, a backlog, stop) or the timeout, and consumes the wake-up. */
  private void awaitWake(Duration timeout) {
    waitFor(() -> {
      boolean wasWoken = woken;
      woken = false;
      return wasWoken;
    }, timeout.toNanos());
  }

  /**
   * Waits on the wake condition until {@code done} holds (it is checked under the wake lock, so it may read and
   * write what that lock guards), the worker stops fetching, or {@code nanos} pass. An interrupt stops fetching.
   */
  private void waitFor(BooleanSupplier done, long nanos) {
    wakeLock.lock();
    try {
      long left = nanos;
      while (!done.getAsBoolean() && fetching && left > 0) {
        left = wakeCondition.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fetching = false;
    } finally {
      wakeLock.unlock();
    }
  }

  // ------------------------------------------------------------------------------------------------ heartbeats

  private void heartbeat(RunningJob job) {
    if (job.outcomeClaimed() && !active.contains(job)) {
      job.stopTimers();
      return;
    }
    try {
      job.leaseExtendedTo(driver.extendLease(job.id(), job.token, harbor.now(), settings.leaseDuration()));
    } catch (JobStateException e) {
      if (job.claimOutcome()) {
        lostLeases.increment();
        active.remove(job);
        job.stopTimers();
        job.cancel(CancelReason.LOST_LEASE);
        log.warn("{}: lost the lease of job {} ({} attempt {}): {}; its handler is cancelled and its outcome will "
                + "not be reported", name, job.id(), job.record.type(), job.record.attempts(), e.getMessage());
      } else {
        job.stopTimers(); // the outcome is being written; the lease no longer matters
      }
    } catch (RuntimeException e) {
      log.warn("{}: heartbeat for job {} failed, will retry: {}", name, job.id(), e.toString());
    }
  }

  private void timedOut(RunningJob job, Duration timeout) {
    if (job.claimOutcome()) {
      job.cancel(CancelReason.TIMEOUT);
      submit(job, retryOrFail(job, new java.util.concurrent.TimeoutException(
          "job " + job.id() + " of type " + job.record.type() + " timed out after " + timeout)));
    }
  }

  // ------------------------------------------------------------------------------------------------ handlers

  /**
   * A handler thread takes up a job: returns whether to run it. A job that waited for a thread (with {@link
   * Worker.Builder#prefetch prefetch}) may meanwhile have lost its lease, and one that has not started when the worker
   * stops is given back at once rather than begun. The timeout counts from here, not from the reserve.
   */
  private boolean begin(RunningJob job) {
    if (job.outcomeClaimed()) {
      return false; // its lease was lost while it waited: already logged, counted and given up
    }
    if (!fetching) {
      if (job.claimOutcome()) {
        submit(job, new Completion.Release(job.id(), job.token, null));
      }
      return false;
    }
    Duration timeout = job.record.timeout();
    if (timeout != null) {
      job.timeout = timers.schedule(() -> timedOut(job, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    return true;
  }

  private void run(RunningJob job) {
    if (!begin(job)) {
      freeSlot();
      return;
    }
    JobRecord record = job.record;
    MDC.put("job.id", record.id().toString());
    MDC.put("job.type", record.type());
    MDC.put("job.queue", record.queue());
    MDC.put("job.attempt", Integer.toString(record.attempts()));
    job.bind(Thread.currentThread());
    Completion outcome = null;
    try {
      outcome = execute(job);
    } catch (VirtualMachineError fatal) {
      // Do as little as possible in a JVM that may be out of memory: stop keeping the lease, report nothing.
      if (job.claimOutcome()) {
        active.remove(job);
        job.stopTimers();
      }
      log.error("{}: job {} hit a virtual machine error; its lease will expire and it will run again (or move to "
          + "the DLQ on its last attempt)", name, record.id(), fatal);
      throw fatal;
    } finally {
      job.unbind();
      if (outcome != null) {
        if (job.claimOutcome()) {
          submit(job, outcome);
        } else {
          log.debug("{}: dropped the late outcome of job {} (already decided)", name, record.id());
        }
      }
      MDC.remove("job.id");
      MDC.remove("job.type");
      MDC.remove("job.queue");
      MDC.remove("job.attempt");
      freeSlot();
    }
  }

  private @Nullable Completion execute(RunningJob job) {
    JobRecord record = job.record;
    Registration<?> registration = handlers.get(record.type());
    if (registration == null) {
      return new Completion.Fail(record.id(), job.token, ErrorText.clean("no handler for job type '" + record.type()
          + "' in worker " + name + " (types: " + handlers.keySet() + "); register one with Worker.Builder.handle"),
          null);
    }
    return invoke(job, registration);
  }

  private <P> @Nullable Completion invoke(RunningJob job, Registration<P> registration) {
    JobRecord record = job.record;
    P payload;
    try {
      payload = harbor.codec().decode(record.payload(), registration.payloadType());
    } catch (Exception e) {
      return new Completion.Fail(record.id(), job.token, ErrorText.clean("payload cannot be decoded into "
          + registration.payloadType().getName() + ": " + e.getMessage()), ErrorText.describe(e));
    } catch (VirtualMachineError fatal) {
      throw fatal;
    } catch (Error error) {
      // Not the payload's fault (a class that fails to load, say): another attempt, maybe elsewhere, may succeed.
      return retryOrFail(job, error);
    }
    DefaultJobContext<P> context = new DefaultJobContext<>(job, payload);
    try {
      registration.handler().handle(context);
    } catch (Snooze snooze) {
      return new Completion.Release(record.id(), job.token, later(harbor.now(), snooze.delay()));
    } catch (PermanentFailure permanent) {
      return new Completion.Fail(record.id(), job.token, ErrorText.clean(permanent.getMessage()),
          ErrorText.describe(permanent));
    } catch (VirtualMachineError fatal) {
      throw fatal;
    } catch (Throwable error) {
      if (job.cancelReason() == CancelReason.SHUTDOWN) {
        return new Completion.Release(record.id(), job.token, null);
      }
      return retryOrFail(job, error);
    }
    String result = null;
    if (context.result() != null) {
      try {
        result = harbor.codec().encode(context.result(), "result", record.type());
      } catch (IllegalArgumentException e) {
        return retryOrFail(job, e);
      }
    }
    return new Completion.Ack(record.id(), job.token, result);
  }

  private Completion retryOrFail(RunningJob job, Throwable error) {
    JobRecord record = job.record;
    int attempt = record.attempts();
    if (attempt < record.maxAttempts()) {
      Duration delay = settings.backoff().delay(Math.max(1, attempt));
      log.debug("{}: job {} failed on attempt {} of {}, retrying in {}: {}", name, record.id(), attempt,
          record.maxAttempts(), delay, error.toString());
      return new Completion.Retry(record.id(), job.token, later(harbor.now(), delay), ErrorText.describe(error));
    }
    log.warn("{}: job {} ({}) failed on its last attempt ({} of {}), moving it to the DLQ: {}", name, record.id(),
        record.type(), attempt, record.maxAttempts(), error.toString());
    return new Completion.Fail(record.id(), job.token,
        ErrorText.clean("failed on attempt " + attempt + " of " + record.maxAttempts() + ": "
            + ErrorText.summary(error)),
        ErrorText.describe(error));
  }

  private static Instant later(Instant now, Duration delay) {
    Instant at = now.plus(delay);
    return at.isAfter(Limits.MAX_INSTANT) ? Limits.MAX_INSTANT : at;
  }

  // ------------------------------------------------------------------------------------------------ completions

  private void submit(RunningJob job, Completion completion) {
    outbox.add(new Pending(job, completion));
  }

  private void completeLoop() {
    List<Pending> batch = new ArrayList<>();
    while (completing || !outbox.isEmpty()) {
      try {
        Pending first = outbox.poll(20, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        outbox.drainTo(batch, settings.completionBatchSize() - 1);
        lingerForMore(batch);
        send(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("{}: unexpected error while sending outcomes", name, e);
      } finally {
        batch.clear();
      }
    }
  }

  /**
   * While outcomes keep coming (other jobs are running, or a reserve is bringing more), waits for them to join the
   * batch, up to the fetch cooldown in all and a fifth of it without a new outcome: one round trip (and one commit)
   * for many outcomes instead of one each. A completion statement costs the database several times more than one
   * more row in it, so under load this halves its work per outcome, for at most one cooldown of delay before an
   * outcome is stored (the job keeps its lease meanwhile, and its handler thread is already free). An idle worker
   * sends at once.
   */
  private void lingerForMore(List<Pending> batch) throws InterruptedException {
    long deadline = System.nanoTime() + settings.fetchCooldown().toNanos();
    long quiet = settings.fetchCooldown().toNanos() / 5;
    while (batch.size() < settings.completionBatchSize() && completing
        && (active.size() > batch.size() || reservesInFlight.get() > 0)) {
      long left = Math.min(deadline - System.nanoTime(), quiet);
      if (left <= 0) {
        return;
      }
      Pending next = outbox.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        return;
      }
      batch.add(next);
      outbox.drainTo(batch, settings.completionBatchSize() - batch.size());
    }
  }

  private void send(List<Pending> batch) {
    List<Completion> completions = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      completions.add(p.completion());
    }
    List<Outcome> outcomes = null;
    for (int errors = 1; outcomes == null; errors++) {
      try {
        outcomes = driver.complete(completions, harbor.now());
      } catch (RuntimeException e) {
        completionErrors.increment();
        if (!(e instanceof DriverException d && d.isTransient())) {
          sendRefused(batch, e);
          return;
        }
        if (!completing && errors >= 3) {
          log.error("{}: could not send {} outcome(s) while stopping ({}); those jobs run again once their leases "
              + "expire", name, batch.size(), e.toString());
          batch.forEach(p -> finish(p.job()));
          return;
        }
        Duration pause = errorBackoff(errors);
        log.warn("{}: sending {} outcome(s) failed ({} in a row), retrying in {} ms: {}", name, batch.size(), errors,
            pause.toMillis(), e.toString());
        sleep(pause);
      }
    }
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      Outcome outcome = outcomes.get(i);
      if (outcome.isOk()) {
        count(p.completion());
      } else {
        refusedCompletions.increment();
        log.warn("{}: the driver refused the outcome of job {}: {}", name, p.job().id(),
            String.valueOf(outcome.refusal()));
      }
      finish(p.job());
    }
  }

  /**
   * The driver refused a batch outright (not a transient failure, so sending it again would fail again, and would
   * hold up every later outcome). Sends the items one at a time to find the culprit; an item refused on its own is
   * replaced by a plain outcome that any driver can store (the job then shows why in its record); if even that is
   * refused, the job is let go: its lease expires and it runs again.
   */
  private void sendRefused(List<Pending> batch, RuntimeException e) {
    if (batch.size() > 1) {
      log.warn("{}: the driver refused a batch of {} outcomes ({}); sending them one at a time", name, batch.size(),
          e.toString());
      for (Pending p : batch) {
        send(List.of(p));
      }
      return;
    }
    Pending p = batch.get(0);
    RunningJob job = p.job();
    if (p.fallback()) {
      log.error("{}: the driver refused even a plain outcome for job {} ({}); letting its lease expire, so it will "
          + "run again", name, job.id(), e.toString());
      finish(job);
      return;
    }
    String why = ErrorText.clean(ErrorText.summary(e));
    Completion fallback;
    if (p.completion() instanceof Completion.Retry retry) {
      fallback = new Completion.Retry(job.id(), job.token, retry.runAt(), "the error of this attempt could not be "
          + "stored (" + why + ")");
    } else if (p.completion() instanceof Completion.Release release) {
      fallback = release;
    } else {
      String what = p.completion() instanceof Completion.Ack ? "the handler succeeded, but its result could not be "
          + "stored" : "the failure could not be stored as reported";
      fallback = new Completion.Fail(job.id(), job.token, ErrorText.clean(what + ": " + why), null);
    }
    log.error("{}: the driver refused the outcome of job {} ({}); sending a plain {} instead", name, job.id(),
        e.toString(), fallback.getClass().getSimpleName().toLowerCase(Locale.ROOT));
    send(List.of(new Pending(job, fallback, true)));
  }

  private void count(Completion completion) {
    if (completion instanceof Completion.Ack) {
      succeeded.increment();
    } else if (completion instanceof Completion.Retry) {
      retried.increment();
    } else if (completion instanceof Completion.Fail) {
      failed.increment();
    } else {
      snoozed.increment();
    }
  }

  private void finish(RunningJob job) {
    active.remove(job);
    job.stopTimers();
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private static Duration errorBackoff(int errors) {
    long base = 50L << Math.min(errors - 1, 10);
    long capped = Math.min(base, MAX_ERROR_BACKOFF.toMillis());
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }

  private void sleep(Duration pause) {
    wakeLock.lock();
    try {
      long nanos = pause.toNanos();
      while (nanos > 0 && (fetching || completing)) {
        nanos = wakeCondition.awaitNanos(nanos);
        if (!fetching && fetchers.contains(Thread.currentThread())) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      wakeLock.unlock();
    }
  }

  private static boolean awaitTermination(ExecutorService pool, Duration timeout) {
    try {
      return pool.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return runnable -> {
      Thread t = new Thread(runnable, prefix.endsWith("-") ? prefix + n.incrementAndGet() : prefix);
      t.setDaemon(true);
      return t;
    };
  }
}
