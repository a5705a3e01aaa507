package io.taskharbor.engine;

/**
 * Told of every failed execution on a worker ({@link Worker.Builder#errorHandler}): the handler threw, its timeout
 * passed, it failed permanently, or the job could not run (no handler for its type, a payload that cannot be decoded).
 * It is called before the outcome (a retry or the DLQ) is stored, on the worker's own thread; anything it throws is
 * logged and never changes the job. Implementations must be thread-safe and quick.
 */
@FunctionalInterface
public interface ErrorHandler {

  /** Handles one failed execution. */
  void onError(JobFailure failure) throws Exception;
}
