package io.taskharbor.api;

/** The job is INFLIGHT with a valid lease, but under another token: another worker holds it now. */
public class LeaseMismatchException extends JobStateException {
  private static final long serialVersionUID = 1L;

  public LeaseMismatchException(JobId jobId) {
    super(jobId, "job " + jobId + " is leased under another token: another worker holds it now");
  }
}
