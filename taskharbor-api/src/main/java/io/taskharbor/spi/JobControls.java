package io.taskharbor.spi;

import io.taskharbor.api.CancelRequestedException;
import io.taskharbor.api.InvalidJobStatusException;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobNotFoundException;
import java.time.Instant;

/**
 * An optional driver extension ({@link Driver#extension(Class)}): pause and resume one job, and cancel a job while
 * it runs.
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li><b>Pause.</b> A READY job (due or scheduled) becomes PAUSED, which reserve never leases; pausing a PAUSED job
 *       changes nothing. <b>Resume</b> makes a PAUSED job READY again, due at its run_at (else its creation), so it
 *       keeps its place in reserve order; resuming a READY job changes nothing.
 *   <li><b>Cancel while running.</b> {@link #requestCancel} cancels a READY or PAUSED job at once (CANCELED, finished
 *       now); on an INFLIGHT job it records the request ({@code cancelRequestedAt}, the first one kept) and changes
 *       nothing else: then {@link Driver#extendLease} with the valid lease and token throws {@link
 *       CancelRequestedException} (after the usual lease checks, which still win) and leaves the lease as it was,
 *       and {@link Completion.Cancel} makes the job CANCELED. A retry or release of a job whose cancel was requested
 *       makes it CANCELED too (the cancel wins over running again); an ack or fail stores its outcome (the job ended
 *       before its worker heard of the cancel). Reserve never hands out a job whose cancel was requested: once its
 *       lease is no longer valid, reserve makes it CANCELED instead (the holder died before it could).
 *   <li>An unknown id is {@link JobNotFoundException}; any other status is {@link InvalidJobStatusException} (exactly
 *       that type) naming the operation; a refused call changes nothing. Canceling a CANCELED job changes nothing.
 * </ul>
 *
 * Thread-safe.
 */
public interface JobControls {

  /** Pauses a READY job. */
  void pause(JobId id, Instant now);

  /** Resumes a PAUSED job. */
  void resume(JobId id, Instant now);

  /** Cancels a READY or PAUSED job at once, or asks the holder of an INFLIGHT job to stop it. */
  void requestCancel(JobId id, Instant now);
}
