package io.taskharbor.tck;

/**
 * Live-job counts, the optional {@link io.taskharbor.spi.Statistics} extension: every queue's READY and INFLIGHT
 * jobs by type in one read, and the age of each queue's oldest waiting job. Its rules are {@code optional_}: skipped,
 * by name, for a driver that does not offer the extension. Checked by {@link StatisticsContract}.
 */
@RuleGroup(id = "STA", name = "statistics",
    summary = "live jobs of every queue counted by type in one read (extension Statistics)")
public interface StatisticsRules {

  @Rule(id = "STA-01",
      text = "liveJobs counts, per queue and type, READY jobs due at now (run_at, else created_at, <= now) as ready, "
          + "later ones as scheduled and INFLIGHT jobs, valid lease or not, as inflight; DONE, DLQ and CANCELED jobs "
          + "are not counted, no group is all zero, and at is now",
      ifFails = "the aggregate of liveJobs: GROUP BY queue, type over status IN ('ready', 'inflight') only, with the "
          + "due test of stats",
      when = "offer the Statistics extension")
  void optional_sta01_liveJobsCountsEveryLiveJobByQueueAndType();

  @Rule(id = "STA-02",
      text = "the groups are ordered by queue, then by type, each in code point order (the order of UTF-8 bytes, "
          + "PostgreSQL's COLLATE \"C\")",
      ifFails = "the ORDER BY of liveJobs (COLLATE \"C\" on the type; in Java, compare code points)",
      when = "offer the Statistics extension")
  void optional_sta02_groupsAreOrderedByQueueThenType();

  @Rule(id = "STA-03",
      text = "oldestDue holds, for each queue with a due READY job, the earliest instant one of them became due "
          + "(run_at, else created_at), a job due exactly at now included; a queue with no due job has no entry",
      ifFails = "that oldestDue is min(available_at) over the due READY jobs of the queue only (not the scheduled or "
          + "INFLIGHT ones)",
      when = "offer the Statistics extension")
  void optional_sta03_oldestDueIsTheEarliestDueInstantPerQueue();

  @Rule(id = "STA-04",
      text = "over empty storage, or storage of finished jobs only, liveJobs has no group and no oldestDue",
      ifFails = "that liveJobs returns empty collections, not an exception or zero groups",
      when = "offer the Statistics extension")
  void optional_sta04_noLiveJobsNoGroups();

  @Rule(id = "STA-05",
      text = "liveJobs only reads: an expired last attempt is counted INFLIGHT and not swept, and no job changes",
      ifFails = "that liveJobs is a read (no sweep, no reclaim)",
      when = "offer the Statistics extension")
  void optional_sta05_liveJobsChangesNothing();

  @Rule(id = "STA-06",
      text = "the counts agree with stats: for every queue, the sums of its groups are stats' ready, scheduled and "
          + "inflight at the same instant",
      ifFails = "that liveJobs and stats use the same due test and the same statuses",
      when = "offer the Statistics extension")
  void optional_sta06_theCountsAgreeWithStats();

  @Rule(id = "STA-07",
      text = "a bad now is an IllegalArgumentException naming now, a closed driver an IllegalStateException, and "
          + "extension(Statistics.class) is the same object on every call",
      ifFails = "that liveJobs validates now and checks the closed state, and that the driver hands out one extension "
          + "object",
      when = "offer the Statistics extension")
  void optional_sta07_argumentsClosedStateAndStability();
}
