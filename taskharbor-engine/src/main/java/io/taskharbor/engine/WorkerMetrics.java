package io.taskharbor.engine;

/**
 * A snapshot of a worker's counters since it was built.
 *
 * @param reserved jobs leased by this worker
 * @param succeeded jobs acknowledged
 * @param retried failed executions sent back for another attempt
 * @param failed jobs sent to the dead-letter queue (attempts exhausted, permanent failure, unknown type, bad payload)
 * @param snoozed executions that snoozed, and jobs released unfinished (or, prefetched, unstarted) at shutdown
 * @param lostLeases jobs whose lease was lost while they ran (or waited for a thread); their outcome was not reported
 * @param refusedCompletions outcomes the driver refused (the lease had expired or been taken)
 * @param completionErrors storage errors while sending outcomes (each batch is retried)
 * @param reserveErrors storage errors while reserving
 */
public record WorkerMetrics(
    long reserved,
    long succeeded,
    long retried,
    long failed,
    long snoozed,
    long lostLeases,
    long refusedCompletions,
    long completionErrors,
    long reserveErrors) {}
