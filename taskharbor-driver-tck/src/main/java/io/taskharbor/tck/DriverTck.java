package io.taskharbor.tck;

import io.taskharbor.spi.Driver;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * The whole TCK. A driver author writes one class:
 *
 * <pre>{@code
 * class MyDriverContractTest extends DriverTck {
 *   @Override
 *   protected Driver newDriver() {
 *     return new MyDriver(...); // over empty storage
 *   }
 * }
 * }</pre>
 *
 * and inherits every group below. {@link #newDriver()} is called at least once per test; the TCK closes each driver
 * it gets.
 */
public abstract class DriverTck {

  /**
   * Returns a new driver over empty storage: no job from an earlier test may be visible to it. Drivers returned to
   * one test may share storage only if the test asks for more than one (the concurrency group does).
   */
  protected abstract Driver newDriver();

  /** Returns a second driver over the same storage as {@code first}, for multi-client tests. Default: {@code first}. */
  protected Driver sameStorageAs(Driver first) {
    return first;
  }

  // Contract groups are added here, one @Nested class each, extending a top-level *Contract class.

  @Nested
  @DisplayName("property: random action sequences agree with the reference model")
  class Properties extends PropertyContract {
    Properties() {
      super(DriverTck.this);
    }
  }

  @Nested
  @DisplayName("worker: a real Worker on this driver")
  class Worker extends WorkerContract {
    Worker() {
      super(DriverTck.this);
    }
  }
}
