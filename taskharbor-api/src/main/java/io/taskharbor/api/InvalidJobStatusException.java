package io.taskharbor.api;

/** The job exists but its status does not allow the operation (for example, requeueing a job that is not in the DLQ). */
public class InvalidJobStatusException extends JobStateException {
  private static final long serialVersionUID = 1L;
  private final JobStatus status;
  private final String operation;

  public InvalidJobStatusException(JobId jobId, JobStatus status, String operation, String allowed) {
    super(jobId, "cannot " + operation + " job " + jobId + ": it is " + status + ", and only " + allowed
        + " jobs allow it");
    this.status = status;
    this.operation = operation;
  }

  /** Returns the job's status when the call was refused. */
  public JobStatus status() {
    return status;
  }

  /** Returns the refused operation, such as {@code "ack"} or {@code "requeue"}. */
  public String operation() {
    return operation;
  }
}
