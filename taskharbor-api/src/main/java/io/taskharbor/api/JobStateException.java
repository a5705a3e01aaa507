package io.taskharbor.api;

/**
 * A call about one job was refused because of the job's state; the refusal changed nothing. Drivers report these as
 * {@code Outcome}s of a batch completion, and throw them from single-job calls.
 */
public abstract class JobStateException extends TaskHarborException {
  private static final long serialVersionUID = 1L;
  private final JobId jobId;

  protected JobStateException(JobId jobId, String message) {
    super(message);
    this.jobId = jobId;
  }

  /** Returns the job the refused call was about. */
  public JobId jobId() {
    return jobId;
  }
}
