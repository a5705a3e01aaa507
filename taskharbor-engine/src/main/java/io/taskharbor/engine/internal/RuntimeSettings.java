package io.taskharbor.engine.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The validated settings of one worker's runtime (the public {@code Worker.Builder} checks them).
 *
 * @param name the worker's name, for threads and logs
 * @param queues the queues to serve, in round-robin order
 * @param concurrency handler threads
 * @param leaseDuration how long a reserve or heartbeat holds a job
 * @param heartbeatInterval how often leases are extended
 * @param leaseSafetyMargin how long before its lease expires, by the worker's clock, a job whose lease could not be
 *     extended is given up (its handler cancelled), and a waiting job is no longer started
 * @param pollInterval how long an idle fetcher sleeps without a wake-up
 * @param shutdownTimeout how long stop waits for running handlers
 * @param retryDelay the delay after a failed attempt, by attempt number
 * @param completionBatchSize the most outcomes per driver call
 * @param fetchCooldown how long a busy fetcher (or the completer) gathers a batch
 * @param fetchParallelism reserve calls in flight under a backlog
 * @param prefetch the most reserved jobs that may wait for a handler thread
 * @param prefetchWindow the adaptive prefetch's window (reserve ahead what the worker finishes in it, up to {@code
 *     prefetch}), or zero for a fixed prefetch
 * @param queueConcurrency the most jobs this worker holds at once per queue, for the queues that have a limit
 */
public record RuntimeSettings(
    String name,
    List<String> queues,
    int concurrency,
    Duration leaseDuration,
    Duration heartbeatInterval,
    Duration leaseSafetyMargin,
    Duration pollInterval,
    Duration shutdownTimeout,
    IntFunction<Duration> retryDelay,
    int completionBatchSize,
    Duration fetchCooldown,
    int fetchParallelism,
    int prefetch,
    Duration prefetchWindow,
    Map<String, Integer> queueConcurrency) {

  public RuntimeSettings {
    Objects.requireNonNull(name, "name");
    queues = List.copyOf(queues);
    queueConcurrency = Map.copyOf(queueConcurrency);
    Objects.requireNonNull(retryDelay, "retryDelay");
    Objects.requireNonNull(prefetchWindow, "prefetchWindow");
  }

  /** Handler threads plus prefetched jobs: how many jobs the worker may hold at once. */
  int capacity() {
    return concurrency + prefetch;
  }
}
