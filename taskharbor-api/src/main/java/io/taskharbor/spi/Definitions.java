package io.taskharbor.spi;

import io.taskharbor.api.DefinitionException;
import io.taskharbor.api.TaskDefinition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An optional driver extension ({@link Driver#extension(Class)}): a catalogue of task definitions, each with a
 * unique alias. Aliases are unique for ever: a deleted definition is kept (soft deletion) and keeps its alias.
 * Refusals are {@link DefinitionException}s with their reason; a refused call changes nothing. Thread-safe.
 */
public interface Definitions {

  /**
   * Stores a new definition with its texts and status, created and updated at {@code now}, not deleted.
   *
   * @throws DefinitionException DUPLICATE if a definition (deleted or not) has the alias
   */
  TaskDefinition create(TaskDefinition definition, Instant now);

  /**
   * Replaces the title, description, status and memo of the stored definition with the same alias; updated at
   * {@code now}. The creation time and the deletion mark stay.
   *
   * @throws DefinitionException NOT_FOUND if no definition has the alias, DELETED if it was deleted
   */
  TaskDefinition update(TaskDefinition definition, Instant now);

  /** Returns the definition with this alias, deleted or not. */
  Optional<TaskDefinition> find(String alias);

  /** Returns the definitions ordered by alias (by code point), the deleted ones only if asked. */
  List<TaskDefinition> list(boolean includeDeleted);

  /**
   * Makes the definition CANCELED (updated at {@code now}); canceling a CANCELED one changes nothing.
   *
   * @throws DefinitionException NOT_FOUND or DELETED
   */
  TaskDefinition cancel(String alias, Instant now);

  /**
   * Deletes the definition softly: it stays, marked deleted at {@code now}; deleting it again changes nothing.
   *
   * @throws DefinitionException NOT_FOUND
   */
  TaskDefinition delete(String alias, Instant now);
}
