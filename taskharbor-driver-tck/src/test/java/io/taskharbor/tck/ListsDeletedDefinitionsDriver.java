package io.taskharbor.tck;

import io.taskharbor.api.TaskDefinition;
import io.taskharbor.spi.Definitions;
import io.taskharbor.spi.Driver;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Broken on purpose (task definitions): it offers {@link Definitions}, but its list shows deleted definitions even
 * when not asked, as a driver whose list forgot "deleted_at IS NULL".
 */
final class ListsDeletedDefinitionsDriver extends ForwardingDriver {
  private final Definitions inner = delegate.extension(Definitions.class).orElseThrow();
  private final Definitions definitions = new Definitions() {
    @Override
    public TaskDefinition create(TaskDefinition definition, Instant now) {
      return inner.create(definition, now);
    }

    @Override
    public TaskDefinition update(TaskDefinition definition, Instant now) {
      return inner.update(definition, now);
    }

    @Override
    public Optional<TaskDefinition> find(String alias) {
      return inner.find(alias);
    }

    @Override
    public List<TaskDefinition> list(boolean includeDeleted) {
      return inner.list(true);
    }

    @Override
    public TaskDefinition cancel(String alias, Instant now) {
      return inner.cancel(alias, now);
    }

    @Override
    public TaskDefinition delete(String alias, Instant now) {
      return inner.delete(alias, now);
    }
  };

  @Override
  public <T> Optional<T> extension(Class<T> type) {
    return offering(type, Definitions.class, definitions);
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new ListsDeletedDefinitionsDriver();
    }
  }
}
