package io.taskharbor.engine;

/**
 * A snapshot of a worker's counters since it was built, counted from the same events its {@link
 * io.taskharbor.engine.event.WorkerListener listeners} hear.
 *
 * @param reserved jobs leased by this worker
 * @param succeeded jobs acknowledged
 * @param retried failed executions sent back for another attempt
 * @param failed jobs sent to the dead-letter queue (attempts exhausted, permanent failure, unknown type, bad payload)
 * @param snoozed executions that snoozed (ran again later without spending the attempt)
 * @param released jobs given back at shutdown, unfinished or (prefetched) unstarted, their attempt not spent
 * @param lostLeases jobs whose lease was lost while they ran or waited for a thread, or that were given up because
 *     their lease could not be extended in time; their outcome was not reported
 * @param refusedCompletions outcomes the driver refused (the lease had expired or been taken)
 * @param completionErrors storage errors while sending outcomes (each batch is retried)
 * @param reserveErrors storage errors while reserving
 * @param heartbeatErrors storage errors while extending leases
 * @param canceled jobs stopped and stored CANCELED because an administrator canceled them while they ran
 */
public record WorkerMetrics(
    long reserved,
    long succeeded,
    long retried,
    long failed,
    long snoozed,
    long released,
    long lostLeases,
    long refusedCompletions,
    long completionErrors,
    long reserveErrors,
    long heartbeatErrors,
    long canceled) {}
