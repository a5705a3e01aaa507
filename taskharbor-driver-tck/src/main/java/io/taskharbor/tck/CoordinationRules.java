package io.taskharbor.tck;

/**
 * Distributed mode's coordination, the optional {@link io.taskharbor.spi.Coordination} extension: the node registry
 * with heartbeats, leader leases with a fencing term, and the leader-only calls (orphan recovery, removal of dead nodes,
 * purge). Its rules are {@code optional_}: skipped, by name, for a driver that does not offer the extension. Where the
 * SPI is silent the rules state the choice (code point order of ids, expiries that never move back, which leases
 * recovery ends), and the reference model makes the same one. Names a test uses: the lease {@code "tck.cluster"},
 * nodes {@code "tck-node-a"}, {@code "tck-node-b"}, ...; the lease's ttl is 15 s and a node's timeout 20 s unless a
 * rule says otherwise. Checked by {@link CoordinationContract}.
 */
@RuleGroup(id = "CRD", name = "coordination",
    summary = "node registry, leader leases with fencing terms, orphan recovery (extension Coordination)")
public interface CoordinationRules {

  @Rule(id = "CRD-01",
      text = "register stores the node with every field as given and its last heartbeat = now, and nodes lists it "
          + "alive; registering the id again replaces the details and sets the last heartbeat to now, one entry per id",
      ifFails = "the upsert of register (every NodeInfo field, queues in order, started_at to the microsecond) and "
          + "that it sets last_heartbeat = now on both paths",
      when = "offer the Coordination extension")
  void optional_crd01_registerStoresTheNode();

  @Rule(id = "CRD-02",
      text = "nodes lists every registered node, alive or dead, ordered by id in code point order (the order of the "
          + "ids' UTF-8 bytes, PostgreSQL's COLLATE \"C\"); an empty registry is an empty list",
      ifFails = "the ORDER BY of nodes (ORDER BY id COLLATE \"C\", not the database's collation; in Java, compare code "
          + "points, not String.compareTo) and that dead nodes are listed too",
      when = "offer the Coordination extension")
  void optional_crd02_nodesAreOrderedByIdInCodePointOrder();

  @Rule(id = "CRD-03",
      text = "heartbeat of a registered node returns true and sets its last heartbeat to now, and nothing else; of a "
          + "node never registered, or deregistered, it returns false and registers nothing",
      ifFails = "that heartbeat is an UPDATE that reports whether a row matched, never an upsert",
      when = "offer the Coordination extension")
  void optional_crd03_heartbeatOfAnUnknownNodeIsFalse();

  @Rule(id = "CRD-04",
      text = "a node is alive at now iff its last heartbeat + timeout > now, exact to the microsecond: alive 1µs "
          + "before, dead exactly at last heartbeat + timeout",
      ifFails = "the comparison of nodes' alive flag (strictly after, with the timeout truncated to microseconds)",
      when = "offer the Coordination extension")
  void optional_crd04_livenessBoundariesAreExact();

  @Rule(id = "CRD-05",
      text = "deregister removes the node and nothing else; deregistering an unknown node does nothing",
      ifFails = "that deregister deletes by id only and does not fail for a missing row",
      when = "offer the Coordination extension")
  void optional_crd05_deregisterRemovesTheNode();

  @Rule(id = "CRD-06",
      text = "nodes and leader leases are shared by every client of one storage: what one client registers or "
          + "acquires, another sees, and another client's candidate cannot take a valid lease",
      ifFails = "that the registry and the leases are kept in the storage, not in the client (for the memory "
          + "driver: in the driver instance)",
      when = "offer the Coordination extension")
  void optional_crd06_theRegistryIsSharedByTheClients();

  @Rule(id = "CRD-07",
      text = "the first acquire of a name grants the caller term 1 until now + ttl, and leader returns that lease; "
          + "leader of a name never acquired is empty",
      ifFails = "the INSERT path of acquire (term 1, expiry = now + ttl) and that leader reads the stored lease",
      when = "offer the Coordination extension")
  void optional_crd07_theFirstAcquireGrantsTermOne();

  @Rule(id = "CRD-08",
      text = "while a lease is valid (up to 1µs before its expiry) acquire by another node changes nothing and "
          + "returns the current lease; the holder's own acquire keeps the term and moves the expiry to now + ttl, "
          + "never earlier",
      ifFails = "the condition of the update path of acquire (another holder's lease is taken only when expires_at <= "
          + "now or it was resigned) and GREATEST(expires_at, now + ttl) for the holder",
      when = "offer the Coordination extension")
  void optional_crd08_aValidLeaseIsNotTaken();

  @Rule(id = "CRD-09",
      text = "a lapsed lease (exactly at its expiry) goes to the next caller with term + 1, its former holder "
          + "included; a resigned lease goes at once to the next caller with term + 1",
      ifFails = "that the term grows whenever the lease passes after a gap, even back to the same node, so that a "
          + "holder's stale term from before the gap is refused",
      when = "offer the Coordination extension")
  void optional_crd09_theTermGrowsAfterAGap();

  @Rule(id = "CRD-10",
      text = "16 threads on two clients acquiring one free name at the same instant: exactly one gets it with term 1 "
          + "and every thread is answered that holder and term; the same once it lapses, with term 2, five rounds "
          + "(threads race: a pass shows that no interleaving of this run gave two holders)",
      ifFails = "that acquire decides and writes in one atomic step (PostgreSQL: one INSERT ... ON CONFLICT DO UPDATE "
          + "... WHERE ... RETURNING, or a row lock; never a read followed by a write)",
      when = "offer the Coordination extension")
  void optional_crd10_concurrentCandidatesNeverBothGetTheLease() throws InterruptedException;

  @Rule(id = "CRD-11",
      text = "renew by the holder with its valid term moves the expiry to now + ttl, never earlier, and keeps term and "
          + "holder",
      ifFails = "the UPDATE of renew: expires_at = GREATEST(expires_at, now + ttl), under the same checks as every "
          + "fenced call",
      when = "offer the Coordination extension")
  void optional_crd11_renewExtendsTheLease();

  @Rule(id = "CRD-12",
      text = "renew with a wrong term, by another node, once the lease lapsed (exactly at its expiry), after a "
          + "resignation, or of a name never acquired is a StaleTermException carrying the name, the presented term "
          + "and the stored term and holder (0 and null when none), and changes nothing",
      ifFails = "that renew checks term, holder and validity at now together, atomically with its write, and fills "
          + "the exception's fields from the stored lease (valid or not)",
      when = "offer the Coordination extension")
  void optional_crd12_renewOfAStaleOrLapsedTermIsRefused();

  @Rule(id = "CRD-13",
      text = "resign by the holder of the term clears holder and expiry and keeps the term, whether the lease is "
          + "valid or lapsed; resign with another term or by another node does nothing",
      ifFails = "that resign updates only the row whose term and holder match, and never deletes it (the next "
          + "acquire needs the term)",
      when = "offer the Coordination extension")
  void optional_crd13_resignGivesUpTheLease();

  @Rule(id = "CRD-14",
      text = "recoverOrphans, removeDeadNodes and the leader's purge with a term that is not the stored one (older "
          + "or newer), lapsed (exactly at its expiry), resigned, or of a name never acquired are refused with "
          + "StaleTermException (typed fields as for renew) and change no job, node or lease",
      ifFails = "that every leader-only call checks its term and the lease's validity at now before it writes, in "
          + "the same transaction as the write (PostgreSQL: SELECT ... FOR SHARE on the lease row)",
      when = "offer the Coordination extension")
  void optional_crd14_aStaleTermCannotAct();

  @Rule(id = "CRD-15",
      text = "leader-only calls with the current term succeed up to 1µs before the lease expires, whichever node "
          + "makes them",
      ifFails = "that the fence compares expires_at > now strictly and checks the term, not the caller",
      when = "offer the Coordination extension")
  void optional_crd15_theCurrentTermActsUntilItsLeaseEnds();

  @Rule(id = "CRD-16",
      text = "recoverOrphans sets lease_expires_at and updated_at to now, keeping the token, on every INFLIGHT job "
          + "whose leased_by is a registered node dead at now and whose lease is still valid, and returns their count; "
          + "jobs of live nodes, of unregistered nodes or of no node, jobs not INFLIGHT and leases already ended are "
          + "untouched",
      ifFails = "the UPDATE of recoverOrphans: the join of th_jobs.leased_by with the dead nodes, status inflight, "
          + "lease_expires_at > now, and available_at moved with lease_expires_at",
      when = "offer the Coordination extension")
  void optional_crd16_recoveryEndsTheLeasesOfDeadNodes();

  @Rule(id = "CRD-17",
      text = "after recovery the old token is refused with LeaseExpiredException (completion and extendLease) and the "
          + "job is reservable at once, by another node with a new token and attempts + 1; on its last attempt the "
          + "next reserve moves it to the DLQ",
      ifFails = "that recovery ends the lease (expiry = now, which is no longer valid at now) rather than clearing it, "
          + "and makes the job claimable at now in reserve's order",
      when = "offer the Coordination extension")
  void optional_crd17_aRecoveredJobIsClaimableAtOnce();

  @Rule(id = "CRD-18",
      text = "for recovery a node is dead exactly at its last heartbeat + nodeTimeout; 1µs before, its jobs are "
          + "untouched",
      ifFails = "that recovery and nodes use the same comparison (dead iff last_heartbeat + timeout <= now)",
      when = "offer the Coordination extension")
  void optional_crd18_recoveryUsesTheExactDeathBoundary();

  @Rule(id = "CRD-19",
      text = "removeDeadNodes removes exactly the nodes dead at now and returns their count; live nodes and every job "
          + "stay as they were",
      ifFails = "the DELETE of removeDeadNodes (last_heartbeat + nodeTimeout <= now) and that it leaves th_jobs alone",
      when = "offer the Coordination extension")
  void optional_crd19_removeDeadNodesRemovesTheDeadOnly();

  @Rule(id = "CRD-20",
      text = "the leader's purge deletes exactly what Driver.purge deletes (the statuses given, finished strictly "
          + "before finishedBefore) and returns the count",
      ifFails = "that the fenced purge runs the driver's own purge inside the fenced transaction",
      when = "offer the Coordination extension")
  void optional_crd20_theLeadersPurgeIsDriverPurge();

  @Rule(id = "CRD-21",
      text = "bad arguments are IllegalArgumentExceptions naming the parameter (nodeId, name, ttl, timeout, "
          + "nodeTimeout, term, now, statuses, finishedBefore) and nulls NullPointerExceptions or "
          + "IllegalArgumentExceptions, thrown before anything changes and before the term is checked",
      ifFails = "that every call checks its arguments first (node ids with NodeInfo.checkId, durations as positive, "
          + "instants in range, a term of at least 1, a name of 1 to 255 characters)",
      when = "offer the Coordination extension")
  void optional_crd21_badArgumentsAreRefusedByName();

  @Rule(id = "CRD-22",
      text = "every call of the extension on a closed driver is an IllegalStateException",
      ifFails = "that the extension checks the driver's closed state on every call",
      when = "offer the Coordination extension")
  void optional_crd22_aClosedDriverRefusesEveryCall();

  @Rule(id = "CRD-23",
      text = "extension(Coordination.class) is the same object on every call, and serverTime is an instant at "
          + "microsecond precision within a day of the JVM's clock",
      ifFails = "that the driver hands out one extension object, and that serverTime reads the store's clock "
          + "(PostgreSQL: clock_timestamp()) and truncates it to microseconds",
      when = "offer the Coordination extension")
  void optional_crd23_theExtensionIsStableAndServerTimeIsRead();

  @Rule(id = "CRD-24",
      text = "for a driver that offers Coordination, the term check of a leader-only call and its write are one "
          + "atomic step: no acquisition of the lease by another node can take effect between them, from any client "
          + "or process",
      ifFails = "that the check and the write share one transaction in which the lease row is locked against "
          + "acquire, renew and resign (SELECT ... FOR SHARE, then the write, then COMMIT), or one lock in memory; a "
          + "race between a lapse and a leader's last call cannot be provoked reliably by a test")
  void untested_crd24_theFenceAndTheWriteAreAtomic();
}
