package io.taskharbor.engine.internal;

/** Which of its queues a worker reserves from now, and how many more jobs of each it may take. */
interface QueueGate {

  /** Returns whether the worker still reserves from {@code queue} (it may have been stopped on its own). */
  boolean serves(String queue);

  /** Returns how many more jobs of {@code queue} the worker may hold now; {@link Integer#MAX_VALUE} if unlimited. */
  int room(String queue);
}
