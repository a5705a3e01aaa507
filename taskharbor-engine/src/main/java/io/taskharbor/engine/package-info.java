/**
 * The engine's public API: the {@code TaskHarbor} client (enqueue, read, administer), the {@code Worker} and the
 * handler-facing types ({@code JobHandler}, {@code JobContext}, {@code Snooze}, {@code PermanentFailure}, {@code
 * Backoff}), and the {@code PayloadCodec} port with its Jackson 2 default. Listeners live in {@link
 * io.taskharbor.engine.event}; the runtime's mechanics in {@code io.taskharbor.engine.internal}.
 */
@NullMarked
package io.taskharbor.engine;

import org.jspecify.annotations.NullMarked;
