package io.taskharbor.api;

import java.util.Objects;

/**
 * One queue as an overview lists it: its settings, its jobs counted by status, and how many of its jobs hold a valid
 * lease now (what the concurrency limit counts).
 *
 * @param queue the queue
 * @param settings its stored settings ({@link QueueSettings#DEFAULT} if never set)
 * @param stats its jobs by status
 * @param validLeases its INFLIGHT jobs whose lease is still valid
 */
public record QueueOverview(String queue, QueueSettings settings, QueueStats stats, long validLeases) {
  public QueueOverview {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(stats, "stats");
  }
}
