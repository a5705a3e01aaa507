package io.taskharbor.api;

/** A lease operation (extendLease, ack, retry, fail, release) was called on a job that is not INFLIGHT. */
public class JobNotInflightException extends InvalidJobStatusException {
  private static final long serialVersionUID = 1L;

  public JobNotInflightException(JobId jobId, JobStatus status, String operation) {
    super(jobId, status, operation, "INFLIGHT");
  }
}
