package io.taskharbor.engine.internal;

/**
 * Runs one job's handler on the calling (handler) thread and says how it ended. The engine implements it with the
 * registered handlers and the payload codec; the runtime never sees either. It may throw a {@link
 * VirtualMachineError}, and nothing else.
 */
@FunctionalInterface
public interface JobExecutor {

  /** Runs the handler of {@code job}. */
  Execution execute(RunningJob job);
}
