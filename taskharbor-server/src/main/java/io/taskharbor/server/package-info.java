/**
 * The worker service: {@link io.taskharbor.server.TaskHarborServer} runs a worker configured by the environment
 * (the seed's variables), serves {@code /metrics}, {@code /health} and {@code /ready}, logs one JSON object per line
 * and stops gracefully on SIGTERM. An application's {@code main} gives it the handlers.
 */
@NullMarked
package io.taskharbor.server;

import org.jspecify.annotations.NullMarked;
