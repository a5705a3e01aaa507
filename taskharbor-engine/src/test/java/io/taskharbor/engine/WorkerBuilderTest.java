package io.taskharbor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every worker setting is checked, with a message that names it. */
class WorkerBuilderTest {
  private final TaskHarbor harbor = TaskHarbor.builder().driver(new CountingDriver()).build();

  record Payload(String s) {}

  private Worker.Builder builder() {
    return harbor.newWorker().handle("t", Payload.class, job -> { });
  }

  @Test
  @DisplayName("registering a handler twice for one type names the type")
  void duplicateHandler() {
    assertThatThrownBy(() -> builder().handle("t", Payload.class, job -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'t'");
  }

  @Test
  @DisplayName("a worker without handlers is refused at build()")
  void noHandlers() {
    assertThatThrownBy(() -> harbor.newWorker().build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("handler");
  }

  /** Asserts that {@code call} is refused with an IllegalArgumentException whose message names {@code setting}. */
  private static void refused(ThrowingCallable call, String setting) {
    assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(setting);
  }

  @Test
  @DisplayName("non-positive durations, bad concurrency and bad queues name the setting")
  void badSettings() {
    refused(() -> builder().leaseDuration(Duration.ZERO), "leaseDuration");
    refused(() -> builder().leaseDuration(Duration.ofSeconds(-1)), "leaseDuration");
    refused(() -> builder().heartbeatInterval(Duration.ZERO), "heartbeatInterval");
    refused(() -> builder().pollInterval(Duration.ZERO), "pollInterval");
    refused(() -> builder().shutdownTimeout(Duration.ZERO), "shutdownTimeout");
    refused(() -> builder().fetchCooldown(Duration.ofMillis(-1)), "fetchCooldown");
    refused(() -> builder().concurrency(0), "concurrency");
    refused(() -> builder().concurrency(10_001), "concurrency");
    refused(() -> builder().completionBatchSize(0), "completionBatchSize");
    refused(() -> builder().fetchParallelism(0), "fetchParallelism");
    refused(() -> builder().fetchParallelism(65), "fetchParallelism");
    refused(() -> builder().concurrency(2).prefetch(0).fetchParallelism(3).build(), "fetchParallelism");
    assertThat(builder().concurrency(2).fetchParallelism(3).build())
        .as("the adaptive prefetch (the default) leaves room for more fetchers than threads").isNotNull();
    assertThat(builder().concurrency(2).prefetch(1).fetchParallelism(3).build()).isNotNull();
    refused(() -> builder().concurrency(2).prefetch(1).fetchParallelism(4).build(), "concurrency + prefetch");
    refused(() -> builder().leaseSafetyMargin(Duration.ZERO), "leaseSafetyMargin");
    refused(() -> builder().leaseDuration(Duration.ofSeconds(30)).heartbeatInterval(Duration.ofSeconds(20))
        .leaseSafetyMargin(Duration.ofSeconds(10)).build(), "leaseSafetyMargin");
    assertThat(builder().leaseDuration(Duration.ofSeconds(30)).heartbeatInterval(Duration.ofSeconds(20))
        .leaseSafetyMargin(Duration.ofSeconds(9)).build()).isNotNull();
    assertThat(builder().leaseDuration(Duration.ofSeconds(30)).heartbeatInterval(Duration.ofSeconds(29)).build())
        .as("the default margin shrinks to fit a long heartbeat interval").isNotNull();
    assertThatThrownBy(() -> builder().listener(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("listener");
    refused(() -> builder().prefetch(-1), "prefetch");
    refused(() -> builder().prefetch(10_001), "prefetch");
    refused(() -> builder().queues(), "queues");
    refused(() -> builder().queues("ok", "not ok"), "queue");
    refused(() -> builder().queues("a", "a"), "twice");
    refused(() -> builder().handle(" ", Payload.class, job -> { }), "type");
    assertThatThrownBy(() -> builder().backoff(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("backoff");
    assertThatThrownBy(() -> builder().handle("u", null, job -> { })).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("payloadType");
    refused(() -> TaskHarbor.builder().jobType(" ", JobTypeOptions.defaults()), "type");
  }

  @Test
  @DisplayName("a heartbeat interval not shorter than the lease is refused")
  void heartbeatVersusLease() {
    assertThatThrownBy(() -> builder().leaseDuration(Duration.ofSeconds(5)).heartbeatInterval(Duration.ofSeconds(5))
        .build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heartbeatInterval");
  }

  @Test
  @DisplayName("a built worker starts once, stops idempotently, and cannot start again")
  void lifecycle() {
    Worker worker = builder().pollInterval(Duration.ofMillis(5)).build();
    assertThat(worker.isRunning()).isFalse();
    worker.start();
    assertThat(worker.isRunning()).isTrue();
    assertThatThrownBy(worker::start).isInstanceOf(IllegalStateException.class);
    worker.stop();
    worker.stop();
    assertThat(worker.isRunning()).isFalse();
    assertThat(worker.metrics().reserveErrors()).isZero();
  }

  @Test
  @DisplayName("Snooze and PermanentFailure validate what they are given")
  void controlFlowExceptions() {
    assertThatThrownBy(() -> new Snooze(Duration.ZERO)).hasMessageContaining("delay");
    assertThatThrownBy(() -> new PermanentFailure(" ")).hasMessageContaining("reason");
    assertThat(new Snooze(Duration.ofSeconds(3)).delay()).isEqualTo(Duration.ofSeconds(3));
  }
}
