package io.taskharbor.tck;

/**
 * Idempotency keys: unique per queue while the job exists. Checked by {@link IdempotencyContract}.
 */
@RuleGroup(id = "IDM", name = "idempotency", summary = "a (queue, key) pair names at most one stored job")
public interface IdempotencyRules {

  @Rule(id = "IDM-01",
      text = "a second enqueue with the same queue and key stores nothing and returns the first job's id, created = "
          + "false; the first job is unchanged",
      ifFails = "the unique (queue, key) constraint and that a conflict returns the existing job's id with created = "
          + "false instead of an exception or an update")
  void required_idm01_aTakenKeyReturnsTheFirstJobAndStoresNothing();

  @Rule(id = "IDM-02",
      text = "the same key in another queue is another job",
      ifFails = "that the uniqueness of keys is scoped by queue")
  void required_idm02_theSameKeyInAnotherQueueCreatesAJob();

  @Rule(id = "IDM-03",
      text = "a key repeated within one batch stores only its first job; the others return that job's id",
      ifFails = "that keys are deduplicated against the earlier jobs of the same batch (ON CONFLICT DO NOTHING alone "
          + "cannot see the batch's own rows in one statement)")
  void required_idm03_aKeyRepeatedWithinABatchStoresOnlyTheFirst();

  @Rule(id = "IDM-04",
      text = "a batch mixing taken keys, new keys and no keys answers each job in order",
      ifFails = "that the results of a batch follow the input order when some jobs are deduplicated")
  void required_idm04_aBatchMixesDeduplicatedAndNewJobsInOrder();

  @Rule(id = "IDM-05",
      text = "jobs without a key are never deduplicated, however alike",
      ifFails = "that a null key never conflicts (a unique index must ignore nulls, and no default key is invented)")
  void required_idm05_jobsWithoutAKeyAreNeverDeduplicated();

  @Rule(id = "IDM-06",
      text = "a key stays taken whatever the job's status",
      ifFails = "that the key's uniqueness is not limited to unfinished jobs (a partial index on status would free it "
          + "too early)")
  void required_idm06_aKeyStaysTakenInEveryStatus(JobFixture.State state);

  @Rule(id = "IDM-07",
      text = "a key stays taken after its job is requeued from the DLQ",
      ifFails = "that requeue keeps the idempotency key")
  void required_idm07_aKeyStaysTakenAfterRequeue();

  @Rule(id = "IDM-08",
      text = "deleting the job frees its key: the next enqueue with it creates a job",
      ifFails = "that delete removes the key with the job (a separate key table or map must be cleaned up too)")
  void required_idm08_deleteFreesTheKey();

  @Rule(id = "IDM-09",
      text = "purging the job frees its key: the next enqueue with it creates a job",
      ifFails = "that purge removes keys with the jobs it deletes")
  void required_idm09_purgeFreesTheKey();

  @Rule(id = "IDM-10",
      text = "findByIdempotencyKey returns the holding job's whole record, in any status",
      ifFails = "that findByIdempotencyKey returns the same record as get, in the job's current state")
  void required_idm10_findByIdempotencyKeyReturnsTheHoldingJob();

  @Rule(id = "IDM-11",
      text = "findByIdempotencyKey is empty for a key never used, for another queue, and after delete",
      ifFails = "that the lookup filters by queue and sees deletions")
  void required_idm11_findByIdempotencyKeyIsEmptyWhenNoJobHoldsTheKey();

  @Rule(id = "IDM-12",
      text = "keys compare exactly: case and surrounding spaces make different keys",
      ifFails = "that keys are compared byte for byte: no case folding (citext, a case-insensitive collation) and no "
          + "trimming")
  void required_idm12_keysCompareExactly();

  @Rule(id = "IDM-13",
      text = "resending the same request (same id, same key) is deduplicated: created = false, not a duplicate id",
      ifFails = "that the idempotency key is checked before the id: a client that resends the same request must get "
          + "created = false, not DuplicateJobException")
  void required_idm13_resendingTheSameRequestIsDeduplicated();

  @Rule(id = "IDM-14",
      text = "the id of a deduplicated job is not taken: it may be enqueued later",
      ifFails = "that a deduplicated job is not stored in any form (not even a placeholder holding its id)")
  void required_idm14_theIdOfADeduplicatedJobStaysFree();
}
