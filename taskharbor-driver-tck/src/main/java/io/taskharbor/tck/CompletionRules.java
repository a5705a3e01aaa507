package io.taskharbor.tck;

/**
 * Completions: ack, retry, fail and release through {@link io.taskharbor.spi.Driver#complete}. Checked by {@link
 * CompletionContract}.
 */
@RuleGroup(id = "CMP", name = "completion",
    summary = "ack, retry, fail and release do exactly what they say, item by item")
public interface CompletionRules {

  @Rule(id = "CMP-01",
      text = "ack makes the job DONE with its result, finished_at = updated_at = now, the lease cleared and the "
          + "attempt count kept",
      ifFails = "the ack update: DONE, result, finished_at = updated_at = now, token and expiry cleared, attempts "
          + "unchanged")
  void required_cmp01_ackMakesTheJobDone();

  @Rule(id = "CMP-02",
      text = "ack without a result stores no result",
      ifFails = "that a null result is stored as SQL NULL (not the JSON literal null or an empty string)")
  void required_cmp02_ackWithoutAResultStoresNone();

  @Rule(id = "CMP-03",
      text = "an ack result round-trips as the same JSON value",
      ifFails = "the result column's type and encoding")
  void required_cmp03_anAckResultRoundTripsAsJson();

  @Rule(id = "CMP-04",
      text = "retry makes the job READY at its run time with the error as last_error, the lease cleared and the "
          + "attempt still counted",
      ifFails = "the retry update: READY, run_at, last_error, lease cleared, attempts unchanged, finished_at empty")
  void required_cmp04_retryMakesTheJobReadyAtItsRunTime();

  @Rule(id = "CMP-05",
      text = "the attempt a retry ends stays counted: the next reservation is attempt 2",
      ifFails = "that retry does not decrement attempts (only release does)")
  void required_cmp05_aRetriedAttemptStaysCounted();

  @Rule(id = "CMP-06",
      text = "fail moves the job to the DLQ with the reason, dlq_failed_at = finished_at = now, the error as "
          + "last_error, the lease cleared and the attempt count kept",
      ifFails = "the fail update: DLQ, reason, dlq_failed_at = finished_at = updated_at = now, last_error, lease "
          + "cleared")
  void required_cmp06_failMovesTheJobToTheDlq();

  @Rule(id = "CMP-07",
      text = "release makes the job READY at its run time, gives back the attempt and keeps last_error",
      ifFails = "the release update: READY, run_at, attempts - 1, lease cleared, last_error kept")
  void required_cmp07_releaseGivesTheJobBackWithoutCountingTheAttempt();

  @Rule(id = "CMP-08",
      text = "release of a first attempt brings attempts back to 0",
      ifFails = "that release decrements attempts to 0 after a first delivery")
  void required_cmp08_releaseOfAFirstAttemptBringsAttemptsToZero();

  @Rule(id = "CMP-09",
      text = "a job released on its last attempt runs again instead of going to the DLQ",
      ifFails = "that a released job is READY again and is not swept (its attempts went down)")
  void required_cmp09_aJobReleasedOnItsLastAttemptRunsAgain();

  @Rule(id = "CMP-10",
      text = "an empty batch returns no outcomes",
      ifFails = "that an empty batch returns an empty list without building a statement")
  void required_cmp10_anEmptyBatchReturnsNoOutcomes();

  @Rule(id = "CMP-11",
      text = "a mixed batch of ack, retry, fail and release applies each item and answers in order",
      ifFails = "that each kind of completion in a batch takes its own effect and outcomes follow input order")
  void required_cmp11_aMixedBatchAppliesEveryItemInOrder();

  @Rule(id = "CMP-12",
      text = "refusals in a batch are outcomes of the right type for their item only; the other items apply",
      ifFails = "that one refusal neither aborts the batch's transaction nor shifts the outcomes, and that each "
          + "refusal has the single call's exception type")
  void required_cmp12_refusalsInABatchAffectOnlyTheirItem();

  @Rule(id = "CMP-13",
      text = "the same ack twice in one batch: the first applies, the second is a terminal no-op",
      ifFails = "that items are applied in order, each seeing the effect of the ones before (a set-based UPDATE must "
          + "still answer per item)")
  void required_cmp13_aRepeatedAckInOneBatchIsANoOp();

  @Rule(id = "CMP-14",
      text = "ack then retry of one job in one batch: the retry sees the DONE job and is refused",
      ifFails = "that a later item sees the DONE status an earlier item wrote")
  void required_cmp14_anAckThenARetryInOneBatchRefusesTheRetry();

  @Rule(id = "CMP-15",
      text = "retry then ack of one job in one batch: the ack sees the READY job and is refused",
      ifFails = "that a later item sees the READY status an earlier item wrote")
  void required_cmp15_aRetryThenAnAckInOneBatchRefusesTheAck();

  @Rule(id = "CMP-16",
      text = "a completion of an unknown job is refused with JobNotFoundException",
      ifFails = "that an unknown id is an outcome with JobNotFoundException, not an exception from complete")
  void required_cmp16_aCompletionOfAnUnknownJobIsNotFound();

  @Rule(id = "CMP-17",
      text = "ack of a DONE job succeeds and changes nothing, whatever the token, result or time",
      ifFails = "that terminal idempotency is checked before lease validation and changes nothing (updated_at and "
          + "result included)")
  void required_cmp17_ackOfADoneJobIsANoOp();

  @Rule(id = "CMP-18",
      text = "fail of a DONE job succeeds and changes nothing: the first outcome stays",
      ifFails = "that fail of a DONE job is a no-op, not a refusal and not a move to the DLQ")
  void required_cmp18_failOfADoneJobIsANoOp();

  @Rule(id = "CMP-19",
      text = "fail of a DLQ job succeeds and changes nothing: the first reason and time stay",
      ifFails = "that fail of a DLQ job keeps the first reason, time and error")
  void required_cmp19_failOfADlqJobIsANoOp();

  @Rule(id = "CMP-20",
      text = "retry and release of a terminal job are refused with JobNotInflightException and change nothing",
      ifFails = "that retry and release have no terminal no-op: they are refused as not INFLIGHT")
  void required_cmp20_retryOrReleaseOfATerminalJobIsNotInflight(CompletionContract.Kind kind, JobFixture.State state);

  @Rule(id = "CMP-21",
      text = "ack of a DLQ or CANCELED job is refused with JobNotInflightException and changes nothing",
      ifFails = "that only DONE makes ack a no-op")
  void required_cmp21_ackOfADlqOrCanceledJobIsNotInflight(JobFixture.State state);

  @Rule(id = "CMP-22",
      text = "fail of a CANCELED job is refused with JobNotInflightException and changes nothing",
      ifFails = "that only DONE and DLQ make fail a no-op")
  void required_cmp22_failOfACanceledJobIsNotInflight();

  @Rule(id = "CMP-23",
      text = "a stale worker's completion after another worker reclaimed the job is a LeaseMismatchException and "
          + "changes nothing",
      ifFails = "that completions compare the token, so a worker that lost its lease cannot finish the new holder's "
          + "attempt")
  void required_cmp23_aStaleCompletionAfterAReclaimIsAMismatch(CompletionContract.Kind kind);

  @Rule(id = "CMP-24",
      text = "a late completion after the lease expired, before anyone reclaimed the job, is a LeaseExpiredException "
          + "and leaves the job reclaimable",
      ifFails = "that completions test lease validity at now before anything else about the lease")
  void required_cmp24_aLateCompletionBeforeAnyReclaimIsExpired(CompletionContract.Kind kind);

  @Rule(id = "CMP-25",
      text = "a stale ack after the new holder acked succeeds as a no-op: the new holder's result stays",
      ifFails = "that terminal idempotency ignores the token")
  void required_cmp25_aStaleAckAfterTheNewHolderAckedIsANoOp();

  @Rule(id = "CMP-26",
      text = "a stale retry after the new holder acked is refused with JobNotInflightException",
      ifFails = "that a retry of a DONE job is refused and does not reopen it")
  void required_cmp26_aStaleRetryAfterTheNewHolderAckedIsNotInflight();

  @Rule(id = "CMP-27",
      text = "a completion batch that fails in storage throws DriverException and leaves no item half-applied: each "
          + "item takes effect whole or not at all",
      ifFails = "that each item is one atomic change (one UPDATE, or the whole batch in one transaction), so that a "
          + "lost connection cannot leave, say, a DONE job that still holds its lease")
  void untested_cmp27_aFailedCompletionBatchLeavesNoItemHalfApplied();
}
