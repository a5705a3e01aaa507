package io.taskharbor.tck;

/**
 * Reserve order: priority, then the claimable instant, then id. Checked by {@link OrderingContract}.
 */
@RuleGroup(id = "ORD", name = "ordering", summary = "priority first, then FIFO by readiness, then id")
public interface OrderingRules {

  @Rule(id = "ORD-01",
      text = "higher priority is reserved first, negative priorities last",
      ifFails = "the ORDER BY priority DESC of the claim query (and that priority is compared as a signed int)")
  void required_ord01_higherPriorityFirst();

  @Rule(id = "ORD-02",
      text = "priority beats age: a newer job of higher priority goes before an older one",
      ifFails = "that priority is the first sort key")
  void required_ord02_priorityBeatsAge();

  @Rule(id = "ORD-03",
      text = "within one priority, jobs come in the order they were enqueued, whatever their ids",
      ifFails = "that the second sort key is the claimable instant, not the id")
  void required_ord03_fifoWithinOnePriority();

  @Rule(id = "ORD-04",
      text = "a due scheduled job goes before a newer immediate job created after its run time",
      ifFails = "that a scheduled job sorts by its run_at, not by its created_at or behind all immediate jobs")
  void required_ord04_aDueScheduledJobGoesBeforeNewerImmediateJobs();

  @Rule(id = "ORD-05",
      text = "an immediate job created before a scheduled job's run time goes first",
      ifFails = "that an immediate job sorts by created_at (the claimable instant of a job without run_at)")
  void required_ord05_anImmediateJobCreatedBeforeARunTimeGoesFirst();

  @Rule(id = "ORD-06",
      text = "readiness, not creation, orders: a job created later with an earlier run time goes first",
      ifFails = "that a job with a run_at sorts by its run_at even when it was created later")
  void required_ord06_runTimeNotCreationOrders();

  @Rule(id = "ORD-07",
      text = "an expired lease goes before ready jobs created after its expiry",
      ifFails = "that an expired lease sorts by its expiry (an available_at column must be set to the expiry when "
          + "leasing)")
  void required_ord07_anExpiredLeaseGoesBeforeNewerReadyJobs();

  @Rule(id = "ORD-08",
      text = "a ready job created before a lease expired goes before that expired lease",
      ifFails = "that an expired lease does not jump the queue: it sorts by its expiry, not by created_at or first")
  void required_ord08_aReadyJobOlderThanAnExpiryGoesFirst();

  @Rule(id = "ORD-09",
      text = "ties of priority and readiness break by id as an unsigned 128-bit number",
      ifFails = "that ids compare as unsigned 128-bit numbers (java.util.UUID.compareTo is signed and wrong here; "
          + "PostgreSQL's uuid order is right)")
  void required_ord09_tiesBreakByUnsignedIdOrder();

  @Rule(id = "ORD-10",
      text = "ties between a run time and another job's creation at the same instant break by id",
      ifFails = "that run_at, created_at and expiry sort as one key (one claimable instant), then id")
  void required_ord10_tiesAcrossKindsOfReadinessBreakById();

  @Rule(id = "ORD-11",
      text = "a retried job queues behind jobs that were ready before the retry",
      ifFails = "that a retried job's claimable instant is the retry's run_at (now when none), not its created_at")
  void required_ord11_aRetriedJobQueuesBehindJobsReadyBeforeIt();

  @Rule(id = "ORD-12",
      text = "one reserve call returns its jobs in reserve order",
      ifFails = "that the list reserve returns is in reserve order (UPDATE … RETURNING does not preserve the CTE's "
          + "order by itself)")
  void required_ord12_oneReserveReturnsItsJobsInOrder();
}
