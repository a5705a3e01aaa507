package io.taskharbor.examples.idempotenttasks;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The payload of a {@code process_order} task: which order to charge, and how much.
 *
 * @param orderId the order's number, such as {@code 12345}
 * @param amount the amount to charge, in dollars
 */
public record Order(String orderId, BigDecimal amount) {

  public Order {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(amount, "amount");
  }

  /** The order's idempotency key, {@code order-<id>}: submitting the same order twice makes one task. */
  public String idempotencyKey() {
    return "order-" + orderId;
  }

  /** The amount as printed, such as {@code $99.99}. */
  public String price() {
    return "$" + amount.toPlainString();
  }
}
