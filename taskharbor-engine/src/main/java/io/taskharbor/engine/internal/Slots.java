package io.taskharbor.engine.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many jobs a worker may hold: one per handler thread, plus the prefetch.
 *
 * <p><b>Why the prefetch adapts.</b> Reserving ahead of free threads keeps them busy during a reserve's round trip and
 * makes reserves larger, so many short jobs go several times faster; but reserved jobs wait, leased, where no other
 * worker can take them, which is unfair to the other workers and hurts when jobs are long. So by default the worker
 * reserves ahead only what it finishes in a short window: the prefetch is the measured rate of finished jobs times
 * the window, at most the cap. A worker of quick jobs prefetches hundreds and drains as fast as a hand-tuned one; a
 * worker of one-second jobs prefetches none; and a reserved job waits for a thread about one window, whatever the
 * jobs. A fixed prefetch (a zero window) keeps the cap always. The rate is an average over samples of at least 50 ms,
 * read by the fetch thread, so the hot path pays one counter increment per job.
 */
final class Slots {
  private static final long SAMPLE_NANOS = 50_000_000L;

  private final int concurrency;
  private final int cap;
  private final long windowNanos;
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicLong finished = new AtomicLong();
  private volatile int prefetch;
  private long sampledAt = System.nanoTime();
  private long sampledFinished;
  private double rate;

  /**
   * @param cap the most prefetched jobs
   * @param windowNanos the window of the adaptive prefetch, or 0 for a fixed prefetch of {@code cap}
   */
  Slots(int concurrency, int cap, long windowNanos) {
    this.concurrency = concurrency;
    this.cap = cap;
    this.windowNanos = windowNanos;
    this.prefetch = windowNanos == 0 ? cap : 0;
  }

  /** The most jobs the worker may hold now. */
  int limit() {
    return concurrency + prefetch;
  }

  /** The most jobs the worker may ever hold. */
  int capacity() {
    return concurrency + cap;
  }

  /** How many more jobs the worker may take now; measures the rate first if a sample is due. */
  int free() {
    if (windowNanos > 0) {
      sample();
    }
    return Math.max(0, limit() - held.get());
  }

  /** How many more jobs the worker may take now, without measuring (for the fetcher's waits). */
  int freeNow() {
    return Math.max(0, limit() - held.get());
  }

  /** Takes one slot if one is free. */
  boolean tryTake() {
    while (true) {
      int h = held.get();
      if (h >= limit()) {
        return false;
      }
      if (held.compareAndSet(h, h + 1)) {
        return true;
      }
    }
  }

  /** Gives back slots taken for a reserve that did not fill them. */
  void giveBack(int count) {
    held.addAndGet(-count);
  }

  /** A job is over (or was given up): its slot is free again. */
  void finished() {
    held.decrementAndGet();
    finished.incrementAndGet();
  }

  /** Returns the prefetch the worker allows now. */
  int prefetch() {
    return prefetch;
  }

  private synchronized void sample() {
    long now = System.nanoTime();
    long elapsed = now - sampledAt;
    if (elapsed < SAMPLE_NANOS) {
      return;
    }
    long done = finished.get();
    double instant = (done - sampledFinished) * 1e9 / elapsed;
    rate = rate == 0 ? instant : 0.5 * rate + 0.5 * instant;
    sampledAt = now;
    sampledFinished = done;
    prefetch = (int) Math.min(cap, Math.round(rate * windowNanos / 1e9));
  }
}
