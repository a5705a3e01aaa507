package io.taskharbor.api;

/** No job with the given id exists (it was never enqueued, or was deleted or purged). */
public class JobNotFoundException extends JobStateException {
  private static final long serialVersionUID = 1L;

  public JobNotFoundException(JobId jobId) {
    super(jobId, "job " + jobId + " does not exist: it was never enqueued, or it was deleted or purged");
  }
}
