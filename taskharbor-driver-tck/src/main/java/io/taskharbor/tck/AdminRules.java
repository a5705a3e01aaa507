package io.taskharbor.tck;

/**
 * Admin: requeue, cancel, delete and purge. Checked by {@link AdminContract}.
 */
@RuleGroup(id = "ADM", name = "admin", summary = "requeue, cancel, delete and purge change exactly the jobs they may")
public interface AdminRules {

  @Rule(id = "ADM-01",
      text = "requeue with reset moves a DLQ job to READY due now, clears the DLQ fields and finished_at, and sets "
          + "attempts to 0; last_error stays",
      ifFails = "the requeue update: READY, run_at = now, attempts 0, DLQ reason and time and finished_at cleared, "
          + "last_error kept, updated_at = now")
  void required_adm01_requeueWithResetMovesADlqJobBackToReady();

  @Rule(id = "ADM-02",
      text = "requeue without reset keeps the attempt count",
      ifFails = "that requeue without reset leaves attempts as they were")
  void required_adm02_requeueWithoutResetKeepsAttempts();

  @Rule(id = "ADM-03",
      text = "a job swept to the DLQ by reserve can be requeued and run again",
      ifFails = "that a job the reserve sweep moved to the DLQ is an ordinary DLQ job")
  void required_adm03_aJobSweptToTheDlqCanBeRequeued();

  @Rule(id = "ADM-04",
      text = "requeue of a job not in the DLQ is an InvalidJobStatusException with its status, and changes nothing",
      ifFails = "that requeue refuses every status but DLQ with InvalidJobStatusException (not its "
          + "JobNotInflightException subclass) carrying the status")
  void required_adm04_requeueOfAJobNotInTheDlqIsRefused(JobFixture.State state);

  @Rule(id = "ADM-05",
      text = "requeue of an unknown job is a JobNotFoundException",
      ifFails = "that requeue of an unknown id is JobNotFoundException, not a silent no-op")
  void required_adm05_requeueOfAnUnknownJobIsNotFound();

  @Rule(id = "ADM-06",
      text = "cancel makes a READY job CANCELED with finished_at = updated_at = now; nothing else changes",
      ifFails = "the cancel update: CANCELED, finished_at = updated_at = now, nothing else")
  void required_adm06_cancelMakesAReadyJobCanceled();

  @Rule(id = "ADM-07",
      text = "cancel makes a scheduled job CANCELED, keeping its run time",
      ifFails = "that cancel accepts READY jobs whatever their run_at")
  void required_adm07_cancelMakesAScheduledJobCanceled();

  @Rule(id = "ADM-08",
      text = "a canceled job is never reserved, not even after its run time",
      ifFails = "that the claim query excludes CANCELED jobs")
  void required_adm08_aCanceledJobIsNeverReserved();

  @Rule(id = "ADM-09",
      text = "cancel of a CANCELED job succeeds and changes nothing, finished_at included",
      ifFails = "that cancel of a CANCELED job writes nothing (finished_at and updated_at stay)")
  void required_adm09_cancelOfACanceledJobIsANoOp();

  @Rule(id = "ADM-10",
      text = "cancel of an INFLIGHT, DONE or DLQ job is an InvalidJobStatusException with its status, and changes "
          + "nothing",
      ifFails = "that cancel refuses INFLIGHT, DONE and DLQ with InvalidJobStatusException carrying the status")
  void required_adm10_cancelOfAJobNotReadyIsRefused(JobFixture.State state);

  @Rule(id = "ADM-11",
      text = "cancel of an INFLIGHT job is refused even after its lease expired",
      ifFails = "that an expired lease does not make a job READY for cancel")
  void required_adm11_cancelOfAnExpiredInflightJobIsRefused();

  @Rule(id = "ADM-12",
      text = "cancel of an unknown job is a JobNotFoundException",
      ifFails = "that cancel of an unknown id is JobNotFoundException")
  void required_adm12_cancelOfAnUnknownJobIsNotFound();

  @Rule(id = "ADM-13",
      text = "delete removes a job that is not INFLIGHT: get, list, stats and reserve no longer see it",
      ifFails = "that delete removes the row everywhere it is seen: get, list, stats and reserve")
  void required_adm13_deleteRemovesAJobThatIsNotInflight(JobFixture.State state);

  @Rule(id = "ADM-14",
      text = "delete of an INFLIGHT job is an InvalidJobStatusException, even when its lease expired",
      ifFails = "that delete refuses INFLIGHT jobs, also when their lease expired")
  void required_adm14_deleteOfAnInflightJobIsRefused();

  @Rule(id = "ADM-15",
      text = "delete of an unknown job, or of one deleted already, is a JobNotFoundException",
      ifFails = "that delete of an unknown id is JobNotFoundException, not a silent no-op")
  void required_adm15_deleteOfAnUnknownJobIsNotFound();

  @Rule(id = "ADM-16",
      text = "a deleted job's id may be enqueued again",
      ifFails = "that delete leaves no tombstone that makes the id a duplicate")
  void required_adm16_aDeletedIdMayBeEnqueuedAgain();

  @Rule(id = "ADM-17",
      text = "purge deletes only jobs in the named statuses and returns how many",
      ifFails = "the status filter of purge")
  void required_adm17_purgeDeletesOnlyTheNamedStatuses();

  @Rule(id = "ADM-18",
      text = "purge's boundary is strict: a job finished at the given instant stays, one finished 1µs before goes",
      ifFails = "that purge compares finished_at < finishedBefore (strictly), at microsecond precision")
  void required_adm18_purgeBoundaryIsStrict();

  @Rule(id = "ADM-19",
      text = "purge counts every deleted job across queues, and a second purge finds nothing",
      ifFails = "that purge spans every queue and returns the deleted row count")
  void required_adm19_purgeReturnsHowManyJobsItDeleted();

  @Rule(id = "ADM-20",
      text = "purge never deletes READY or INFLIGHT jobs, however old",
      ifFails = "that purge ignores jobs without finished_at")
  void required_adm20_purgeNeverDeletesUnfinishedJobs();

  @Rule(id = "ADM-21",
      text = "purge goes by finished_at, not created_at",
      ifFails = "that purge compares finished_at, not created_at or updated_at")
  void required_adm21_purgeGoesByFinishedAt();

  @Rule(id = "ADM-22",
      text = "a job requeued from the DLQ is no longer purged as DLQ",
      ifFails = "that requeue changes the status and clears finished_at")
  void required_adm22_aRequeuedJobIsNotPurged(boolean resetAttempts);
}
