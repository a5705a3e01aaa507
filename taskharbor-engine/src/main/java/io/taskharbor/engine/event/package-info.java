/**
 * The events the engine publishes: {@link io.taskharbor.engine.event.WorkerListener} for what workers do with jobs,
 * {@link io.taskharbor.engine.event.TaskHarborListener} for a client's enqueues as well. Metrics, tracing and admin
 * views are built on these; every method has a no-op default, so listeners keep compiling as events are added.
 */
@NullMarked
package io.taskharbor.engine.event;

import org.jspecify.annotations.NullMarked;
