package io.taskharbor.tck;

/**
 * Pause and resume one job, the pause half of the optional {@link io.taskharbor.spi.JobControls} extension: a PAUSED
 * job is never reserved until resumed. Its rules are {@code optional_}: skipped, by name, for a driver without the
 * extension, and binding for a driver that offers it. Checked by {@link JobPauseContract}.
 */
@RuleGroup(id = "PAU", name = "job pause",
    summary = "pause and resume one job: PAUSED is never reserved, resume keeps its place (extension JobControls)")
public interface JobPauseRules {

  @Rule(id = "PAU-01",
      text = "pause of a READY job, due or scheduled, makes it PAUSED with updated_at now and every other field "
          + "unchanged; reserve never leases it, on any client and at any later instant; stats count it as paused, "
          + "and list finds it by the status PAUSED",
      ifFails = "that reserve selects status READY only, and that stats count the PAUSED status",
      when = "offer the JobControls extension")
  void optional_pau01_aPausedJobIsNeverReserved();

  @Rule(id = "PAU-02",
      text = "resume makes a PAUSED job READY with updated_at now, due at its run_at (else created_at) unchanged, so "
          + "it keeps its place in reserve order ahead of jobs that became due after it; a scheduled one stays "
          + "scheduled",
      ifFails = "that resume sets the status back and leaves run_at alone",
      when = "offer the JobControls extension")
  void optional_pau02_resumeKeepsThePlaceInReserveOrder();

  @Rule(id = "PAU-03",
      text = "pausing a PAUSED job and resuming a READY job succeed and change nothing, updated_at included",
      ifFails = "that pause and resume are idempotent and write nothing when the job is already there",
      when = "offer the JobControls extension")
  void optional_pau03_repeatedPauseAndResumeChangeNothing();

  @Rule(id = "PAU-04",
      text = "pause of an INFLIGHT, DONE, DLQ or CANCELED job and resume of an INFLIGHT, DONE, DLQ or CANCELED job are "
          + "an InvalidJobStatusException (exactly that type) with the job's id and status, changing nothing; an "
          + "unknown id is a JobNotFoundException",
      ifFails = "the status checks of pause and resume, and that they throw InvalidJobStatusException, not its "
          + "JobNotInflightException subclass",
      when = "offer the JobControls extension")
  void optional_pau04_otherStatusesAreRefused();

  @Rule(id = "PAU-05",
      text = "a PAUSED job can be canceled (cancel and requestCancel make it CANCELED, finished now) and deleted; "
          + "purge never deletes it",
      ifFails = "that cancel accepts PAUSED as it accepts READY, and that purge deletes finished statuses only",
      when = "offer the JobControls extension")
  void optional_pau05_aPausedJobCanBeCanceledAndDeleted();

  @Rule(id = "PAU-06",
      text = "a null id or now is a NullPointerException or IllegalArgumentException, a bad now an "
          + "IllegalArgumentException naming now, changing nothing; a closed driver refuses pause, resume and "
          + "requestCancel with an IllegalStateException, and extension(JobControls.class) is the same object on "
          + "every call",
      ifFails = "that the extension's calls validate their arguments first and check the closed state",
      when = "offer the JobControls extension")
  void optional_pau06_badArgumentsAndClosedDriver();
}
