package io.taskharbor.tck;

/**
 * Concurrency: real threads on one storage, through two clients where the driver has them. The races are real, so a
 * pass shows that no interleaving the run hit broke a rule, not that none can: these rules are {@code stochastic_}.
 * Checked by {@link ConcurrencyContract}.
 */
@RuleGroup(id = "CON", name = "concurrency",
    summary = "racing threads never share a job, lose one, or create one twice")
public interface ConcurrencyRules {

  @Rule(id = "CON-01",
      text = "8 threads on two clients reserving in batches and acking 2,000 jobs: each job is held by one thread at "
          + "a time, delivered once and DONE",
      ifFails = "that reserve claims rows atomically (SELECT … FOR UPDATE SKIP LOCKED inside the UPDATE's "
          + "transaction, or one lock around check-and-set) and that acks are not lost under contention")
  void stochastic_con01_concurrentWorkersProcessEveryJobExactlyOnce() throws InterruptedException;

  @Rule(id = "CON-02",
      text = "16 threads reserving one ready job at the same instant: exactly one gets it",
      ifFails = "that the claim of a READY job is atomic across clients")
  void stochastic_con02_exactlyOneReserverWinsAReadyJob() throws InterruptedException;

  @Rule(id = "CON-03",
      text = "16 threads reserving one expired job at its expiry: exactly one reclaims it, with a new token",
      ifFails = "that the reclaim of an expired lease is atomic: the lease is re-checked under the row lock, not only "
          + "in a snapshot read")
  void stochastic_con03_exactlyOneReserverWinsAnExpiredJob() throws InterruptedException;

  @Rule(id = "CON-04",
      text = "16 threads enqueueing with one idempotency key: exactly one creates, all get its id, one job stored",
      ifFails = "that key deduplication is enforced by the storage (a unique index or one lock) and that a conflict "
          + "reads back the winner's id")
  void stochastic_con04_concurrentEnqueuesWithOneKeyCreateOneJob() throws InterruptedException;

  @Rule(id = "CON-05",
      text = "16 threads enqueueing one id: exactly one stores it, every other gets DuplicateJobException",
      ifFails = "that a concurrent duplicate id becomes DuplicateJobException (a unique-violation under a race must "
          + "be mapped too)")
  void stochastic_con05_concurrentEnqueuesOfOneIdStoreItOnce() throws InterruptedException;

  @Rule(id = "CON-06",
      text = "16 threads acking and failing one job with its valid token: exactly one outcome takes effect and every "
          + "answer agrees with it",
      ifFails = "that each completion re-checks the status under the row lock, so a fail cannot overwrite a DONE job "
          + "or an ack a DLQ job")
  void stochastic_con06_racingCompletionsTakeEffectOnce() throws InterruptedException;

  @Rule(id = "CON-07",
      text = "extendLease racing with ack never brings a DONE job back: every extension succeeds or sees DONE",
      ifFails = "that extendLease updates only INFLIGHT rows with the token (UPDATE … WHERE status = 'INFLIGHT'), so "
          + "it cannot write a lease onto a DONE job")
  void stochastic_con07_extendLeaseRacingWithAckNeverResurrectsTheJob() throws InterruptedException;

  @Rule(id = "CON-08",
      text = "every call is thread-safe: calls from any threads and clients take effect as if one after the other, "
          + "also in the races this group does not run",
      ifFails = "that every read-modify-write of the driver runs in one transaction or under one lock (the memory "
          + "driver holds one lock; the PostgreSQL driver locks the rows it changes)")
  void untested_con08_everyCallIsThreadSafe();
}
