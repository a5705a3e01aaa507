package io.taskharbor.tck;

import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.Page;
import io.taskharbor.spi.Driver;

/**
 * Broken on purpose (paging): a page that is exactly full carries a next cursor even when no item follows, as with a
 * driver that fetches {@code limit} rows instead of {@code limit + 1} and guesses. The page after it is empty.
 */
final class FullLastPageCursorDriver extends ForwardingDriver {

  @Override
  public Page<JobRecord> list(JobQuery query) {
    Page<JobRecord> page = super.list(query);
    if (page.nextCursor() == null && !page.items().isEmpty() && page.items().size() == query.limit()) {
      return new Page<>(page.items(), page.items().get(page.items().size() - 1).id().toString());
    }
    return page;
  }

  /** The TCK against this driver; {@link TckTeethTest} runs it (a nested class, so the build's test run skips it). */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new FullLastPageCursorDriver();
    }
  }
}
