package io.taskharbor.tck;

/** Stateful property tests: random action sequences on the driver and on the reference model must agree. */
public abstract class PropertyContract extends TckGroup {
  protected PropertyContract(DriverTck tck) {
    super(tck);
  }
}
