package io.taskharbor.api;

/** An enqueue named a job id that is already stored. Nothing was stored. */
public class DuplicateJobException extends TaskHarborException {
  private static final long serialVersionUID = 1L;
  private final JobId jobId;

  public DuplicateJobException(JobId jobId) {
    super("job " + jobId + " already exists: leave the id unset to get a fresh one, or use an idempotency key");
    this.jobId = jobId;
  }

  /** Returns the id that exists already. */
  public JobId jobId() {
    return jobId;
  }
}
