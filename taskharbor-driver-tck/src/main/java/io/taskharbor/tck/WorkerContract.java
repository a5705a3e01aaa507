package io.taskharbor.tck;

/** Runs a real engine {@code Worker} on the driver under test with a controllable clock. */
public abstract class WorkerContract extends TckGroup {
  protected WorkerContract(DriverTck tck) {
    super(tck);
  }
}
