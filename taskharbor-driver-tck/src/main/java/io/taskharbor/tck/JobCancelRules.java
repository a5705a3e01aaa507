package io.taskharbor.tck;

/**
 * Cancel of a running job, the cancel half of the optional {@link io.taskharbor.spi.JobControls} extension: the
 * request is recorded, the holder hears of it at its next {@code extendLease}, and the job ends CANCELED however the
 * holder ends. Its rules are {@code optional_}: skipped, by name, for a driver without the extension, and binding for
 * a driver that offers it. Checked by {@link JobCancelContract}.
 */
@RuleGroup(id = "CAN", name = "cancel while running",
    summary = "cancel a running job: marked, heard by the holder, ended CANCELED, late outcomes refused (extension "
        + "JobControls)")
public interface JobCancelRules {

  @Rule(id = "CAN-01",
      text = "requestCancel of an INFLIGHT job sets cancelRequestedAt to now and keeps its status, lease token, "
          + "expiry and attempts; a second request keeps the first instant and changes nothing",
      ifFails = "that requestCancel on an INFLIGHT job only records the request (the first one) and never ends the "
          + "lease itself",
      when = "offer the JobControls extension")
  void optional_can01_theRequestIsRecorded();

  @Rule(id = "CAN-02",
      text = "after the request, extendLease with the valid lease is a CancelRequestedException with the job's id, "
          + "on every client, and leaves the lease as it was; a wrong token is still a LeaseMismatchException and an "
          + "expired lease a LeaseExpiredException (the lease checks win)",
      ifFails = "that extendLease checks the lease first, then the cancel request, and throws before it writes",
      when = "offer the JobControls extension")
  void optional_can02_theHolderHearsOfItAtExtendLease();

  @Rule(id = "CAN-03",
      text = "Completion.Cancel with the valid lease makes the job CANCELED, finished now, with no lease and its "
          + "attempt counted; then a late ack, retry or fail of the holder is refused with JobNotInflightException "
          + "and changes nothing, and a second Cancel succeeds and changes nothing",
      ifFails = "the Cancel branch of complete, and that CANCELED is not a terminal no-op for ack or fail",
      when = "offer the JobControls extension")
  void optional_can03_aCancelCompletionEndsTheJobCanceled();

  @Rule(id = "CAN-04",
      text = "a retry or release of a job whose cancel was requested makes it CANCELED (finished now, attempt "
          + "counted) instead of READY; an ack stores DONE with its result and a fail stores DLQ (the job ended "
          + "before its worker heard)",
      ifFails = "that retry and release look at cancel_requested_at before they make the job READY",
      when = "offer the JobControls extension")
  void optional_can04_theCancelWinsOverRunningAgain();

  @Rule(id = "CAN-05",
      text = "reserve never hands out a job whose cancel was requested: once its lease is no longer valid, reserve "
          + "makes it CANCELED (finished now), on its last attempt too (not DLQ), and the old holder's ack is refused",
      ifFails = "that reserve's sweep cancels the expired cancel-requested jobs before it reclaims expired leases",
      when = "offer the JobControls extension")
  void optional_can05_reserveCancelsAnAbandonedRequest();

  @Rule(id = "CAN-06",
      text = "requestCancel of a READY or PAUSED job cancels it at once (CANCELED, finished now), of a CANCELED job "
          + "changes nothing; of a DONE or DLQ job it is an InvalidJobStatusException (exactly that type), of an "
          + "unknown id a JobNotFoundException, changing nothing; the driver's cancel still cancels READY jobs and "
          + "still refuses INFLIGHT ones",
      ifFails = "the status checks of requestCancel",
      when = "offer the JobControls extension")
  void optional_can06_requestCancelOfOtherStatuses();

  @Rule(id = "CAN-07",
      text = "a job whose cancel was requested and that failed to the DLQ loses the request when it is requeued: it is "
          + "reserved again and its lease can be extended",
      ifFails = "that requeue clears cancel_requested_at",
      when = "offer the JobControls extension")
  void optional_can07_requeueClearsTheRequest();

  @Rule(id = "CAN-08",
      text = "the details of a Cancel completion are kept with the CANCELED job, and a refused Cancel (wrong token, "
          + "expired lease) is refused as every completion is, changing nothing",
      ifFails = "that Cancel goes through the same lease validation and details append as the other completions",
      when = "offer the JobControls extension")
  void optional_can08_aCancelCompletionIsValidatedAndKeepsItsDetails();
}
