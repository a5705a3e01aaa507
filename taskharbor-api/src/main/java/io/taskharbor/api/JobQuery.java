package io.taskharbor.api;

import io.taskharbor.api.internal.Checks;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A filter and page request for listing jobs. Results are ordered by job id (which, for engine-made ids, is
 * creation order); paging is by cursor, so concurrent inserts never shift a page.
 *
 * @param queue only this queue, or null for all
 * @param statuses only these statuses; empty for all
 * @param type only this job type, or null for all
 * @param limit the page size, 1 to {@value Limits#MAX_PAGE_SIZE}; default 100
 * @param cursor the {@link Page#nextCursor()} of the previous page, or null for the first page
 * @param leasedBy only jobs whose lease is (or was last) held by this node, or null for all
 */
public record JobQuery(
    @Nullable String queue, Set<JobStatus> statuses, @Nullable String type, int limit, @Nullable String cursor,
    @Nullable String leasedBy) {

  public JobQuery {
    if (queue != null) {
      Checks.queue(queue);
    }
    statuses = Set.copyOf(Objects.requireNonNull(statuses, "statuses"));
    if (type != null) {
      Checks.type(type);
    }
    if (limit < 1 || limit > Limits.MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + Limits.MAX_PAGE_SIZE + " but was " + limit + ": page through larger "
              + "results with the cursor");
    }
    if (cursor != null) {
      JobId.parse(cursor);
    }
    if (leasedBy != null) {
      Checks.text(leasedBy, "leasedBy");
    }
  }

  /** The query as the first SPI version had it, with no {@code leasedBy} filter; build queries with the builder. */
  public JobQuery(
      @Nullable String queue, Set<JobStatus> statuses, @Nullable String type, int limit, @Nullable String cursor) {
    this(queue, statuses, type, limit, cursor, null);
  }

  /** Returns a builder for a query over all jobs, 100 per page. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a query over all jobs, 100 per page. */
  public static JobQuery all() {
    return builder().build();
  }

  /** Returns whether {@code job} passes the filters (ignoring paging). */
  public boolean matches(JobRecord job) {
    return (queue == null || queue.equals(job.queue()))
        && (statuses.isEmpty() || statuses.contains(job.status()))
        && (type == null || type.equals(job.type()))
        && (leasedBy == null || leasedBy.equals(job.leasedBy()));
  }

  /** The cursor as a job id: list items after this id. */
  public @Nullable JobId cursorId() {
    return cursor == null ? null : JobId.parse(cursor);
  }

  /** A mutable builder; not thread-safe. */
  public static final class Builder {
    private @Nullable String queue;
    private final Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
    private @Nullable String type;
    private int limit = 100;
    private @Nullable String cursor;
    private @Nullable String leasedBy;

    private Builder() {}

    /** Only this queue. */
    public Builder queue(String queue) {
      this.queue = queue;
      return this;
    }

    /** Only these statuses (adds to those given before). */
    public Builder status(JobStatus... statuses) {
      this.statuses.addAll(Set.of(statuses));
      return this;
    }

    /** Only this job type. */
    public Builder type(String type) {
      this.type = type;
      return this;
    }

    /** The page size, 1 to {@value Limits#MAX_PAGE_SIZE}. */
    public Builder limit(int limit) {
      this.limit = limit;
      return this;
    }

    /** Continues after the page whose {@link Page#nextCursor()} this is. */
    public Builder cursor(@Nullable String cursor) {
      this.cursor = cursor;
      return this;
    }

    /** Only jobs whose lease is (or was last) held by this node. */
    public Builder leasedBy(String nodeId) {
      this.leasedBy = nodeId;
      return this;
    }

    /** Builds the query; throws {@link IllegalArgumentException} naming a bad field. */
    public JobQuery build() {
      return new JobQuery(queue, statuses, type, limit, cursor, leasedBy);
    }
  }
}
