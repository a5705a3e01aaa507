package io.taskharbor.engine.internal;

import io.taskharbor.api.JobRecord;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.LeasedJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fetch threads of a worker: they reserve jobs for the free slots and hand each one to the runtime to launch.
 *
 * <p><b>Why it is built this way.</b> A semaphore with one permit per handler thread (and one per prefetched job, if
 * the worker prefetches) is the single source of truth for free capacity: a fetcher takes its permits before it
 * reserves and gives back those it did not fill, so a reserved job never waits for a thread unless prefetch lets a
 * bounded number wait. A fetcher with no permit waits for one only: a wake-up that arrives meanwhile stays pending for
 * the next reserve (ending the wait on it made the fetcher spin for as long as the pending wake-up and the full pool
 * lasted, which is every backlog). While slots keep freeing up, a fetcher waits a short cooldown for more, so short
 * jobs make full reserves (a reserve costs the database several times more than one more row in it).
 */
final class Fetcher {
  private static final Logger log = LoggerFactory.getLogger("io.taskharbor.engine.Worker");

  private final RuntimeSettings settings;
  private final Driver driver;
  private final Supplier<Instant> now;
  private final Listeners listeners;
  private final Consumer<LeasedJob> launcher;
  private final NodeLease node;
  private final QueueGate gate;
  private final Slots slots;
  private final List<Thread> threads;
  private final AtomicInteger rotation = new AtomicInteger();
  private final AtomicInteger reservesInFlight = new AtomicInteger();
  /** Fetchers waiting for a handler thread to free up: only they care when one does. */
  private final AtomicInteger slotWaiters = new AtomicInteger();
  private volatile boolean fetching = true;
  /** Set while reserves come back full: only then do the helper fetchers (all but the first) reserve too. */
  private volatile boolean backlog;

  private final ReentrantLock wakeLock = new ReentrantLock();
  private final Condition wakeCondition = wakeLock.newCondition();
  private boolean woken;

  Fetcher(RuntimeSettings settings, Driver driver, Supplier<Instant> now, Listeners listeners,
      Consumer<LeasedJob> launcher, NodeLease node, QueueGate gate) {
    this.settings = settings;
    this.driver = driver;
    this.now = now;
    this.listeners = listeners;
    this.launcher = launcher;
    this.node = node;
    this.gate = gate;
    this.slots = new Slots(settings.concurrency(), settings.prefetch(), settings.prefetchWindow().toNanos());
    List<Thread> fetch = new ArrayList<>();
    for (int k = 0; k < settings.fetchParallelism(); k++) {
      int index = k;
      String threadName = k == 0 ? settings.name() + "-fetch" : settings.name() + "-fetch-" + (k + 1);
      fetch.add(WorkerRuntime.daemon(threadName, () -> fetchLoop(index)));
    }
    this.threads = List.copyOf(fetch);
  }

  void start() {
    threads.forEach(Thread::start);
  }

  /** Stops reserving and waits for the fetch threads to end. */
  void stop() {
    fetching = false;
    wake();
    threads.forEach(WorkerRuntime::joinQuietly);
  }

  boolean isFetching() {
    return fetching;
  }

  /** Returns the prefetch the worker allows now (the cap, or what the adaptive prefetch measured). */
  int prefetch() {
    return slots.prefetch();
  }

  int reservesInFlight() {
    return reservesInFlight.get();
  }

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
      if (!nodeMayHoldJobs()) {
        // The node could not heartbeat: the others will soon count it dead and recover its jobs. Reserve nothing
        // until a heartbeat gets through again.
        waitFor(() -> false, settings.pollInterval().toNanos());
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
        listeners.storageError("reserve", e);
        Duration pause = WorkerRuntime.errorBackoff(errors);
        log.warn("{}: reserve failed ({} in a row), retrying in {} ms: {}", settings.name(), errors,
            pause.toMillis(), e.toString());
        waitFor(() -> false, pause.toNanos());
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
   * slot freeing: a busy worker with short jobs then reserves full batches, while one whose other jobs run long
   * reserves what is free after that short quiet spell. The slots are held from here on, so a reserved job waits for
   * a thread only if it is prefetched.
   */
  private int takeSlots() {
    int free = slots.free();
    int capacity = slots.limit();
    int share = backlog ? (capacity + threads.size() - 1) / threads.size() : capacity;
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
          waitFor(() -> slots.freeNow() != before, left);
          int nowFree = slots.freeNow();
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
    while (taken < share && fetching && slots.tryTake()) {
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
        if (!gate.serves(queue)) {
          continue;
        }
        int ask = Math.min(left, gate.room(queue));
        if (ask <= 0) {
          continue;
        }
        List<LeasedJob> jobs;
        long began = System.nanoTime();
        reservesInFlight.incrementAndGet();
        try {
          jobs = driver.reserve(queue, ask, now.get(), settings.leaseDuration(), node.nodeId());
        } finally {
          reservesInFlight.decrementAndGet();
        }
        Duration claim = Duration.ofNanos(System.nanoTime() - began);
        if (jobs.size() > ask) {
          throw new IllegalStateException("driver " + driver.name() + " returned " + jobs.size() + " jobs for a "
              + "reserve of at most " + ask + ", which breaks the driver contract; their leases will expire");
        }
        full |= ask == left && jobs.size() == ask; // a reserve cut short by a queue's own limit says no backlog
        listeners.reserved(queue, records(jobs), claim);
        for (LeasedJob job : jobs) {
          launcher.accept(job);
          left--;
        }
      }
    } finally {
      if (left > 0) {
        slots.giveBack(left);
      }
    }
    return full;
  }

  private static List<JobRecord> records(List<LeasedJob> jobs) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    JobRecord[] records = new JobRecord[jobs.size()];
    for (int i = 0; i < records.length; i++) {
      records[i] = jobs.get(i).job();
    }
    return List.of(records);
  }

  /** Returns whether, by the engine's clock, the node is alive beyond the safety margin, so it may take more jobs. */
  private boolean nodeMayHoldJobs() {
    Instant until = node.aliveUntil();
    return until.equals(Instant.MAX) || now.get().isBefore(until.minus(settings.leaseSafetyMargin()));
  }

  /** A helper fetcher waits here while there is no backlog; returns whether to fetch now. */
  private boolean awaitBacklog() {
    waitFor(() -> backlog, Long.MAX_VALUE);
    return fetching;
  }

  /**
   * Gives back the slot of a job that is over (or was never started) and tells the fetchers that wait for one. A
   * fetcher counts itself as waiting before it looks at the free slots, and the slot is freed here before the count
   * is read, so one of the two always sees the other: no wake-up is lost, and a fetcher waiting for work (not for
   * slots) is not woken for nothing.
   */
  void freeSlot() {
    slots.finished();
    if (slotWaiters.get() > 0) {
      wakeLock.lock();
      try {
        wakeCondition.signalAll();
      } finally {
        wakeLock.unlock();
      }
    }
  }

  /** Waits until a handler thread is free (or stop, or the timeout); a wake-up does not end the wait. */
  private void awaitSlot(Duration timeout) {
    slotWaiters.incrementAndGet();
    try {
      waitFor(() -> slots.freeNow() > 0, timeout.toNanos());
    } finally {
      slotWaiters.decrementAndGet();
    }
  }

  /** Ends an idle fetcher's sleep: new work may be there (a notification, a backlog, stop). */
  void wake() {
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
}
