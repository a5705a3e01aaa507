package io.taskharbor.tck;

/**
 * The details log: the timestamped lines a handler wrote during an attempt, carried by every {@link
 * io.taskharbor.spi.Completion} and kept with the job when the completion is applied, bounded as {@link
 * io.taskharbor.api.Detail} says. Part of the core contract: its rules bind every driver. Checked by {@link
 * DetailsContract}.
 */
@RuleGroup(id = "DTL", name = "details log",
    summary = "the details of each applied completion kept with the job, oldest first, bounded with a marker")
public interface DetailsRules {

  @Rule(id = "DTL-01",
      text = "the details of an applied ack, retry, fail or release are appended to the job's details, oldest first, "
          + "with their instants; they accumulate across attempts (a retry's lines, then the ack's), and the ack's "
          + "result stays the output",
      ifFails = "that complete appends the completion's details (DriverRules.appendDetails) in the same write as the "
          + "status")
  void required_dtl01_detailsAreKeptWithTheOutcome();

  @Rule(id = "DTL-02",
      text = "a refused completion (unknown job, not INFLIGHT, expired lease, wrong token) and a terminal no-op (ack "
          + "of a DONE job, fail of a DONE or DLQ job) store none of their details",
      ifFails = "that the details are written only when the completion is applied")
  void required_dtl02_refusedCompletionsStoreNoDetails();

  @Rule(id = "DTL-03",
      text = "more than Detail.MAX_LINES lines keep the newest, after a first marker line '... N earlier line(s) "
          + "dropped' stamped with the oldest kept line's instant, exactly as DriverRules.appendDetails computes it; "
          + "across completions N counts every line dropped so far",
      ifFails = "that the driver stores what DriverRules.appendDetails returns for the stored lines and the new ones")
  void required_dtl03_theLogIsBoundedInLines();

  @Rule(id = "DTL-04",
      text = "lines of more than Detail.MAX_BYTES bytes of UTF-8 in all keep the newest that fit, after the marker, "
          + "multi-byte text counted in bytes, exactly as DriverRules.appendDetails computes it",
      ifFails = "that the details column keeps every character (UTF-8, no truncation) and the bound of "
          + "DriverRules.appendDetails")
  void required_dtl04_theLogIsBoundedInBytes();

  @Rule(id = "DTL-05",
      text = "the details are the same from get, list and findByIdempotencyKey, and stay through a requeue",
      ifFails = "that every read maps the details column")
  void required_dtl05_everyReadShowsTheDetails();
}
