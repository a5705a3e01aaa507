package io.taskharbor.tck;

/**
 * The index of the TCK's rules: one nested interface per contract group, one method per rule, each with the rule and
 * where to look when it fails. Every {@code *Contract} class implements its interface and every test method overrides
 * a rule, so this index and the tests cannot drift apart: a rule without a test, or a test without a rule, does not
 * compile.
 *
 * <h2>Names</h2>
 *
 * A test's method name is its rule: {@code required_…} rules bind every driver; {@code optional_…} rules bind drivers
 * that declare a {@link io.taskharbor.spi.Capability} and are skipped, with a message that names the capability, for
 * the others. Display names are the rules as sentences; a failing test's display name (and, for parameterised rules,
 * the case's name) is what to look up here.
 *
 * <h2>Conventions the whole TCK applies</h2>
 *
 * <ul>
 *   <li><b>Time.</b> Every {@code now} comes from the test's {@link TestClock}, fixed and microsecond-aligned; the
 *       lease is 30 s ({@link JobFixture#LEASE}) unless a rule says otherwise. Boundaries are tested to the
 *       microsecond: due iff run_at &le; now, a lease valid iff lease_expires_at &gt; now, purge iff finished_at &lt;
 *       finishedBefore.
 *   <li><b>Exceptions.</b> Refusals are checked by exact type and typed fields ({@code jobId()}, {@code status()},
 *       {@code expiredAt()}, {@code now()}), never by message text. {@code InvalidJobStatusException} from requeue,
 *       cancel and delete must be exactly that type, not its {@code JobNotInflightException} subclass, which is kept
 *       for lease operations.
 *   <li><b>Arguments.</b> The SPI requires an {@link IllegalArgumentException} naming the field for a bad value; the
 *       TCK requires it, and that its message contains the SPI parameter's name as a whole word ({@code queue},
 *       {@code max}, {@code now}, {@code lease}, {@code statuses}, {@code finishedBefore}; {@code key} or {@code
 *       idempotencyKey} for a key). Where the SPI is silent, for {@code null} arguments, the TCK accepts a {@link
 *       NullPointerException} or an {@link IllegalArgumentException}. Either way nothing may change, and a bad argument
 *       wins over an unknown job id. Instants outside {@link io.taskharbor.api.Limits#MIN_INSTANT} ..
 *       {@link io.taskharbor.api.Limits#MAX_INSTANT} are bad values in every parameter, {@code finishedBefore}
 *       included; the limits themselves are accepted.
 *   <li><b>Closed drivers.</b> Every data and admin call (and {@code subscribe}, for drivers with notifications)
 *       throws {@link IllegalStateException}; {@code name()} and {@code capabilities()} are not tested after close.
 *   <li><b>JSON.</b> Payloads and results compare as JSON values ({@link JsonAssert}): a driver may normalise
 *       whitespace, key order, escapes and the spelling of numbers.
 *   <li><b>Refusals change nothing.</b> After every refused call the TCK compares the whole record (every field,
 *       updated_at included) with the record before the call ({@link JobRecords#assertJob}).
 * </ul>
 *
 * <h2>Choices the TCK makes where the SPI leaves room</h2>
 *
 * These follow the reference model ({@code ReferenceModel}), so the contract tests and the property tests hold a
 * driver to the same answers.
 *
 * <ul>
 *   <li>Retry and release without a run time, and requeue, set run_at to {@code now}: the job becomes claimable now
 *       and queues behind jobs that were ready before it (FIFO by readiness).
 *   <li>An enqueue whose (queue, key) is taken is deduplicated before its id is looked at: resending the same request
 *       (same id, same key) answers {@code created = false}, not {@code DuplicateJobException}.
 *   <li>Every accepted change sets updated_at to {@code now}; terminal no-ops (ack of DONE, fail of DONE or DLQ,
 *       cancel of CANCELED) change nothing, updated_at included.
 *   <li>Retry and fail store their error as last_error; release and requeue keep last_error; ack leaves it alone.
 *       Requeue clears finished_at with the DLQ reason and time. Cancel sets finished_at.
 *   <li>The reason of the reserve sweep is exactly {@value JobFixture#LAST_ATTEMPT_EXPIRED}; what it does to
 *       last_error is not tested.
 *   <li>A page's {@code nextCursor} is null exactly when no further item exists, so a full last page has none.
 * </ul>
 */
public final class TckRules {

  private TckRules() {}

  /**
   * Enqueue: {@link io.taskharbor.spi.Driver#enqueue}. Checked by {@link EnqueueContract}, shown as "enqueue: jobs
   * are stored READY, exactly as given, all of a batch or none".
   */
  public interface Enqueue {

    /**
     * An enqueued job is stored READY with every field as given, created_at = updated_at = now, no attempts and
     * nothing else set.
     *
     * <p>If this fails, check that enqueue stores created_at and updated_at as the given now (not a clock of its
     * own) and leaves attempts, lease, error, result, DLQ and finish fields empty.
     */
    void required_enqueueStoresAReadyJobWithEveryField();

    /**
     * Priority, run time, idempotency key, max attempts and timeout are stored as given.
     *
     * <p>If this fails, check the mapping of priority, run_at, idempotency key, max attempts and timeout to storage
     * and back (a column left out of an insert or a select, or a timeout stored at lower than microsecond
     * precision).
     */
    void required_enqueueStoresEveryOptionalField();

    /**
     * A batch returns one result per job, in batch order, and stores every job.
     *
     * <p>If this fails, check that a batch insert returns its results in the order of the input, not in id or
     * storage order.
     */
    void required_enqueueReturnsOneResultPerJobInBatchOrder();

    /**
     * An empty batch returns an empty list and stores nothing.
     *
     * <p>If this fails, check that an empty batch returns before building a statement (an empty VALUES list is a
     * syntax error in SQL).
     */
    void required_enqueueOfAnEmptyBatchReturnsAnEmptyList();

    /**
     * Enqueueing an id that is stored is a DuplicateJobException naming it, and the stored job is unchanged.
     *
     * <p>If this fails, check that a primary-key violation becomes DuplicateJobException carrying the id, and that
     * no upsert overwrites the stored row.
     */
    void required_enqueueOfAStoredIdIsADuplicateJob();

    /**
     * Ids are unique across queues: a stored id enqueued to another queue is a DuplicateJobException.
     *
     * <p>If this fails, check that ids are unique over the whole store, not per queue (a key or map per queue).
     */
    void required_jobIdsAreUniqueAcrossQueues();

    /**
     * A batch holding one stored id stores none of its jobs, not even those before the duplicate.
     *
     * <p>If this fails, check that the whole batch runs in one transaction (or is validated before anything is
     * written) and is rolled back on a duplicate id.
     */
    void required_aDuplicateIdStoresNothingOfTheBatch();

    /**
     * An id repeated within one batch is a DuplicateJobException and nothing of the batch is stored.
     *
     * <p>If this fails, check that ids are checked against the earlier jobs of the same batch, not only against
     * storage.
     */
    void required_anIdRepeatedWithinABatchStoresNothing();

    /**
     * A refused batch takes no idempotency key: its keys stay free.
     *
     * <p>If this fails, check that idempotency keys taken by a refused batch are rolled back with it.
     */
    void required_aRefusedBatchLeavesItsIdempotencyKeysFree();

    /**
     * A payload round-trips as the same JSON value through get and reserve.
     *
     * <p>If this fails, check the payload column type and encoding (UTF-8 end to end, no truncation, no
     * re-serialisation that loses digits of a number or characters outside the BMP).
     */
    void required_payloadRoundTripsAsTheSameJsonValue(String description, String payload);

    /**
     * Priorities round-trip across the whole int range.
     *
     * <p>If this fails, check that priority is stored as a signed 32-bit integer (not a smallint, not unsigned).
     */
    void required_priorityRoundTripsAcrossTheIntRange();

    /**
     * Max attempts and timeout round-trip at their extremes: 1 and Integer.MAX_VALUE, 1µs and 100 years.
     *
     * <p>If this fails, check that max attempts is a full int and that the timeout keeps microseconds and durations
     * of up to 100 years.
     */
    void required_maxAttemptsAndTimeoutRoundTripAtTheirExtremes();

    /**
     * A run time in the past is stored as given, not moved to now.
     *
     * <p>If this fails, check that enqueue does not clamp run_at to now.
     */
    void required_aRunTimeInThePastIsStoredAsGiven();

    /**
     * Created_at and updated_at are now truncated to microseconds.
     *
     * <p>If this fails, check that now is truncated (not rounded) to microseconds before it is stored.
     */
    void required_createdAtIsNowTruncatedToMicroseconds();

    /**
     * Type, queue and idempotency key round-trip exactly at their longest, with any allowed character.
     *
     * <p>If this fails, check column lengths (type and key up to 255 characters, queue up to 128) and the text
     * encoding.
     */
    void required_typeQueueAndKeyRoundTripExactly();

    /**
     * A second enqueue leaves jobs already stored unchanged.
     *
     * <p>If this fails, check that enqueue inserts only and never touches existing rows.
     */
    void required_enqueueLeavesStoredJobsUnchanged();
  }

  /**
   * Idempotency keys: unique per queue while the job exists. Checked by {@link IdempotencyContract}, shown as
   * "idempotency: a (queue, key) pair names at most one stored job".
   */
  public interface Idempotency {

    /**
     * A second enqueue with the same queue and key stores nothing and returns the first job's id, created = false;
     * the first job is unchanged.
     *
     * <p>If this fails, check the unique (queue, key) constraint and that a conflict returns the existing job's id
     * with created = false instead of an exception or an update.
     */
    void required_aTakenKeyReturnsTheFirstJobAndStoresNothing();

    /**
     * The same key in another queue is another job.
     *
     * <p>If this fails, check that the uniqueness of keys is scoped by queue.
     */
    void required_theSameKeyInAnotherQueueCreatesAJob();

    /**
     * A key repeated within one batch stores only its first job; the others return that job's id.
     *
     * <p>If this fails, check that keys are deduplicated against the earlier jobs of the same batch (ON CONFLICT DO
     * NOTHING alone cannot see the batch's own rows in one statement).
     */
    void required_aKeyRepeatedWithinABatchStoresOnlyTheFirst();

    /**
     * A batch mixing taken keys, new keys and no keys answers each job in order.
     *
     * <p>If this fails, check that the results of a batch follow the input order when some jobs are deduplicated.
     */
    void required_aBatchMixesDeduplicatedAndNewJobsInOrder();

    /**
     * Jobs without a key are never deduplicated, however alike.
     *
     * <p>If this fails, check that a null key never conflicts (a unique index must ignore nulls, and no default key
     * is invented).
     */
    void required_jobsWithoutAKeyAreNeverDeduplicated();

    /**
     * A key stays taken whatever the job's status.
     *
     * <p>If this fails, check that the key's uniqueness is not limited to unfinished jobs (a partial index on
     * status would free it too early).
     */
    void required_aKeyStaysTakenInEveryStatus(JobFixture.State state);

    /**
     * A key stays taken after its job is requeued from the DLQ.
     *
     * <p>If this fails, check that requeue keeps the idempotency key.
     */
    void required_aKeyStaysTakenAfterRequeue();

    /**
     * Deleting the job frees its key: the next enqueue with it creates a job.
     *
     * <p>If this fails, check that delete removes the key with the job (a separate key table or map must be cleaned
     * up too).
     */
    void required_deleteFreesTheKey();

    /**
     * Purging the job frees its key: the next enqueue with it creates a job.
     *
     * <p>If this fails, check that purge removes keys with the jobs it deletes.
     */
    void required_purgeFreesTheKey();

    /**
     * findByIdempotencyKey returns the holding job's whole record, in any status.
     *
     * <p>If this fails, check that findByIdempotencyKey returns the same record as get, in the job's current state.
     */
    void required_findByIdempotencyKeyReturnsTheHoldingJob();

    /**
     * findByIdempotencyKey is empty for a key never used, for another queue, and after delete.
     *
     * <p>If this fails, check that the lookup filters by queue and sees deletions.
     */
    void required_findByIdempotencyKeyIsEmptyWhenNoJobHoldsTheKey();

    /**
     * Keys compare exactly: case and surrounding spaces make different keys.
     *
     * <p>If this fails, check that keys are compared byte for byte: no case folding (citext, a case-insensitive
     * collation) and no trimming.
     */
    void required_keysCompareExactly();

    /**
     * Resending the same request (same id, same key) is deduplicated: created = false, not a duplicate id.
     *
     * <p>If this fails, check that the idempotency key is checked before the id: a client that resends the same
     * request must get created = false, not DuplicateJobException.
     */
    void required_resendingTheSameRequestIsDeduplicated();

    /**
     * The id of a deduplicated job is not taken: it may be enqueued later.
     *
     * <p>If this fails, check that a deduplicated job is not stored in any form (not even a placeholder holding its
     * id).
     */
    void required_theIdOfADeduplicatedJobStaysFree();
  }

  /**
   * Reserve: leasing, reclaiming and the DLQ sweep of {@link io.taskharbor.spi.Driver#reserve}. Checked by {@link
   * ReserveContract}, shown as "reserve: leases claimable jobs of one queue, reclaims expired leases, retires
   * exhausted ones".
   */
  public interface Reserve {

    /**
     * Reserve returns at most max jobs, then the rest, then nothing.
     *
     * <p>If this fails, check the LIMIT of the claim query and that leased jobs are not claimable again.
     */
    void required_reserveReturnsAtMostMax();

    /**
     * Reserve with a max beyond the claimable jobs returns each claimable job once.
     *
     * <p>If this fails, check that a max beyond the backlog neither fails nor returns a job twice.
     */
    void required_reserveWithALargeMaxReturnsEveryClaimableJobOnce();

    /**
     * Reserve on an empty or unknown queue returns an empty list.
     *
     * <p>If this fails, check that an empty result is an empty list, not an exception or null.
     */
    void required_reserveOnAnEmptyQueueReturnsAnEmptyList();

    /**
     * Reserve never returns a job of another queue, and leaves other queues' jobs untouched.
     *
     * <p>If this fails, check the queue filter of the claim query (and that it is applied before the LIMIT).
     */
    void required_reserveNeverReturnsAnotherQueuesJobs();

    /**
     * A reserved job is INFLIGHT with a token, lease_expires_at = now + lease, attempts + 1 and updated_at = now;
     * nothing else changes.
     *
     * <p>If this fails, check the UPDATE of reserve: status, a fresh token, expiry = now + lease, attempts + 1 and
     * updated_at = now, and that RETURNING gives the updated row.
     */
    void required_reserveLeasesTheJob();

    /**
     * Every job of one reserve gets its own token.
     *
     * <p>If this fails, check that the token is drawn per job, not once per call.
     */
    void required_everyReservedJobGetsItsOwnToken();

    /**
     * Jobs beyond max are left READY and unchanged.
     *
     * <p>If this fails, check that only the jobs returned are updated (an UPDATE without the LIMIT's subquery
     * leases the whole queue).
     */
    void required_reserveLeavesJobsBeyondMaxUnchanged();

    /**
     * A leased job is not handed out again while its lease is valid, up to 1µs before expiry.
     *
     * <p>If this fails, check the validity test of a lease: valid iff lease_expires_at &gt; now (strictly).
     */
    void required_aLeasedJobIsNotReservableWhileItsLeaseIsValid();

    /**
     * An expired lease is reclaimed exactly at its expiry, with a new token, a new expiry and attempts + 1.
     *
     * <p>If this fails, check that INFLIGHT jobs with lease_expires_at &lt;= now are claimable, and are leased with
     * a new token and attempts + 1.
     */
    void required_anExpiredLeaseIsReclaimedAtExactlyItsExpiry();

    /**
     * After a reclaim the former holder's token is refused with LeaseMismatchException.
     *
     * <p>If this fails, check that a reclaim replaces the token, so the old holder's completion compares unequal.
     */
    void required_aReclaimFencesTheFormerHolder();

    /**
     * DONE, DLQ, CANCELED and scheduled jobs are never reserved.
     *
     * <p>If this fails, check the status filter of the claim query: only READY jobs that are due and INFLIGHT jobs
     * whose lease expired.
     */
    void required_reserveSkipsJobsThatAreNotClaimable();

    /**
     * An expired lease on the last attempt goes to the DLQ with reason "lease expired on the last attempt" and is
     * not handed out.
     *
     * <p>If this fails, check the sweep at the start of reserve: INFLIGHT, lease_expires_at &lt;= now, attempts
     * &gt;= max_attempts moves to DLQ with the exact reason, dlq_failed_at = finished_at = updated_at = now and the
     * lease cleared.
     */
    void required_anExpiredLastAttemptGoesToTheDlq();

    /**
     * Reclaims count as attempts: with max attempts 2, the second expiry goes to the DLQ.
     *
     * <p>If this fails, check that attempts count reclaims too, so the sweep compares the incremented count.
     */
    void required_reclaimsCountTowardsMaxAttempts();

    /**
     * Every expired last attempt of the queue goes to the DLQ, even beyond max and when ready jobs are handed out.
     *
     * <p>If this fails, check that the sweep is not limited by max or by the claim query's order and runs even when
     * ready jobs fill the batch.
     */
    void required_theDlqSweepCoversTheWholeQueue();

    /**
     * A last attempt whose lease is still valid is left INFLIGHT.
     *
     * <p>If this fails, check that the sweep tests lease validity with the same strict comparison as everything
     * else.
     */
    void required_aLastAttemptWithAValidLeaseIsNotSwept();

    /**
     * The DLQ sweep of one queue leaves other queues' expired last attempts alone.
     *
     * <p>If this fails, check the queue filter of the sweep.
     */
    void required_theDlqSweepLeavesOtherQueuesAlone();

    /**
     * The lease is truncated to microseconds: now + 30s + 999ns expires at now + 30s.
     *
     * <p>If this fails, check that now and the lease are truncated to microseconds before expiry = now + lease is
     * computed.
     */
    void required_theLeaseIsTruncatedToMicroseconds();

    /**
     * Successive reservations of one job always draw a token never seen before.
     *
     * <p>If this fails, check that tokens are random per reservation (not derived from the job id or reused).
     */
    void required_everyReservationDrawsAFreshToken();

    /**
     * Reserving one job leaves the other jobs of the queue as they were.
     *
     * <p>If this fails, check that reserve writes only the rows it returns (and the swept ones).
     */
    void required_reserveChangesOnlyTheJobsItReturns();
  }

  /**
   * Scheduling: when a READY job is due. Checked by {@link SchedulingContract}, shown as "scheduling: a job is due
   * exactly when run_at &lt;= now".
   */
  public interface Scheduling {

    /**
     * A job scheduled 1µs after now is not reserved; at its run time exactly it is.
     *
     * <p>If this fails, check the due test: run_at &lt;= now, inclusive, at microsecond precision.
     */
    void required_aJobIsDueExactlyAtItsRunTime();

    /**
     * A job enqueued with run time now + 1µs is not reserved at now.
     *
     * <p>If this fails, check that run_at is compared at full microsecond precision (not rounded to milliseconds or
     * seconds).
     */
    void required_aJobScheduledOneMicrosecondAheadIsNotDue();

    /**
     * A job whose run time is now, or in the past, is due at once.
     *
     * <p>If this fails, check that a run time in the past or equal to now is due.
     */
    void required_aRunTimeAtOrBeforeNowIsDueAtOnce();

    /**
     * A retried job with a future run time is not reserved before it, and is at it.
     *
     * <p>If this fails, check that retry stores its run_at and that the claim query reads it.
     */
    void required_aRetryWithAFutureRunTimeWaitsForIt();

    /**
     * A retry without a run time is due at once: its run time becomes now.
     *
     * <p>If this fails, check that retry without a run time sets run_at = now (it must not keep the old run_at or
     * fall back to created_at).
     */
    void required_aRetryWithoutARunTimeIsDueAtOnce();

    /**
     * A release with a future run time is not reserved before it, and is at it.
     *
     * <p>If this fails, check that release stores its run_at.
     */
    void required_aReleaseWithAFutureRunTimeWaitsForIt();

    /**
     * A release without a run time is due at once: its run time becomes now.
     *
     * <p>If this fails, check that release without a run time sets run_at = now.
     */
    void required_aReleaseWithoutARunTimeIsDueAtOnce();

    /**
     * A job requeued from the DLQ is due at once: its run time becomes now.
     *
     * <p>If this fails, check that requeue sets run_at = now.
     */
    void required_aRequeuedJobIsDueAtOnce();

    /**
     * Stats count a job as scheduled until 1µs before its run time and as ready from its run time on.
     *
     * <p>If this fails, check that stats use the same inclusive due test as reserve.
     */
    void required_statsTellReadyFromScheduledAtTheBoundary();

    /**
     * A scheduled job of higher priority does not hold back due jobs.
     *
     * <p>If this fails, check that the claim query filters by due before it orders by priority and limits.
     */
    void required_aScheduledJobDoesNotBlockDueJobs();

    /**
     * A scheduled job is never reclaimed early: reserving before its run time leaves it untouched.
     *
     * <p>If this fails, check that reserve does not write scheduled jobs.
     */
    void required_reservingBeforeTheRunTimeLeavesTheJobUntouched();
  }

  /**
   * Reserve order: priority, then the claimable instant, then id. Checked by {@link OrderingContract}, shown as
   * "ordering: priority first, then FIFO by readiness, then id".
   */
  public interface Ordering {

    /**
     * Higher priority is reserved first, negative priorities last.
     *
     * <p>If this fails, check the ORDER BY priority DESC of the claim query (and that priority is compared as a
     * signed int).
     */
    void required_higherPriorityFirst();

    /**
     * Priority beats age: a newer job of higher priority goes before an older one.
     *
     * <p>If this fails, check that priority is the first sort key.
     */
    void required_priorityBeatsAge();

    /**
     * Within one priority, jobs come in the order they were enqueued, whatever their ids.
     *
     * <p>If this fails, check that the second sort key is the claimable instant, not the id.
     */
    void required_fifoWithinOnePriority();

    /**
     * A due scheduled job goes before a newer immediate job created after its run time.
     *
     * <p>If this fails, check that a scheduled job sorts by its run_at, not by its created_at or behind all
     * immediate jobs.
     */
    void required_aDueScheduledJobGoesBeforeNewerImmediateJobs();

    /**
     * An immediate job created before a scheduled job's run time goes first.
     *
     * <p>If this fails, check that an immediate job sorts by created_at (the claimable instant of a job without
     * run_at).
     */
    void required_anImmediateJobCreatedBeforeARunTimeGoesFirst();

    /**
     * Readiness, not creation, orders: a job created later with an earlier run time goes first.
     *
     * <p>If this fails, check that a job with a run_at sorts by its run_at even when it was created later.
     */
    void required_runTimeNotCreationOrders();

    /**
     * An expired lease goes before ready jobs created after its expiry.
     *
     * <p>If this fails, check that an expired lease sorts by its expiry (an available_at column must be set to the
     * expiry when leasing).
     */
    void required_anExpiredLeaseGoesBeforeNewerReadyJobs();

    /**
     * A ready job created before a lease expired goes before that expired lease.
     *
     * <p>If this fails, check that an expired lease does not jump the queue: it sorts by its expiry, not by
     * created_at or first.
     */
    void required_aReadyJobOlderThanAnExpiryGoesFirst();

    /**
     * Ties of priority and readiness break by id as an unsigned 128-bit number.
     *
     * <p>If this fails, check that ids compare as unsigned 128-bit numbers (java.util.UUID.compareTo is signed and
     * wrong here; PostgreSQL's uuid order is right).
     */
    void required_tiesBreakByUnsignedIdOrder();

    /**
     * Ties between a run time and another job's creation at the same instant break by id.
     *
     * <p>If this fails, check that run_at, created_at and expiry sort as one key (one claimable instant), then id.
     */
    void required_tiesAcrossKindsOfReadinessBreakById();

    /**
     * A retried job queues behind jobs that were ready before the retry.
     *
     * <p>If this fails, check that a retried job's claimable instant is the retry's run_at (now when none), not its
     * created_at.
     */
    void required_aRetriedJobQueuesBehindJobsReadyBeforeIt();

    /**
     * One reserve call returns its jobs in reserve order.
     *
     * <p>If this fails, check that the list reserve returns is in reserve order (UPDATE … RETURNING does not
     * preserve the CTE's order by itself).
     */
    void required_oneReserveReturnsItsJobsInOrder();
  }

  /**
   * {@link io.taskharbor.spi.Driver#extendLease} and the strict lease validation order. Checked by {@link
   * LeaseContract}, shown as "lease: extendLease extends a held lease and refuses everything else, in the validation
   * order".
   */
  public interface Lease {

    /**
     * extendLease sets the expiry to now + lease, keeps the token, sets updated_at and returns the expiry.
     *
     * <p>If this fails, check that extendLease writes expiry = now + lease and updated_at = now, keeps the token,
     * and returns the stored expiry.
     */
    void required_extendLeaseExtendsToNowPlusLease();

    /**
     * extendLease never shortens: a lease shorter than what is left keeps the current expiry.
     *
     * <p>If this fails, check that the new expiry is max(current expiry, now + lease).
     */
    void required_extendLeaseNeverShortensTheLease();

    /**
     * extendLease to exactly the current expiry keeps it.
     *
     * <p>If this fails, check the max of the two expiries when they are equal.
     */
    void required_extendLeaseToTheCurrentExpiryKeepsIt();

    /**
     * extendLease 1µs before expiry succeeds.
     *
     * <p>If this fails, check that validity is expiry &gt; now, at microsecond precision.
     */
    void required_extendLeaseOneMicrosecondBeforeExpirySucceeds();

    /**
     * An extended lease keeps the job from being reclaimed at the old expiry.
     *
     * <p>If this fails, check that reserve reads the extended expiry (an available_at column must move with it).
     */
    void required_anExtendedLeaseIsNotReclaimedAtTheOldExpiry();

    /**
     * Repeated extensions each move the expiry to now + lease.
     *
     * <p>If this fails, check that extendLease neither counts an attempt nor changes the token.
     */
    void required_repeatedExtensionsKeepTheJobLeased();

    /**
     * extendLease of an unknown job is a JobNotFoundException naming it.
     *
     * <p>If this fails, check that an unknown id is the first check of the validation order.
     */
    void required_extendLeaseOfAnUnknownJobIsNotFound();

    /**
     * extendLease of a job that is not INFLIGHT is a JobNotInflightException with its status.
     *
     * <p>If this fails, check that the status check comes second and carries the job's status.
     */
    void required_extendLeaseOfAJobNotInflightIsRefused(JobFixture.State state);

    /**
     * extendLease exactly at expiry is a LeaseExpiredException with the expiry and now.
     *
     * <p>If this fails, check the strict validity test (expiry &gt; now) and the fields of LeaseExpiredException.
     */
    void required_extendLeaseExactlyAtExpiryIsExpired();

    /**
     * extendLease after expiry is a LeaseExpiredException.
     *
     * <p>If this fails, check that an expired lease is refused even when nobody reclaimed the job.
     */
    void required_extendLeaseAfterExpiryIsExpired();

    /**
     * An expired lease wins over a wrong token: LeaseExpiredException, not LeaseMismatchException.
     *
     * <p>If this fails, check the validation order: expiry is checked before the token.
     */
    void required_anExpiredLeaseWinsOverAWrongToken();

    /**
     * extendLease with a wrong token on a valid lease is a LeaseMismatchException.
     *
     * <p>If this fails, check that the token is compared last, after the lease is known valid.
     */
    void required_extendLeaseWithAWrongTokenIsAMismatch();

    /**
     * After a reclaim, extendLease with the former token is a LeaseMismatchException and the new holder keeps its
     * lease.
     *
     * <p>If this fails, check that the reclaim replaced the token.
     */
    void required_extendLeaseWithAFormerTokenAfterReclaimIsAMismatch();

    /**
     * A refused extendLease leaves the lease to expire when it would have.
     *
     * <p>If this fails, check that a refused extendLease writes nothing (an UPDATE without the token in its WHERE
     * clause).
     */
    void required_aRefusedExtendLeaseDoesNotExtend();
  }

  /**
   * Completions: ack, retry, fail and release through {@link io.taskharbor.spi.Driver#complete}. Checked by {@link
   * CompletionContract}, shown as "completion: ack, retry, fail and release do exactly what they say, item by item".
   */
  public interface Completions {

    /**
     * Ack makes the job DONE with its result, finished_at = updated_at = now, the lease cleared and the attempt
     * count kept.
     *
     * <p>If this fails, check the ack update: DONE, result, finished_at = updated_at = now, token and expiry
     * cleared, attempts unchanged.
     */
    void required_ackMakesTheJobDone();

    /**
     * Ack without a result stores no result.
     *
     * <p>If this fails, check that a null result is stored as SQL NULL (not the JSON literal null or an empty
     * string).
     */
    void required_ackWithoutAResultStoresNone();

    /**
     * An ack result round-trips as the same JSON value.
     *
     * <p>If this fails, check the result column's type and encoding.
     */
    void required_anAckResultRoundTripsAsJson();

    /**
     * Retry makes the job READY at its run time with the error as last_error, the lease cleared and the attempt
     * still counted.
     *
     * <p>If this fails, check the retry update: READY, run_at, last_error, lease cleared, attempts unchanged,
     * finished_at empty.
     */
    void required_retryMakesTheJobReadyAtItsRunTime();

    /**
     * The attempt a retry ends stays counted: the next reservation is attempt 2.
     *
     * <p>If this fails, check that retry does not decrement attempts (only release does).
     */
    void required_aRetriedAttemptStaysCounted();

    /**
     * Fail moves the job to the DLQ with the reason, dlq_failed_at = finished_at = now, the error as last_error,
     * the lease cleared and the attempt count kept.
     *
     * <p>If this fails, check the fail update: DLQ, reason, dlq_failed_at = finished_at = updated_at = now,
     * last_error, lease cleared.
     */
    void required_failMovesTheJobToTheDlq();

    /**
     * Release makes the job READY at its run time, gives back the attempt and keeps last_error.
     *
     * <p>If this fails, check the release update: READY, run_at, attempts - 1, lease cleared, last_error kept.
     */
    void required_releaseGivesTheJobBackWithoutCountingTheAttempt();

    /**
     * Release of a first attempt brings attempts back to 0.
     *
     * <p>If this fails, check that release decrements attempts to 0 after a first delivery.
     */
    void required_releaseOfAFirstAttemptBringsAttemptsToZero();

    /**
     * A job released on its last attempt runs again instead of going to the DLQ.
     *
     * <p>If this fails, check that a released job is READY again and is not swept (its attempts went down).
     */
    void required_aJobReleasedOnItsLastAttemptRunsAgain();

    /**
     * An empty batch returns no outcomes.
     *
     * <p>If this fails, check that an empty batch returns an empty list without building a statement.
     */
    void required_anEmptyBatchReturnsNoOutcomes();

    /**
     * A mixed batch of ack, retry, fail and release applies each item and answers in order.
     *
     * <p>If this fails, check that each kind of completion in a batch takes its own effect and outcomes follow
     * input order.
     */
    void required_aMixedBatchAppliesEveryItemInOrder();

    /**
     * Refusals in a batch are outcomes of the right type for their item only; the other items apply.
     *
     * <p>If this fails, check that one refusal neither aborts the batch's transaction nor shifts the outcomes, and
     * that each refusal has the single call's exception type.
     */
    void required_refusalsInABatchAffectOnlyTheirItem();

    /**
     * The same ack twice in one batch: the first applies, the second is a terminal no-op.
     *
     * <p>If this fails, check that items are applied in order, each seeing the effect of the ones before (a
     * set-based UPDATE must still answer per item).
     */
    void required_aRepeatedAckInOneBatchIsANoOp();

    /**
     * Ack then retry of one job in one batch: the retry sees the DONE job and is refused.
     *
     * <p>If this fails, check that a later item sees the DONE status an earlier item wrote.
     */
    void required_anAckThenARetryInOneBatchRefusesTheRetry();

    /**
     * Retry then ack of one job in one batch: the ack sees the READY job and is refused.
     *
     * <p>If this fails, check that a later item sees the READY status an earlier item wrote.
     */
    void required_aRetryThenAnAckInOneBatchRefusesTheAck();

    /**
     * A completion of an unknown job is refused with JobNotFoundException.
     *
     * <p>If this fails, check that an unknown id is an outcome with JobNotFoundException, not an exception from
     * complete.
     */
    void required_aCompletionOfAnUnknownJobIsNotFound();

    /**
     * Ack of a DONE job succeeds and changes nothing, whatever the token, result or time.
     *
     * <p>If this fails, check that terminal idempotency is checked before lease validation and changes nothing
     * (updated_at and result included).
     */
    void required_ackOfADoneJobIsANoOp();

    /**
     * Fail of a DONE job succeeds and changes nothing: the first outcome stays.
     *
     * <p>If this fails, check that fail of a DONE job is a no-op, not a refusal and not a move to the DLQ.
     */
    void required_failOfADoneJobIsANoOp();

    /**
     * Fail of a DLQ job succeeds and changes nothing: the first reason and time stay.
     *
     * <p>If this fails, check that fail of a DLQ job keeps the first reason, time and error.
     */
    void required_failOfADlqJobIsANoOp();

    /**
     * Retry and release of a terminal job are refused with JobNotInflightException and change nothing.
     *
     * <p>If this fails, check that retry and release have no terminal no-op: they are refused as not INFLIGHT.
     */
    void required_retryOrReleaseOfATerminalJobIsNotInflight(CompletionContract.Kind kind, JobFixture.State state);

    /**
     * Ack of a DLQ or CANCELED job is refused with JobNotInflightException and changes nothing.
     *
     * <p>If this fails, check that only DONE makes ack a no-op.
     */
    void required_ackOfADlqOrCanceledJobIsNotInflight(JobFixture.State state);

    /**
     * Fail of a CANCELED job is refused with JobNotInflightException and changes nothing.
     *
     * <p>If this fails, check that only DONE and DLQ make fail a no-op.
     */
    void required_failOfACanceledJobIsNotInflight();

    /**
     * A stale worker's completion after another worker reclaimed the job is a LeaseMismatchException and changes
     * nothing.
     *
     * <p>If this fails, check that completions compare the token, so a worker that lost its lease cannot finish the
     * new holder's attempt.
     */
    void required_aStaleCompletionAfterAReclaimIsAMismatch(CompletionContract.Kind kind);

    /**
     * A late completion after the lease expired, before anyone reclaimed the job, is a LeaseExpiredException and
     * leaves the job reclaimable.
     *
     * <p>If this fails, check that completions test lease validity at now before anything else about the lease.
     */
    void required_aLateCompletionBeforeAnyReclaimIsExpired(CompletionContract.Kind kind);

    /**
     * A stale ack after the new holder acked succeeds as a no-op: the new holder's result stays.
     *
     * <p>If this fails, check that terminal idempotency ignores the token.
     */
    void required_aStaleAckAfterTheNewHolderAckedIsANoOp();

    /**
     * A stale retry after the new holder acked is refused with JobNotInflightException.
     *
     * <p>If this fails, check that a retry of a DONE job is refused and does not reopen it.
     */
    void required_aStaleRetryAfterTheNewHolderAckedIsNotInflight();
  }

  /**
   * The table-driven matrix: lease operation &times; job state &times; presented lease. Checked by {@link
   * MatrixContract}, shown as "matrix: lease operation × job state × presented lease".
   */
  public interface Matrix {

    /**
     * Every lease operation on every job state with every presented lease does what the table says.
     *
     * <p>If this fails, check the cell named in the test's display name against the Driver javadoc: the terminal
     * no-ops first, then not found, not INFLIGHT, expired (expiry &lt;= now, before the token), wrong token.
     */
    void required_leaseOperationMatrix(MatrixContract.Case c);
  }

  /**
   * Admin: requeue, cancel, delete and purge. Checked by {@link AdminContract}, shown as "admin: requeue, cancel,
   * delete and purge change exactly the jobs they may".
   */
  public interface Admin {

    /**
     * Requeue with reset moves a DLQ job to READY due now, clears the DLQ fields and finished_at, and sets attempts
     * to 0; last_error stays.
     *
     * <p>If this fails, check the requeue update: READY, run_at = now, attempts 0, DLQ reason and time and
     * finished_at cleared, last_error kept, updated_at = now.
     */
    void required_requeueWithResetMovesADlqJobBackToReady();

    /**
     * Requeue without reset keeps the attempt count.
     *
     * <p>If this fails, check that requeue without reset leaves attempts as they were.
     */
    void required_requeueWithoutResetKeepsAttempts();

    /**
     * A job swept to the DLQ by reserve can be requeued and run again.
     *
     * <p>If this fails, check that a job the reserve sweep moved to the DLQ is an ordinary DLQ job.
     */
    void required_aJobSweptToTheDlqCanBeRequeued();

    /**
     * Requeue of a job not in the DLQ is an InvalidJobStatusException with its status, and changes nothing.
     *
     * <p>If this fails, check that requeue refuses every status but DLQ with InvalidJobStatusException (not its
     * JobNotInflightException subclass) carrying the status.
     */
    void required_requeueOfAJobNotInTheDlqIsRefused(JobFixture.State state);

    /**
     * Requeue of an unknown job is a JobNotFoundException.
     *
     * <p>If this fails, check that requeue of an unknown id is JobNotFoundException, not a silent no-op.
     */
    void required_requeueOfAnUnknownJobIsNotFound();

    /**
     * Cancel makes a READY job CANCELED with finished_at = updated_at = now; nothing else changes.
     *
     * <p>If this fails, check the cancel update: CANCELED, finished_at = updated_at = now, nothing else.
     */
    void required_cancelMakesAReadyJobCanceled();

    /**
     * Cancel makes a scheduled job CANCELED, keeping its run time.
     *
     * <p>If this fails, check that cancel accepts READY jobs whatever their run_at.
     */
    void required_cancelMakesAScheduledJobCanceled();

    /**
     * A canceled job is never reserved, not even after its run time.
     *
     * <p>If this fails, check that the claim query excludes CANCELED jobs.
     */
    void required_aCanceledJobIsNeverReserved();

    /**
     * Cancel of a CANCELED job succeeds and changes nothing, finished_at included.
     *
     * <p>If this fails, check that cancel of a CANCELED job writes nothing (finished_at and updated_at stay).
     */
    void required_cancelOfACanceledJobIsANoOp();

    /**
     * Cancel of an INFLIGHT, DONE or DLQ job is an InvalidJobStatusException with its status, and changes nothing.
     *
     * <p>If this fails, check that cancel refuses INFLIGHT, DONE and DLQ with InvalidJobStatusException carrying
     * the status.
     */
    void required_cancelOfAJobNotReadyIsRefused(JobFixture.State state);

    /**
     * Cancel of an INFLIGHT job is refused even after its lease expired.
     *
     * <p>If this fails, check that an expired lease does not make a job READY for cancel.
     */
    void required_cancelOfAnExpiredInflightJobIsRefused();

    /**
     * Cancel of an unknown job is a JobNotFoundException.
     *
     * <p>If this fails, check that cancel of an unknown id is JobNotFoundException.
     */
    void required_cancelOfAnUnknownJobIsNotFound();

    /**
     * Delete removes a job that is not INFLIGHT: get, list, stats and reserve no longer see it.
     *
     * <p>If this fails, check that delete removes the row everywhere it is seen: get, list, stats and reserve.
     */
    void required_deleteRemovesAJobThatIsNotInflight(JobFixture.State state);

    /**
     * Delete of an INFLIGHT job is an InvalidJobStatusException, even when its lease expired.
     *
     * <p>If this fails, check that delete refuses INFLIGHT jobs, also when their lease expired.
     */
    void required_deleteOfAnInflightJobIsRefused();

    /**
     * Delete of an unknown job, or of one deleted already, is a JobNotFoundException.
     *
     * <p>If this fails, check that delete of an unknown id is JobNotFoundException, not a silent no-op.
     */
    void required_deleteOfAnUnknownJobIsNotFound();

    /**
     * A deleted job's id may be enqueued again.
     *
     * <p>If this fails, check that delete leaves no tombstone that makes the id a duplicate.
     */
    void required_aDeletedIdMayBeEnqueuedAgain();

    /**
     * Purge deletes only jobs in the named statuses and returns how many.
     *
     * <p>If this fails, check the status filter of purge.
     */
    void required_purgeDeletesOnlyTheNamedStatuses();

    /**
     * Purge's boundary is strict: a job finished at the given instant stays, one finished 1µs before goes.
     *
     * <p>If this fails, check that purge compares finished_at &lt; finishedBefore (strictly), at microsecond
     * precision.
     */
    void required_purgeBoundaryIsStrict();

    /**
     * Purge counts every deleted job across queues, and a second purge finds nothing.
     *
     * <p>If this fails, check that purge spans every queue and returns the deleted row count.
     */
    void required_purgeReturnsHowManyJobsItDeleted();

    /**
     * Purge never deletes READY or INFLIGHT jobs, however old.
     *
     * <p>If this fails, check that purge ignores jobs without finished_at.
     */
    void required_purgeNeverDeletesUnfinishedJobs();

    /**
     * Purge goes by finished_at, not created_at.
     *
     * <p>If this fails, check that purge compares finished_at, not created_at or updated_at.
     */
    void required_purgeGoesByFinishedAt();

    /**
     * A job requeued from the DLQ is no longer purged as DLQ.
     *
     * <p>If this fails, check that requeue changes the status and clears finished_at.
     */
    void required_aRequeuedJobIsNotPurged(boolean resetAttempts);
  }

  /**
   * Listing and counting: {@link io.taskharbor.spi.Driver#list} and {@link io.taskharbor.spi.Driver#stats}. Checked
   * by {@link ListAndStatsContract}, shown as "list and stats: filtered listing in id order, cursor paging, counts by
   * status".
   */
  public interface ListAndStats {

    /**
     * List returns every job ordered by id, whatever the enqueue order, each as get returns it.
     *
     * <p>If this fails, check the ORDER BY id of list (unsigned 128-bit order) and that list returns the same
     * records as get.
     */
    void required_listReturnsEveryJobOrderedById();

    /**
     * List filters by queue.
     *
     * <p>If this fails, check the queue filter of list.
     */
    void required_listFiltersByQueue();

    /**
     * List filters by a set of statuses.
     *
     * <p>If this fails, check the status filter of list with one or more statuses.
     */
    void required_listFiltersByStatuses();

    /**
     * List filters by type.
     *
     * <p>If this fails, check the type filter of list, compared exactly.
     */
    void required_listFiltersByType();

    /**
     * List applies queue, status and type filters together.
     *
     * <p>If this fails, check that list's filters are combined with AND.
     */
    void required_listCombinesFilters();

    /**
     * 25 jobs with limit 10 come in pages of 10, 10 and 5, each job once, in id order, the last page without a
     * cursor.
     *
     * <p>If this fails, check that a page continues strictly after the cursor's id and that the last page has no
     * cursor.
     */
    void required_cursorPagingVisitsEveryJobOnce();

    /**
     * A last page that is exactly full has no next cursor.
     *
     * <p>If this fails, check that the next cursor is set only when a further item exists (fetch limit + 1 rows).
     */
    void required_aFullLastPageHasNoNextCursor();

    /**
     * A job inserted between pages appears on a later page if its id is beyond the cursor, and not at all if it is
     * before.
     *
     * <p>If this fails, check that paging is by id after the cursor, not by offset.
     */
    void required_pagingSeesInsertsBeyondTheCursorOnly();

    /**
     * Paging a filtered listing skips non-matching jobs without gaps or repeats.
     *
     * <p>If this fails, check that the cursor is applied together with the filters.
     */
    void required_filteredPagingHasNoGapsOrRepeats();

    /**
     * A listing with no match is one empty page without a cursor.
     *
     * <p>If this fails, check that an empty page has no next cursor.
     */
    void required_anEmptyListingHasNoCursor();

    /**
     * Stats count due and scheduled READY jobs, INFLIGHT, DONE, DLQ and CANCELED jobs of the queue.
     *
     * <p>If this fails, check stats' grouping by status and its due test for READY jobs (run_at, else created_at,
     * &lt;= now).
     */
    void required_statsCountEveryStatus();

    /**
     * Stats of a queue without jobs are all zero and name the queue.
     *
     * <p>If this fails, check that stats of an unknown queue answer zeros with the queue's name, not an exception.
     */
    void required_statsOfAnEmptyQueueAreZero();

    /**
     * Stats count INFLIGHT jobs whether or not their lease is still valid.
     *
     * <p>If this fails, check that stats count by stored status only and do not sweep or reclaim.
     */
    void required_statsCountExpiredLeasesAsInflight();

    /**
     * Stats only read: asking at a later instant changes no job.
     *
     * <p>If this fails, check that stats are read-only.
     */
    void required_statsChangeNothing();

    /**
     * List and get agree after every kind of change.
     *
     * <p>If this fails, check that list reads current data (no stale cache) and agrees with get.
     */
    void required_listShowsTheCurrentState();
  }

  /**
   * Argument checks, before storage is touched. Checked by {@link ArgumentContract}, shown as "arguments: bad values
   * are refused before storage is touched".
   */
  public interface Arguments {

    /**
     * A bad value is an IllegalArgumentException naming the parameter, and changes nothing.
     *
     * <p>If this fails, check that the driver validates the call named in the display name with
     * io.taskharbor.api.Validation (or equivalent) before it touches storage or looks up the job, and that the
     * message names the parameter.
     */
    void required_badValuesAreIllegalArgumentsNamingTheParameter(ArgumentContract.BadCall bad);

    /**
     * A null argument is a NullPointerException or an IllegalArgumentException, and changes nothing.
     *
     * <p>If this fails, check that the null named in the display name is refused before storage is touched.
     */
    void required_nullArgumentsAreRefused(ArgumentContract.BadCall bad);

    /**
     * Instants at the exact limits 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z are accepted.
     *
     * <p>If this fails, check that the storage holds instants from 1970-01-01T00:00:00Z to
     * 9999-12-31T23:59:59.999999Z (and lease expiries a little beyond) without overflow or rounding.
     */
    void required_instantsAtTheLimitsAreAccepted();
  }

  /**
   * A closed driver. Checked by {@link ClosedDriverContract}, shown as "closed driver: every call is an
   * IllegalStateException, close is idempotent".
   */
  public interface ClosedDriver {

    /**
     * Every call on a closed driver is an IllegalStateException.
     *
     * <p>If this fails, check that the call named in the display name checks the closed state first, before its
     * arguments or storage.
     */
    void required_everyCallOnAClosedDriverIsIllegalState(ClosedDriverContract.Call call);

    /**
     * Close is idempotent: closing again succeeds, and the driver stays closed.
     *
     * <p>If this fails, check that a second close neither throws nor reopens.
     */
    void required_closeIsIdempotent();

    /**
     * A driver closed before its first call refuses that call too.
     *
     * <p>If this fails, check that the closed state is set by close even when the driver was never used (a lazily
     * opened pool must not be opened by a later call).
     */
    void required_aDriverClosedBeforeUseRefusesCalls();
  }

  /**
   * Concurrency: real threads on one storage, through two clients where the driver has them. Checked by {@link
   * ConcurrencyContract}, shown as "concurrency: racing threads never share a job, lose one, or create one twice".
   */
  public interface Concurrency {

    /**
     * 8 threads on two clients reserving in batches and acking 2,000 jobs: each job is held by one thread at a
     * time, delivered once and DONE.
     *
     * <p>If this fails, check that reserve claims rows atomically (SELECT … FOR UPDATE SKIP LOCKED inside the
     * UPDATE's transaction, or one lock around check-and-set) and that acks are not lost under contention.
     */
    void required_concurrentWorkersProcessEveryJobExactlyOnce() throws InterruptedException;

    /**
     * 16 threads reserving one ready job at the same instant: exactly one gets it.
     *
     * <p>If this fails, check that the claim of a READY job is atomic across clients.
     */
    void required_exactlyOneReserverWinsAReadyJob() throws InterruptedException;

    /**
     * 16 threads reserving one expired job at its expiry: exactly one reclaims it, with a new token.
     *
     * <p>If this fails, check that the reclaim of an expired lease is atomic: the lease is re-checked under the row
     * lock, not only in a snapshot read.
     */
    void required_exactlyOneReserverWinsAnExpiredJob() throws InterruptedException;

    /**
     * 16 threads enqueueing with one idempotency key: exactly one creates, all get its id, one job stored.
     *
     * <p>If this fails, check that key deduplication is enforced by the storage (a unique index or one lock) and
     * that a conflict reads back the winner's id.
     */
    void required_concurrentEnqueuesWithOneKeyCreateOneJob() throws InterruptedException;

    /**
     * 16 threads enqueueing one id: exactly one stores it, every other gets DuplicateJobException.
     *
     * <p>If this fails, check that a concurrent duplicate id becomes DuplicateJobException (a unique-violation
     * under a race must be mapped too).
     */
    void required_concurrentEnqueuesOfOneIdStoreItOnce() throws InterruptedException;

    /**
     * 16 threads acking and failing one job with its valid token: exactly one outcome takes effect and every answer
     * agrees with it.
     *
     * <p>If this fails, check that each completion re-checks the status under the row lock, so a fail cannot
     * overwrite a DONE job or an ack a DLQ job.
     */
    void required_racingCompletionsTakeEffectOnce() throws InterruptedException;

    /**
     * extendLease racing with ack never brings a DONE job back: every extension succeeds or sees DONE.
     *
     * <p>If this fails, check that extendLease updates only INFLIGHT rows with the token (UPDATE … WHERE status =
     * 'INFLIGHT'), so it cannot write a lease onto a DONE job.
     */
    void required_extendLeaseRacingWithAckNeverResurrectsTheJob() throws InterruptedException;
  }

  /**
   * Wake-up notifications ({@link io.taskharbor.spi.Capability#WAKE_UP_NOTIFICATIONS}). Checked by {@link
   * NotificationContract}, shown as "notifications: subscribers hear of new jobs (capability WAKE_UP_NOTIFICATIONS)".
   */
  public interface Notifications {

    /**
     * A subscriber is told the queue's name after a job is enqueued to it.
     *
     * <p>If this fails, check that enqueue publishes the queue's name (for PostgreSQL: NOTIFY in the enqueue's
     * transaction, and a LISTEN connection that is polled).
     */
    void optional_aSubscriberHearsOfAnEnqueuedJob() throws InterruptedException;

    /**
     * Every subscriber is told, including one subscribed through a second client.
     *
     * <p>If this fails, check that every listener of every client is called, not only the first.
     */
    void optional_everySubscriberIsTold() throws InterruptedException;

    /**
     * A closed subscription hears nothing more.
     *
     * <p>If this fails, check that Subscription.close removes the listener.
     */
    void optional_aClosedSubscriptionHearsNothing() throws InterruptedException;

    /**
     * Closing a subscription twice succeeds.
     *
     * <p>If this fails, check that a second Subscription.close does not throw.
     */
    void optional_closingASubscriptionIsIdempotent();

    /**
     * Subscribe with a null listener is a NullPointerException or an IllegalArgumentException.
     *
     * <p>If this fails, check that subscribe checks its argument.
     */
    void optional_subscribeRefusesANullListener();

    /**
     * Subscribe on a closed driver is an IllegalStateException.
     *
     * <p>If this fails, check that subscribe checks the closed state.
     */
    void optional_subscribeOnAClosedDriverIsIllegalState();

    /**
     * Subscribe is supported exactly when the capability is declared: a driver with it returns a subscription, a
     * driver without it refuses with UnsupportedOperationException.
     *
     * <p>If this fails, check that a driver without the capability keeps the SPI's default subscribe (or throws
     * UnsupportedOperationException itself), and that capabilities() tells the truth.
     */
    void required_subscribeIsSupportedExactlyWithTheCapability();
  }
  /**
   * The worker group: a real engine {@code Worker} on the driver, driven by the test's clock. If one of these fails
   * while the contract groups pass, suspect the engine first; the hint names the driver rule it leans on.
   */
  public interface Workers {

    /**
     * A job whose handler fails twice is retried after its backoff and succeeds on attempt 3: DONE, attempts 3.
     *
     * <p>If this fails, check that the driver's retry stores run_at and that reserve honours it; then the worker's retry path.
     */
    void required_retryThenSuccess() throws Exception;

    /**
     * A job that always fails ends in the DLQ after max attempts, with attempts == max attempts and the last error.
     *
     * <p>If this fails, check fail (DLQ, dlq_reason, last_error) and that attempts count deliveries.
     */
    void required_exhaustedRetriesGoToTheDlq() throws Exception;

    /**
     * A job whose worker died (leased, never finished) runs again on another worker once its lease expires.
     *
     * <p>If this fails, check that reserve hands out INFLIGHT jobs whose lease expired, with attempts + 1.
     */
    void required_crashRecoveryAfterLeaseExpiry() throws Exception;

    /**
     * Heartbeats keep a long job's lease valid across many lease durations; nobody else can reserve it meanwhile.
     *
     * <p>If this fails, check extendLease: now + lease, same token, never earlier.
     */
    void required_heartbeatsKeepALongJob() throws Exception;

    /**
     * When the lease is lost the handler is cancelled, the worker reports no outcome, and counts the lost lease.
     *
     * <p>If this fails, check that extendLease refuses an expired lease with LeaseExpiredException.
     */
    void required_aLostLeaseCancelsTheHandler() throws Exception;

    /**
     * Stop waits for a running handler that finishes within the shutdown timeout and records its outcome.
     *
     * <p>If this fails, check the completion path and that stop flushes outcomes.
     */
    void required_gracefulShutdownWaitsForRunningJobs() throws Exception;

    /**
     * Stop releases a handler still running after the shutdown timeout: the job is READY again, the attempt not counted.
     *
     * <p>If this fails, check Completion.Release: READY, run_at now, attempts - 1.
     */
    void required_gracefulShutdownReleasesUnfinishedJobs() throws Exception;

    /**
     * A scheduled job does not run before its run_at and runs once the clock reaches it.
     *
     * <p>If this fails, check due iff run_at &lt;= now in reserve.
     */
    void required_aScheduledJobRunsOnlyWhenDue() throws Exception;

    /**
     * With one handler thread, jobs run in priority order.
     *
     * <p>If this fails, check reserve order: priority descending first.
     */
    void required_higherPriorityRunsFirst() throws Exception;

    /**
     * Enqueueing twice with one idempotency key creates one job, which runs once.
     *
     * <p>If this fails, check ON CONFLICT / key dedupe and created = false.
     */
    void required_idempotentEnqueueRunsOnce() throws Exception;

    /**
     * A job whose type has no handler moves to the DLQ at once, with a reason naming the type.
     *
     * <p>If this fails, check fail on the first attempt.
     */
    void required_anUnknownTypeGoesToTheDlq() throws Exception;

    /**
     * A PermanentFailure moves the job to the DLQ on its first attempt, with the failure's message as reason.
     *
     * <p>If this fails, check fail with attempts remaining.
     */
    void required_aPermanentFailureGoesToTheDlqAtOnce() throws Exception;

    /**
     * A Snooze puts the job back to READY at now + delay without counting the attempt.
     *
     * <p>If this fails, check Completion.Release with a run time.
     */
    void required_aSnoozeRunsTheJobLaterWithoutSpendingAnAttempt() throws Exception;

    /**
     * A handler that exceeds the job's timeout is cancelled and the job retried, with the timeout as last error.
     *
     * <p>If this fails, check retry; then the worker's timeout timer.
     */
    void required_aTimeoutCountsAsAFailedAttempt() throws Exception;

    /**
     * A result the handler sets is stored with the DONE job as JSON.
     *
     * <p>If this fails, check that ack stores the result (JSON, compared as a value).
     */
    void required_theResultIsStoredOnSuccess() throws Exception;

    /**
     * A payload that cannot be decoded into the handler's type moves the job to the DLQ at once.
     *
     * <p>If this fails, check fail on the first attempt.
     */
    void required_anUndecodablePayloadGoesToTheDlq() throws Exception;

    /**
     * Hundreds of quick jobs on several handler threads all end DONE, each exactly once, outcomes sent in batches.
     *
     * <p>If this fails, check batch completion: one outcome per item, in order.
     */
    void required_manyJobsAllComplete() throws Exception;

    /**
     * A worker that reserves ahead of its threads ({@code prefetch}) still runs every job exactly once.
     *
     * <p>If this fails, check that reserve never hands out a job that is already leased, and that a batch of
     * completions larger than a reserve is applied item by item.
     */
    void required_prefetchedJobsAllCompleteOnce() throws Exception;

    /**
     * Jobs reserved ahead of the threads and still waiting when the worker stops are released unstarted: READY, no
     * lease, their attempt not counted.
     *
     * <p>If this fails, check the release completion: it must clear the lease and decrement attempts.
     */
    void required_stoppingReleasesPrefetchedJobsUnstarted() throws Exception;
  }
}
