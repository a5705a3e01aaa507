package io.taskharbor.examples.idempotenttasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskharbor.api.JobRequest;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The simulated processing fails as the README says, and every order becomes the same kind of task. */
class OrdersTest {

  @Test
  void anOddOrderSucceedsAtOnce() throws Exception {
    assertThat(Orders.process(new Order("12345", new BigDecimal("99.99")), 1))
        .isEqualTo("Order 12345 processed, charged $99.99");
  }

  @Test
  void anEvenOrderFailsItsFirstAttemptOnly() throws Exception {
    Order order = new Order("12346", new BigDecimal("49.99"));

    assertThatThrownBy(() -> Orders.process(order, 1)).isInstanceOf(Orders.ProcessingFailed.class)
        .hasMessage("processing failed: temporary error");
    assertThat(Orders.process(order, 2)).isEqualTo("Order 12346 processed, charged $49.99");
  }

  @Test
  void anOrderOverTheGatewayLimitFailsEveryAttempt() {
    Order order = new Order("12349", new BigDecimal("1249.99"));

    for (int attempt = 1; attempt <= Orders.MAX_ATTEMPTS; attempt++) {
      int n = attempt;
      assertThatThrownBy(() -> Orders.process(order, n)).isInstanceOf(Orders.ProcessingFailed.class)
          .hasMessage("processing failed: payment gateway timeout");
    }
  }

  @Test
  void anOrderIsAProcessOrderTaskKeyedByItsId() {
    JobRequest request = Orders.request(new Order("12345", new BigDecimal("99.99")));

    assertThat(request.type()).isEqualTo("process_order");
    assertThat(request.queue()).isEqualTo("orders");
    assertThat(request.idempotencyKey()).isEqualTo("order-12345");
    assertThat(request.maxAttempts()).isEqualTo(3);
  }
}
