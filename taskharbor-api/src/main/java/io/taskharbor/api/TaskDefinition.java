package io.taskharbor.api;

import io.taskharbor.api.internal.Checks;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A stored task definition: a named kind of job that an operator can describe, switch off and enqueue by its alias.
 * The alias is the job type of the jobs enqueued by it, so a worker handles them by registering the alias.
 *
 * @param alias the unique name, a valid job type (1 to {@value Limits#MAX_TYPE_LENGTH} characters)
 * @param title a short human title, may be empty
 * @param description what the task does, may be empty
 * @param status ACTIVE or CANCELED
 * @param memo free notes, may be empty
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 * @param deletedAt when it was deleted (soft: it stays for the record and its alias stays taken), or null
 */
public record TaskDefinition(String alias, String title, String description, DefinitionStatus status, String memo,
    Instant createdAt, Instant updatedAt, @Nullable Instant deletedAt) {

  /** The longest title, description or memo, in characters. */
  public static final int MAX_TEXT_LENGTH = 4000;

  public TaskDefinition {
    Checks.type(Objects.requireNonNull(alias, "alias must not be null"));
    title = text(title, "title");
    description = text(description, "description");
    memo = text(memo, "memo");
    Objects.requireNonNull(status, "status must not be null");
    Objects.requireNonNull(createdAt, "createdAt must not be null");
    Objects.requireNonNull(updatedAt, "updatedAt must not be null");
  }

  private static String text(String value, String field) {
    Checks.text(Objects.requireNonNull(value, field + " must not be null (use an empty string)"), field);
    if (value.length() > MAX_TEXT_LENGTH) {
      throw new IllegalArgumentException(field + " is " + value.length() + " characters long: use at most "
          + MAX_TEXT_LENGTH);
    }
    return value;
  }

  /** Returns whether jobs may be enqueued by this definition's alias: ACTIVE and not deleted. */
  public boolean isEnqueueable() {
    return status == DefinitionStatus.ACTIVE && deletedAt == null;
  }

  /** Starts a new definition, ACTIVE, with empty texts, created and updated at {@code now}. */
  public static TaskDefinition of(String alias, Instant now) {
    return new TaskDefinition(alias, "", "", DefinitionStatus.ACTIVE, "", now, now, null);
  }

  /** Returns this definition with another title. */
  public TaskDefinition withTitle(String title) {
    return new TaskDefinition(alias, title, description, status, memo, createdAt, updatedAt, deletedAt);
  }

  /** Returns this definition with another description. */
  public TaskDefinition withDescription(String description) {
    return new TaskDefinition(alias, title, description, status, memo, createdAt, updatedAt, deletedAt);
  }

  /** Returns this definition with another memo. */
  public TaskDefinition withMemo(String memo) {
    return new TaskDefinition(alias, title, description, status, memo, createdAt, updatedAt, deletedAt);
  }
}
