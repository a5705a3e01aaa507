package io.taskharbor.api;

/** Whether a task definition may be enqueued by its alias. */
public enum DefinitionStatus {
  /** Jobs may be enqueued by its alias. */
  ACTIVE,
  /** Kept for the record; enqueueing by its alias is refused. */
  CANCELED
}
