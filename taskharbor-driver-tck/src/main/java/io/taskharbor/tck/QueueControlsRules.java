package io.taskharbor.tck;

/**
 * Queue settings stored by the driver, the optional {@link io.taskharbor.spi.QueueControls} extension: a paused flag
 * and a global concurrency limit that reserve keeps for every client, and an overview of every queue. Its rules are
 * {@code optional_}: skipped, by name, for a driver without the extension, and binding for a driver that offers it.
 * Checked by {@link QueueControlsContract}.
 */
@RuleGroup(id = "QUE", name = "queue controls",
    summary = "a queue's stored settings (paused, a global concurrency limit) kept by reserve on every client, and "
        + "the overview of every queue (extension QueueControls)")
public interface QueueControlsRules {

  @Rule(id = "QUE-01",
      text = "a queue never configured has QueueSettings.DEFAULT; update returns the settings it stored, settings "
          + "reads them back on this and on a second client, for a queue with no job too, and they outlive the "
          + "queue's jobs; storing the defaults again reads DEFAULT",
      ifFails = "that the settings are stored by queue name, apart from the jobs, and read from shared storage",
      when = "offer the QueueControls extension")
  void optional_que01_settingsAreStoredAndReadBack();

  @Rule(id = "QUE-02",
      text = "reserve on a paused queue leases nothing and changes none of its jobs, while other queues reserve as "
          + "before; a job leased before the pause keeps its lease and can be acked; after resume, reserve leases the "
          + "waiting jobs in reserve order",
      ifFails = "that reserve reads the queue's paused flag before it leases, in the same statement or lock",
      when = "offer the QueueControls extension")
  void optional_que02_aPausedQueueLeasesNothing();

  @Rule(id = "QUE-03",
      text = "reserve on a paused queue still moves its expired last attempts to the DLQ",
      ifFails = "that the sweep of expired last attempts runs before, and whatever, the paused check",
      when = "offer the QueueControls extension")
  void optional_que03_aPausedQueueStillSweepsExpiredLastAttempts();

  @Rule(id = "QUE-04",
      text = "with a concurrency limit L, reserve(max) leases at most L minus the queue's valid leases at now: with "
          + "L = 3, reserve of 10 leases 3, the next reserve none, and after one ack one more; another queue is not "
          + "limited",
      ifFails = "that reserve counts the queue's INFLIGHT jobs whose lease is valid and lowers max by that count",
      when = "offer the QueueControls extension")
  void optional_que04_theLimitCapsValidLeases();

  @Rule(id = "QUE-05",
      text = "a limit of 1 makes a serial queue: its jobs are leased one at a time, in reserve order (priority, then "
          + "readiness, then id), each only after the previous one's ack, retry, fail or release",
      ifFails = "the count of valid leases in reserve, and that a completion ends the lease at once",
      when = "offer the QueueControls extension")
  void optional_que05_aLimitOfOneIsASerialQueue();

  @Rule(id = "QUE-06",
      text = "an expired lease does not count against the limit: 1µs before expiry the queue is full, exactly at "
          + "expiry it has room, and the job reclaimed counts again",
      ifFails = "that the count uses lease_expires_at > now (valid leases), not status = INFLIGHT",
      when = "offer the QueueControls extension")
  void optional_que06_anExpiredLeaseDoesNotCount();

  @Rule(id = "QUE-07",
      text = "16 threads on two clients reserving at once from a queue with limit 3 and 40 due jobs lease exactly 3 "
          + "jobs in all, five rounds (threads race: a pass shows that no interleaving of this run exceeded the limit)",
      ifFails = "that the count and the lease are one atomic step across clients (PostgreSQL: lock the queue's "
          + "settings row FOR UPDATE, or an advisory lock, in the reserve's transaction)",
      when = "offer the QueueControls extension")
  void optional_que07_theLimitHoldsUnderRacingClients() throws InterruptedException;

  @Rule(id = "QUE-08",
      text = "lowering the limit below the valid leases revokes none of them and leases nothing until they fall below "
          + "it; raising or removing it leases more at once",
      ifFails = "that the limit is read at each reserve and compared with the current count, never stored per lease",
      when = "offer the QueueControls extension")
  void optional_que08_changingTheLimitAppliesAtTheNextReserve();

  @Rule(id = "QUE-09",
      text = "queues(now) lists, in code point order of the name, every queue that holds a job or has settings other "
          + "than the defaults, each with its settings, its stats at now (PAUSED jobs counted as paused) and its valid "
          + "leases at now; a queue whose settings were reset and that holds no job is not listed",
      ifFails = "the overview's union of the queues with jobs and with stored settings, its ORDER BY (COLLATE \"C\") "
          + "and that its counts use stats' due test",
      when = "offer the QueueControls extension")
  void optional_que09_theOverviewListsEveryQueue();

  @Rule(id = "QUE-10",
      text = "bad arguments are refused naming the field, changing nothing: a bad queue name (queue), null settings, "
          + "a bad now (now); QueueSettings refuses a limit of 0, a negative one and one over MAX_LIMIT naming "
          + "concurrencyLimit and the range; a closed driver refuses every call with an IllegalStateException, and "
          + "extension(QueueControls.class) is the same object on every call",
      ifFails = "that the extension's calls validate their arguments before they touch storage and check the closed "
          + "state",
      when = "offer the QueueControls extension")
  void optional_que10_badArgumentsAndClosedDriver();
}
