/**
 * The worker's moving parts, split at their seams: the {@link io.taskharbor.engine.internal.Fetcher fetcher}, the
 * {@link io.taskharbor.engine.internal.Completer completer}, the {@link io.taskharbor.engine.internal.Heartbeats
 * timers} and the {@link io.taskharbor.engine.internal.OutcomePolicy outcome policy}, wired by {@link
 * io.taskharbor.engine.internal.WorkerRuntime}. Internal to {@code taskharbor-engine}: no compatibility promise, no
 * other module may use it, and it depends on no public engine class except the events (architecture tests enforce
 * both), so the runtime is driven through its own small interfaces and never sees handlers, codecs or the client.
 */
@NullMarked
package io.taskharbor.engine.internal;

import org.jspecify.annotations.NullMarked;
