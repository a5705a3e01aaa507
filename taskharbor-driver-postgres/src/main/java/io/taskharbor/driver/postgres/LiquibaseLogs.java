package io.taskharbor.driver.postgres;

import java.util.logging.Level;
import liquibase.logging.Logger;
import liquibase.logging.core.AbstractLogService;
import liquibase.logging.core.AbstractLogger;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Routes Liquibase's logging to SLF4J one level down, so that a migration is quiet unless asked for: Liquibase's INFO
 * chatter ("Successfully acquired change log lock", each changeset run) becomes DEBUG under the logger {@code
 * io.taskharbor.driver.postgres.liquibase}, its warnings stay WARN and its errors ERROR. Messages at level OFF
 * (Liquibase logs some that way, meaning "not at all") are dropped.
 */
final class LiquibaseLogs extends AbstractLogService {

  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger("io.taskharbor.driver.postgres.liquibase");

  private final boolean sqlOutput;

  /**
   * @param sqlOutput whether Liquibase only writes SQL (update-sql): then its warning that it could not release a
   *     lock it never took for real is noise, and goes to DEBUG
   */
  LiquibaseLogs(boolean sqlOutput) {
    this.sqlOutput = sqlOutput;
  }

  @Override
  public int getPriority() {
    return PRIORITY_SPECIALIZED;
  }

  @Override
  public Logger getLog(@SuppressWarnings("rawtypes") Class clazz) {
    return new Bridge(sqlOutput);
  }

  private static final class Bridge extends AbstractLogger {
    private final boolean sqlOutput;

    Bridge(boolean sqlOutput) {
      this.sqlOutput = sqlOutput;
    }

    /** Holds nothing to release (and, unlike the inherited signature, throws nothing). */
    @Override
    public void close() {}

    @Override
    public void log(Level level, String message, @Nullable Throwable e) {
      int v = level.intValue();
      if (v == Level.OFF.intValue()) {
        return;
      }
      if (sqlOutput && message != null && message.startsWith("Failed to release change log lock")) {
        LOG.debug(message, e);
        return;
      }
      if (v >= Level.SEVERE.intValue()) {
        LOG.error(message, e);
      } else if (v >= Level.WARNING.intValue()) {
        LOG.warn(message, e);
      } else if (v >= Level.INFO.intValue()) {
        LOG.debug(message, e);
      } else {
        LOG.trace(message, e);
      }
    }
  }
}
