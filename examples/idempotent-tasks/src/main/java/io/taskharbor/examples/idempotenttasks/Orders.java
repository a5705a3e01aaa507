package io.taskharbor.examples.idempotenttasks;

import io.taskharbor.api.JobRequest;
import java.math.BigDecimal;

/**
 * What the producer and the worker agree on: the queue, the task type, the attempts, and the (simulated) order
 * processing with its deterministic failures.
 */
public final class Orders {
  /** The queue every order task goes to. */
  public static final String QUEUE = "orders";
  /** The task type, which selects the worker's handler. */
  public static final String TYPE = "process_order";
  /** The most executions a task gets: after the third failure it is in the dead-letter queue for good. */
  public static final int MAX_ATTEMPTS = 3;
  /** Orders of more than this always fail: the (simulated) payment gateway times out on them. */
  public static final BigDecimal GATEWAY_LIMIT = new BigDecimal("1000");

  private Orders() {}

  /** The task for {@code order}: type {@value #TYPE}, queue {@value #QUEUE}, keyed by the order, 3 attempts. */
  public static JobRequest request(Order order) {
    return JobRequest.builder(TYPE, order)
        .queue(QUEUE)
        .idempotencyKey(order.idempotencyKey())
        .maxAttempts(MAX_ATTEMPTS)
        .build();
  }

  /** A failed attempt to process an order; the worker lets TaskHarbor retry it while attempts remain. */
  public static final class ProcessingFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProcessingFailed(String reason) {
      super("processing failed: " + reason);
    }
  }

  /**
   * Processes {@code order} on its attempt {@code attempt} (about 50 ms of simulated work) and returns what was done.
   * Failures are deterministic, so that every run shows the same story: an order whose number is even fails its
   * first attempt with a temporary error (and succeeds on the retry); an order of more than {@link #GATEWAY_LIMIT}
   * fails every attempt (and ends in the dead-letter queue).
   *
   * @throws ProcessingFailed if this attempt fails
   * @throws InterruptedException if the worker is stopping
   */
  public static String process(Order order, int attempt) throws InterruptedException {
    Thread.sleep(50);
    if (order.amount().compareTo(GATEWAY_LIMIT) > 0) {
      throw new ProcessingFailed("payment gateway timeout");
    }
    if (attempt == 1 && isEven(order.orderId())) {
      throw new ProcessingFailed("temporary error");
    }
    return "Order " + order.orderId() + " processed, charged " + order.price();
  }

  private static boolean isEven(String orderId) {
    return !orderId.isEmpty() && Character.digit(orderId.charAt(orderId.length() - 1), 10) % 2 == 0;
  }
}
