package io.taskharbor.tck;

/**
 * Enqueue: {@link io.taskharbor.spi.Driver#enqueue}. Checked by {@link EnqueueContract}.
 */
@RuleGroup(id = "ENQ", name = "enqueue", summary = "jobs are stored READY, exactly as given, all of a batch or none")
public interface EnqueueRules {

  @Rule(id = "ENQ-01",
      text = "an enqueued job is stored READY with every field as given, created_at = updated_at = now, no attempts "
          + "and nothing else set",
      ifFails = "that enqueue stores created_at and updated_at as the given now (not a clock of its own) and leaves "
          + "attempts, lease, error, result, DLQ and finish fields empty")
  void required_enq01_enqueueStoresAReadyJobWithEveryField();

  @Rule(id = "ENQ-02",
      text = "priority, run time, idempotency key, max attempts and timeout are stored as given",
      ifFails = "the mapping of priority, run_at, idempotency key, max attempts and timeout to storage and back (a "
          + "column left out of an insert or a select, or a timeout stored at lower than microsecond precision)")
  void required_enq02_enqueueStoresEveryOptionalField();

  @Rule(id = "ENQ-03",
      text = "a batch returns one result per job, in batch order, and stores every job",
      ifFails = "that a batch insert returns its results in the order of the input, not in id or storage order")
  void required_enq03_enqueueReturnsOneResultPerJobInBatchOrder();

  @Rule(id = "ENQ-04",
      text = "an empty batch returns an empty list and stores nothing",
      ifFails = "that an empty batch returns before building a statement (an empty VALUES list is a syntax error in "
          + "SQL)")
  void required_enq04_enqueueOfAnEmptyBatchReturnsAnEmptyList();

  @Rule(id = "ENQ-05",
      text = "enqueueing an id that is stored is a DuplicateJobException naming it, and the stored job is unchanged",
      ifFails = "that a primary-key violation becomes DuplicateJobException carrying the id, and that no upsert "
          + "overwrites the stored row")
  void required_enq05_enqueueOfAStoredIdIsADuplicateJob();

  @Rule(id = "ENQ-06",
      text = "ids are unique across queues: a stored id enqueued to another queue is a DuplicateJobException",
      ifFails = "that ids are unique over the whole store, not per queue (a key or map per queue)")
  void required_enq06_jobIdsAreUniqueAcrossQueues();

  @Rule(id = "ENQ-07",
      text = "a batch holding one stored id stores none of its jobs, not even those before the duplicate",
      ifFails = "that the whole batch runs in one transaction (or is validated before anything is written) and is "
          + "rolled back on a duplicate id")
  void required_enq07_aDuplicateIdStoresNothingOfTheBatch();

  @Rule(id = "ENQ-08",
      text = "an id repeated within one batch is a DuplicateJobException and nothing of the batch is stored",
      ifFails = "that ids are checked against the earlier jobs of the same batch, not only against storage")
  void required_enq08_anIdRepeatedWithinABatchStoresNothing();

  @Rule(id = "ENQ-09",
      text = "a refused batch takes no idempotency key: its keys stay free",
      ifFails = "that idempotency keys taken by a refused batch are rolled back with it")
  void required_enq09_aRefusedBatchLeavesItsIdempotencyKeysFree();

  @Rule(id = "ENQ-10",
      text = "a payload round-trips as the same JSON value through get and reserve",
      ifFails = "the payload column type and encoding (UTF-8 end to end, no truncation, no re-serialisation that "
          + "loses digits of a number or characters outside the BMP)")
  void required_enq10_payloadRoundTripsAsTheSameJsonValue(String description, String payload);

  @Rule(id = "ENQ-11",
      text = "priorities round-trip across the whole int range",
      ifFails = "that priority is stored as a signed 32-bit integer (not a smallint, not unsigned)")
  void required_enq11_priorityRoundTripsAcrossTheIntRange();

  @Rule(id = "ENQ-12",
      text = "max attempts and timeout round-trip at their extremes: 1 and Integer.MAX_VALUE, 1µs and 100 years",
      ifFails = "that max attempts is a full int and that the timeout keeps microseconds and durations of up to 100 "
          + "years")
  void required_enq12_maxAttemptsAndTimeoutRoundTripAtTheirExtremes();

  @Rule(id = "ENQ-13",
      text = "a run time in the past is stored as given, not moved to now",
      ifFails = "that enqueue does not clamp run_at to now")
  void required_enq13_aRunTimeInThePastIsStoredAsGiven();

  @Rule(id = "ENQ-14",
      text = "created_at and updated_at are now truncated to microseconds",
      ifFails = "that now is truncated (not rounded) to microseconds before it is stored")
  void required_enq14_createdAtIsNowTruncatedToMicroseconds();

  @Rule(id = "ENQ-15",
      text = "type, queue and idempotency key round-trip exactly at their longest, with any allowed character",
      ifFails = "column lengths (type and key up to 255 characters, queue up to 128) and the text encoding")
  void required_enq15_typeQueueAndKeyRoundTripExactly();

  @Rule(id = "ENQ-16",
      text = "a second enqueue leaves jobs already stored unchanged",
      ifFails = "that enqueue inserts only and never touches existing rows")
  void required_enq16_enqueueLeavesStoredJobsUnchanged();

  @Rule(id = "ENQ-17",
      text = "a batch is stored whole or not at all even when storage fails in the middle of it (a lost connection, a "
          + "crash)",
      ifFails = "that enqueue writes a batch in one transaction (or validates it whole and stores it under one lock), "
          + "so that no failure leaves part of it stored; the TCK cannot make storage fail in the middle of a call")
  void untested_enq17_aBatchIsAtomicEvenWhenStorageFails();
}
