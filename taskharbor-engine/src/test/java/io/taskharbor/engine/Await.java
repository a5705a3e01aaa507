package io.taskharbor.engine;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The engine tests' one bounded wait. */
final class Await {
  private Await() {}

  /** Polls {@code condition} every 2 ms; fails after 20 s, saying what it waited for. */
  static void until(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(2);
    }
  }
}
