package io.taskharbor.tck;

/**
 * Scheduling: when a READY job is due. Checked by {@link SchedulingContract}.
 */
@RuleGroup(id = "SCH", name = "scheduling", summary = "a job is due exactly when run_at <= now")
public interface SchedulingRules {

  @Rule(id = "SCH-01",
      text = "a job scheduled 1µs after now is not reserved; at its run time exactly it is",
      ifFails = "the due test: run_at <= now, inclusive, at microsecond precision")
  void required_sch01_aJobIsDueExactlyAtItsRunTime();

  @Rule(id = "SCH-02",
      text = "a job enqueued with run time now + 1µs is not reserved at now",
      ifFails = "that run_at is compared at full microsecond precision (not rounded to milliseconds or seconds)")
  void required_sch02_aJobScheduledOneMicrosecondAheadIsNotDue();

  @Rule(id = "SCH-03",
      text = "a job whose run time is now, or in the past, is due at once",
      ifFails = "that a run time in the past or equal to now is due")
  void required_sch03_aRunTimeAtOrBeforeNowIsDueAtOnce();

  @Rule(id = "SCH-04",
      text = "a retried job with a future run time is not reserved before it, and is at it",
      ifFails = "that retry stores its run_at and that the claim query reads it")
  void required_sch04_aRetryWithAFutureRunTimeWaitsForIt();

  @Rule(id = "SCH-05",
      text = "a retry without a run time is due at once: its run time becomes now",
      ifFails = "that retry without a run time sets run_at = now (it must not keep the old run_at or fall back to "
          + "created_at)")
  void required_sch05_aRetryWithoutARunTimeIsDueAtOnce();

  @Rule(id = "SCH-06",
      text = "a release with a future run time is not reserved before it, and is at it",
      ifFails = "that release stores its run_at")
  void required_sch06_aReleaseWithAFutureRunTimeWaitsForIt();

  @Rule(id = "SCH-07",
      text = "a release without a run time is due at once: its run time becomes now",
      ifFails = "that release without a run time sets run_at = now")
  void required_sch07_aReleaseWithoutARunTimeIsDueAtOnce();

  @Rule(id = "SCH-08",
      text = "a job requeued from the DLQ is due at once: its run time becomes now",
      ifFails = "that requeue sets run_at = now")
  void required_sch08_aRequeuedJobIsDueAtOnce();

  @Rule(id = "SCH-09",
      text = "stats count a job as scheduled until 1µs before its run time and as ready from its run time on",
      ifFails = "that stats use the same inclusive due test as reserve")
  void required_sch09_statsTellReadyFromScheduledAtTheBoundary();

  @Rule(id = "SCH-10",
      text = "a scheduled job of higher priority does not hold back due jobs",
      ifFails = "that the claim query filters by due before it orders by priority and limits")
  void required_sch10_aScheduledJobDoesNotBlockDueJobs();

  @Rule(id = "SCH-11",
      text = "a scheduled job is never reclaimed early: reserving before its run time leaves it untouched",
      ifFails = "that reserve does not write scheduled jobs")
  void required_sch11_reservingBeforeTheRunTimeLeavesTheJobUntouched();

  @Rule(id = "SCH-12",
      text = "a driver never reads a clock for semantics: due tests, lease validity and every stored instant come "
          + "from the now it is given",
      ifFails = "that no call reads Instant.now(), System.currentTimeMillis(), the database's now() or a clock of its "
          + "own except for logs and metrics; every test runs at a fixed instant in 2030, so most such reads fail "
          + "other rules, but a read whose answer happens to agree cannot be seen")
  void untested_sch12_aDriverNeverReadsAClock();
}
