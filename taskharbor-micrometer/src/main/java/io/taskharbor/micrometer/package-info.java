/**
 * TaskHarbor's metrics as Micrometer meters: {@link io.taskharbor.micrometer.TaskHarborMetrics} is a listener of a
 * client's events (counters and timers) that also publishes gauges of its workers and, from one aggregate read of
 * the database on a timer, of the queues. The meters' Prometheus names are the ones docs/metrics.md lists.
 */
@NullMarked
package io.taskharbor.micrometer;

import org.jspecify.annotations.NullMarked;
