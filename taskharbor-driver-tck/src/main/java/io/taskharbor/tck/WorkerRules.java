package io.taskharbor.tck;

/**
 * The worker group: a real engine {@code Worker} on the driver, driven by the test's clock. If one of these fails while
 * the contract groups pass, suspect the engine first; the hint names the driver rule it leans on. Checked by {@link
 * WorkerContract}.
 *
 * <p>To add a rule: a method here with the next free id (after the highest one below, never a retired one), its
 * {@code @Rule} text and hint, the test in {@link WorkerContract} overriding it, then regenerate {@code
 * docs/tck-rules.md} and add a line to its changelog of rules ({@link TckRules} says how).
 */
@RuleGroup(id = "WRK", name = "worker", summary = "a real Worker on this driver")
public interface WorkerRules {

  @Rule(id = "WRK-01",
      text = "a job that fails twice is retried after its backoff and succeeds on attempt 3",
      ifFails = "that the driver's retry stores run_at and that reserve honours it; then the worker's retry path")
  void required_wrk01_retryThenSuccess() throws Exception;

  @Rule(id = "WRK-02",
      text = "a job that always fails ends in the DLQ with attempts == max attempts and the last error",
      ifFails = "fail (DLQ, dlq_reason, last_error) and that attempts count deliveries")
  void required_wrk02_exhaustedRetriesGoToTheDlq() throws Exception;

  @Rule(id = "WRK-03",
      text = "a job whose worker died runs again elsewhere once its lease expires",
      ifFails = "that reserve hands out INFLIGHT jobs whose lease expired, with attempts + 1")
  void required_wrk03_crashRecoveryAfterLeaseExpiry() throws Exception;

  @Rule(id = "WRK-04",
      text = "heartbeats keep a long job's lease across many lease durations; nobody else can reserve it",
      ifFails = "extendLease: now + lease, same token, never earlier")
  void required_wrk04_heartbeatsKeepALongJob() throws Exception;

  @Rule(id = "WRK-05",
      text = "a lost lease cancels the handler; the worker reports no outcome and counts it",
      ifFails = "that extendLease refuses an expired lease with LeaseExpiredException")
  void required_wrk05_aLostLeaseCancelsTheHandler() throws Exception;

  @Rule(id = "WRK-06",
      text = "stop waits for a handler that finishes within the shutdown timeout and records its outcome",
      ifFails = "the completion path and that stop flushes outcomes")
  void required_wrk06_gracefulShutdownWaitsForRunningJobs() throws Exception;

  @Rule(id = "WRK-07",
      text = "stop releases a job whose handler outlives the shutdown timeout: READY again, attempt not counted",
      ifFails = "Completion.Release: READY, run_at now, attempts - 1")
  void required_wrk07_gracefulShutdownReleasesUnfinishedJobs() throws Exception;

  @Rule(id = "WRK-08",
      text = "a scheduled job does not run before its run_at and runs once the clock reaches it",
      ifFails = "due iff run_at <= now in reserve")
  void required_wrk08_aScheduledJobRunsOnlyWhenDue() throws Exception;

  @Rule(id = "WRK-09",
      text = "with one handler thread, jobs run in priority order",
      ifFails = "reserve order: priority descending first")
  void required_wrk09_higherPriorityRunsFirst() throws Exception;

  @Rule(id = "WRK-10",
      text = "two enqueues with one idempotency key create one job, which runs once",
      ifFails = "ON CONFLICT / key dedupe and created = false")
  void required_wrk10_idempotentEnqueueRunsOnce() throws Exception;

  @Rule(id = "WRK-11",
      text = "a job whose type has no handler moves to the DLQ at once, with a reason naming the type",
      ifFails = "fail on the first attempt")
  void required_wrk11_anUnknownTypeGoesToTheDlq() throws Exception;

  @Rule(id = "WRK-12",
      text = "a PermanentFailure moves the job to the DLQ on its first attempt, with its message as reason",
      ifFails = "fail with attempts remaining")
  void required_wrk12_aPermanentFailureGoesToTheDlqAtOnce() throws Exception;

  @Rule(id = "WRK-13",
      text = "a Snooze puts the job back to READY at now + delay without counting the attempt",
      ifFails = "Completion.Release with a run time")
  void required_wrk13_aSnoozeRunsTheJobLaterWithoutSpendingAnAttempt() throws Exception;

  @Rule(id = "WRK-14",
      text = "a handler that exceeds the job's timeout is cancelled and the job retried with the timeout as error",
      ifFails = "retry; then the worker's timeout timer")
  void required_wrk14_aTimeoutCountsAsAFailedAttempt() throws Exception;

  @Rule(id = "WRK-15",
      text = "a result the handler sets is stored with the DONE job",
      ifFails = "that ack stores the result (JSON, compared as a value)")
  void required_wrk15_theResultIsStoredOnSuccess() throws Exception;

  @Rule(id = "WRK-16",
      text = "a payload that cannot be decoded into the handler's type moves the job to the DLQ at once",
      ifFails = "fail on the first attempt")
  void required_wrk16_anUndecodablePayloadGoesToTheDlq() throws Exception;

  @Rule(id = "WRK-17",
      text = "300 quick jobs on several handler threads all end DONE, each run exactly once",
      ifFails = "batch completion: one outcome per item, in order")
  void required_wrk17_manyJobsAllComplete() throws Exception;

  @Rule(id = "WRK-18",
      text = "with prefetch, 300 quick jobs on two handler threads all end DONE, each run exactly once",
      ifFails = "that reserve never hands out a job that is already leased, and that a batch of completions larger "
          + "than a reserve is applied item by item")
  void required_wrk18_prefetchedJobsAllCompleteOnce() throws Exception;

  @Rule(id = "WRK-19",
      text = "stop releases prefetched jobs that are still waiting for a thread: READY, unstarted, attempt not counted",
      ifFails = "the release completion: it must clear the lease and decrement attempts")
  void required_wrk19_stoppingReleasesPrefetchedJobsUnstarted() throws Exception;

  @Rule(id = "WRK-20",
      text = "a listener hears each outcome as reserved, started, executed, then the stored outcome: succeeded, "
          + "retried with the attempt, dead-lettered, snoozed, or released when the worker stops",
      ifFails = "the engine's events first; then that complete reports each item's outcome truthfully (a refused "
          + "item is not an accepted outcome)")
  void required_wrk20_listenersHearEveryOutcomeInOrder() throws Exception;

  @Rule(id = "WRK-21",
      text = "a prefetched job is not started when its lease, by the worker's clock, ends within the safety margin: "
          + "it counts as a lost lease, and once the lease has expired another worker runs it",
      ifFails = "the lease expiry reserve returns (now + lease, to the microsecond) and that an expired lease is "
          + "claimable again")
  void required_wrk21_aPrefetchedJobIsNotStartedTooCloseToTheEndOfItsLease() throws Exception;

  @Rule(id = "WRK-22",
      text = "the lines a handler writes with JobContext.log are kept with the job, in order, across attempts (the "
          + "failed attempt's lines, then the successful one's), and the result stays the output",
      ifFails = "the DTL group first: complete must append each completion's details")
  void required_wrk22_theDetailsLogIsKeptWithTheOutcome() throws Exception;

  @Rule(id = "WRK-23",
      text = "TaskHarbor.cancel of a running job interrupts its handler and stores it CANCELED; a handler that "
          + "ignores the interrupt and returns still ends CANCELED, without its result",
      ifFails = "the CAN group first: requestCancel must mark the running job and extendLease must then throw "
          + "CancelRequestedException",
      when = "offer the JobControls extension")
  void optional_wrk23_aRunningJobIsCanceled() throws Exception;

  @Rule(id = "WRK-24",
      text = "with a global concurrency limit of 1, two workers of 4 threads each, on two clients, never run two of "
          + "the queue's jobs at once, run them in reserve order, and finish them all",
      ifFails = "the QUE group first: reserve must count the queue's valid leases and lease within the limit "
          + "atomically across clients",
      when = "offer the QueueControls extension")
  void optional_wrk24_aSerialQueueRunsOneJobAtATimeAcrossWorkers() throws Exception;

  @Rule(id = "WRK-25",
      text = "a worker whose poll interval is an hour drains a serial queue (a global limit of 1) of jobs enqueued "
          + "in one batch at one instant, one after the other and in the batch's order: once a job's outcome is "
          + "stored, the worker reserves the next at once instead of at its next poll",
      ifFails = "WRK-24 and the QUE group first; then check that reserve orders ties of priority and run time by "
          + "job id (ids of one batch increase in its order)",
      when = "offer the QueueControls extension")
  void optional_wrk25_aSerialQueueDrainsWithoutWaitingForThePoll() throws Exception;

  @Rule(id = "WRK-26",
      text = "a cancel of a running job requested through another client reaches its handler within 5 s, long "
          + "before the worker's next heartbeat (10 s): the worker hears it through subscribeCancels",
      ifFails = "NTF-08 first: requestCancel must tell the cancel subscribers of every client",
      when = "offer the WakeUpNotifications and JobControls extensions")
  void optional_wrk26_aCancelFromAnotherClientIsHeardAtOnce() throws Exception;
}
