package io.taskharbor.driver.memory;

import io.taskharbor.api.DefinitionException;
import io.taskharbor.api.DefinitionStatus;
import io.taskharbor.api.TaskDefinition;
import io.taskharbor.spi.Definitions;
import io.taskharbor.spi.support.Validation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The memory driver's {@link Definitions}: the definitions by alias, in code point order, under the driver's lock
 * (so a closed driver refuses them too). Records are immutable, so a change stores a new one.
 */
final class MemoryDefinitions implements Definitions {

  private final ReentrantLock lock;
  private final Runnable ensureOpen;
  /** Every definition ever created, deleted ones included, by alias (guarded by the lock). */
  private final TreeMap<String, TaskDefinition> byAlias = new TreeMap<>(CoordinationChecks.CODE_POINTS);

  MemoryDefinitions(ReentrantLock lock, Runnable ensureOpen) {
    this.lock = lock;
    this.ensureOpen = ensureOpen;
  }

  @Override
  public TaskDefinition create(TaskDefinition definition, Instant now) {
    Objects.requireNonNull(definition, "definition must not be null");
    Instant at = Validation.now(now);
    return locked(() -> {
      if (byAlias.containsKey(definition.alias())) {
        throw new DefinitionException(definition.alias(), DefinitionException.Reason.DUPLICATE, "create");
      }
      TaskDefinition stored = new TaskDefinition(definition.alias(), definition.title(), definition.description(),
          definition.status(), definition.memo(), at, at, null);
      byAlias.put(stored.alias(), stored);
      return stored;
    });
  }

  @Override
  public TaskDefinition update(TaskDefinition definition, Instant now) {
    Objects.requireNonNull(definition, "definition must not be null");
    Instant at = Validation.now(now);
    return locked(() -> {
      TaskDefinition current = live(definition.alias(), "update");
      return store(new TaskDefinition(current.alias(), definition.title(), definition.description(),
          definition.status(), definition.memo(), current.createdAt(), at, null));
    });
  }

  @Override
  public Optional<TaskDefinition> find(String alias) {
    Validation.type(alias);
    return locked(() -> {
      return Optional.ofNullable(byAlias.get(alias));
    });
  }

  @Override
  public List<TaskDefinition> list(boolean includeDeleted) {
    return locked(() -> {
      List<TaskDefinition> all = new ArrayList<>(byAlias.size());
      for (TaskDefinition d : byAlias.values()) {
        if (includeDeleted || d.deletedAt() == null) {
          all.add(d);
        }
      }
      return List.copyOf(all);
    });
  }

  @Override
  public TaskDefinition cancel(String alias, Instant now) {
    Validation.type(alias);
    Instant at = Validation.now(now);
    return locked(() -> {
      TaskDefinition current = live(alias, "cancel");
      if (current.status() == DefinitionStatus.CANCELED) {
        return current;
      }
      return store(new TaskDefinition(alias, current.title(), current.description(), DefinitionStatus.CANCELED,
          current.memo(), current.createdAt(), at, null));
    });
  }

  @Override
  public TaskDefinition delete(String alias, Instant now) {
    Validation.type(alias);
    Instant at = Validation.now(now);
    return locked(() -> {
      TaskDefinition current = byAlias.get(alias);
      if (current == null) {
        throw new DefinitionException(alias, DefinitionException.Reason.NOT_FOUND, "delete");
      }
      if (current.deletedAt() != null) {
        return current;
      }
      return store(new TaskDefinition(alias, current.title(), current.description(), current.status(),
          current.memo(), current.createdAt(), at, at));
    });
  }

  /** Runs {@code body} under the driver's lock, on an open driver. */
  private <T> T locked(Supplier<T> body) {
    lock.lock();
    try {
      ensureOpen.run();
      return body.get();
    } finally {
      lock.unlock();
    }
  }

  /** The stored definition with the alias, neither missing nor deleted; else the refusal naming {@code operation}. */
  private TaskDefinition live(String alias, String operation) {
    TaskDefinition current = byAlias.get(alias);
    if (current == null) {
      throw new DefinitionException(alias, DefinitionException.Reason.NOT_FOUND, operation);
    }
    if (current.deletedAt() != null) {
      throw new DefinitionException(alias, DefinitionException.Reason.DELETED, operation);
    }
    return current;
  }

  private TaskDefinition store(TaskDefinition next) {
    byAlias.put(next.alias(), next);
    return next;
  }

  @Override
  public String toString() {
    return "MemoryDriver.definitions";
  }
}
