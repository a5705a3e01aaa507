package io.taskharbor.tck;

/**
 * Reserve: leasing, reclaiming and the DLQ sweep of {@link io.taskharbor.spi.Driver#reserve}. Checked by {@link
 * ReserveContract}.
 */
@RuleGroup(id = "RSV", name = "reserve",
    summary = "leases claimable jobs of one queue, reclaims expired leases, retires exhausted ones")
public interface ReserveRules {

  @Rule(id = "RSV-01",
      text = "reserve returns at most max jobs, then the rest, then nothing",
      ifFails = "the LIMIT of the claim query and that leased jobs are not claimable again")
  void required_rsv01_reserveReturnsAtMostMax();

  @Rule(id = "RSV-02",
      text = "reserve with a max beyond the claimable jobs returns each claimable job once",
      ifFails = "that a max beyond the backlog neither fails nor returns a job twice")
  void required_rsv02_reserveWithALargeMaxReturnsEveryClaimableJobOnce();

  @Rule(id = "RSV-03",
      text = "reserve on an empty or unknown queue returns an empty list",
      ifFails = "that an empty result is an empty list, not an exception or null")
  void required_rsv03_reserveOnAnEmptyQueueReturnsAnEmptyList();

  @Rule(id = "RSV-04",
      text = "reserve never returns a job of another queue, and leaves other queues' jobs untouched",
      ifFails = "the queue filter of the claim query (and that it is applied before the LIMIT)")
  void required_rsv04_reserveNeverReturnsAnotherQueuesJobs();

  @Rule(id = "RSV-05",
      text = "a reserved job is INFLIGHT with a token, lease_expires_at = now + lease, attempts + 1, updated_at = "
          + "now and started_at = now (leased_by null: the four-argument reserve names no holder); nothing else "
          + "changes",
      ifFails = "the UPDATE of reserve: status, a fresh token, expiry = now + lease, attempts + 1 and updated_at = "
          + "now, and that RETURNING gives the updated row")
  void required_rsv05_reserveLeasesTheJob();

  @Rule(id = "RSV-06",
      text = "every job of one reserve gets its own token",
      ifFails = "that the token is drawn per job, not once per call")
  void required_rsv06_everyReservedJobGetsItsOwnToken();

  @Rule(id = "RSV-07",
      text = "jobs beyond max are left READY and unchanged",
      ifFails = "that only the jobs returned are updated (an UPDATE without the LIMIT's subquery leases the whole "
          + "queue)")
  void required_rsv07_reserveLeavesJobsBeyondMaxUnchanged();

  @Rule(id = "RSV-08",
      text = "a leased job is not handed out again while its lease is valid, up to 1µs before expiry",
      ifFails = "the validity test of a lease: valid iff lease_expires_at > now (strictly)")
  void required_rsv08_aLeasedJobIsNotReservableWhileItsLeaseIsValid();

  @Rule(id = "RSV-09",
      text = "an expired lease is reclaimed exactly at its expiry, with a new token, a new expiry and attempts + 1",
      ifFails = "that INFLIGHT jobs with lease_expires_at <= now are claimable, and are leased with a new token and "
          + "attempts + 1")
  void required_rsv09_anExpiredLeaseIsReclaimedAtExactlyItsExpiry();

  @Rule(id = "RSV-10",
      text = "after a reclaim the former holder's token is refused with LeaseMismatchException",
      ifFails = "that a reclaim replaces the token, so the old holder's completion compares unequal")
  void required_rsv10_aReclaimFencesTheFormerHolder();

  @Rule(id = "RSV-11",
      text = "DONE, DLQ, CANCELED and scheduled jobs are never reserved",
      ifFails = "the status filter of the claim query: only READY jobs that are due and INFLIGHT jobs whose lease "
          + "expired")
  void required_rsv11_reserveSkipsJobsThatAreNotClaimable();

  @Rule(id = "RSV-12",
      text = "an expired lease on the last attempt goes to the DLQ with reason \"lease expired on the last attempt\" "
          + "and is not handed out",
      ifFails = "the sweep at the start of reserve: INFLIGHT, lease_expires_at <= now, attempts >= max_attempts moves "
          + "to DLQ with the exact reason, dlq_failed_at = finished_at = updated_at = now and the lease cleared")
  void required_rsv12_anExpiredLastAttemptGoesToTheDlq();

  @Rule(id = "RSV-13",
      text = "reclaims count as attempts: with max attempts 2, the second expiry goes to the DLQ",
      ifFails = "that attempts count reclaims too, so the sweep compares the incremented count")
  void required_rsv13_reclaimsCountTowardsMaxAttempts();

  @Rule(id = "RSV-14",
      text = "every expired last attempt of the queue goes to the DLQ, even beyond max and when ready jobs are handed "
          + "out",
      ifFails = "that the sweep is not limited by max or by the claim query's order and runs even when ready jobs "
          + "fill the batch")
  void required_rsv14_theDlqSweepCoversTheWholeQueue();

  @Rule(id = "RSV-15",
      text = "a last attempt whose lease is still valid is left INFLIGHT",
      ifFails = "that the sweep tests lease validity with the same strict comparison as everything else")
  void required_rsv15_aLastAttemptWithAValidLeaseIsNotSwept();

  @Rule(id = "RSV-16",
      text = "the DLQ sweep of one queue leaves other queues' expired last attempts alone",
      ifFails = "the queue filter of the sweep")
  void required_rsv16_theDlqSweepLeavesOtherQueuesAlone();

  @Rule(id = "RSV-17",
      text = "the lease is truncated to microseconds: now + 30s + 999ns expires at now + 30s",
      ifFails = "that now and the lease are truncated to microseconds before expiry = now + lease is computed")
  void required_rsv17_theLeaseIsTruncatedToMicroseconds();

  @Rule(id = "RSV-18",
      text = "successive reservations of one job always draw a token never seen before",
      ifFails = "that tokens are random per reservation (not derived from the job id or reused)")
  void required_rsv18_everyReservationDrawsAFreshToken();

  @Rule(id = "RSV-19",
      text = "reserving one job leaves the other jobs of the queue as they were",
      ifFails = "that reserve writes only the rows it returns (and the swept ones)")
  void required_rsv19_reserveChangesOnlyTheJobsItReturns();

  @Rule(id = "RSV-20",
      text = "reserve never blocks: it leases what is claimable now and skips jobs that another client is claiming, "
          + "rather than waiting for that client",
      ifFails = "that the claim query skips rows locked by other transactions (FOR UPDATE SKIP LOCKED) and that "
          + "reserve waits for nothing but its own statement; a race that blocks shows only as slowness, which no "
          + "test can tell from load")
  void untested_rsv20_reserveNeverBlocks();

  @Rule(id = "RSV-21",
      text = "reserve with a holder records it as leased_by and now as started_at on every job it leases, in the "
          + "returned records and in storage, reclaims included; nothing else differs from the four-argument reserve",
      ifFails = "that the five-argument reserve is implemented (the SPI's default ignores the holder) and writes "
          + "leased_by = holder and started_at = now in the same UPDATE as the lease")
  void required_rsv21_reserveRecordsTheHolderAndTheStart();

  @Rule(id = "RSV-22",
      text = "the four-argument reserve, and reserve with a null holder, record leased_by = null, overwriting the "
          + "holder of an earlier reservation, and started_at = now",
      ifFails = "that a reservation without a holder writes NULL into leased_by rather than keeping the old value")
  void required_rsv22_reserveWithoutAHolderRecordsNone();

  @Rule(id = "RSV-23",
      text = "leased_by and started_at describe the latest reservation: ack, retry, fail, release, the DLQ sweep, "
          + "requeue and cancel keep them, and only the next reservation (a reclaim by another node included) "
          + "overwrites them",
      ifFails = "that completions, the sweep and the admin operations leave leased_by and started_at alone (they "
          + "clear the lease token and expiry only)")
  void required_rsv23_theLatestReservationStaysOnTheJob();

  @Rule(id = "RSV-24",
      text = "a holder that is blank, longer than 255 characters or holds a NUL is an IllegalArgumentException "
          + "naming holder, and nothing changes",
      ifFails = "that reserve checks its holder as a node id (NodeInfo.checkId) before touching storage, with a "
          + "message that names the parameter holder")
  void required_rsv24_aBadHolderIsRefused();
}
