package io.taskharbor.api;

/**
 * An administrator asked to cancel this running job ({@code io.taskharbor.spi.JobControls#requestCancel}). A driver
 * that offers {@code JobControls} throws it from {@code extendLease} instead of extending: the lease stays as it was
 * (still valid), and the holding worker cancels the handler and completes the job as canceled.
 */
public class CancelRequestedException extends JobStateException {
  private static final long serialVersionUID = 1L;

  public CancelRequestedException(JobId jobId) {
    super(jobId, "job " + jobId + " is to be canceled: an administrator asked for it while it ran");
  }
}
