package io.taskharbor.spi;

import java.time.Instant;

/**
 * An optional driver extension ({@link Driver#extension(Class)}): the live jobs of every queue counted in one read,
 * for metrics and dashboards that refresh on a timer instead of asking {@link Driver#stats} queue by queue.
 *
 * <p>Rules: the counts cover the jobs that are not finished (READY, split into due and scheduled at {@code now}, and
 * INFLIGHT, whether or not the lease is still valid), grouped by queue and type, with no group of zero; and for each
 * queue with a due READY job, the earliest instant one of them became due (run_at, else created_at), so that the age
 * of the oldest waiting job is {@code now - oldestDue}. One call is one consistent read. Thread-safe.
 */
public interface Statistics {

  /** Counts the live jobs at {@code now}. */
  LiveJobs liveJobs(Instant now);
}
