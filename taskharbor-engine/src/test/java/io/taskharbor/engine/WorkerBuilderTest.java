package io.taskharbor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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

  @Test
  @DisplayName("non-positive durations, bad concurrency and bad queues name the setting")
  void badSettings() {
    assertThatThrownBy(() -> builder().leaseDuration(Duration.ZERO)).hasMessageContaining("leaseDuration");
    assertThatThrownBy(() -> builder().leaseDuration(Duration.ofSeconds(-1))).hasMessageContaining("leaseDuration");
    assertThatThrownBy(() -> builder().heartbeatInterval(Duration.ZERO)).hasMessageContaining("heartbeatInterval");
    assertThatThrownBy(() -> builder().pollInterval(Duration.ZERO)).hasMessageContaining("pollInterval");
    assertThatThrownBy(() -> builder().shutdownTimeout(Duration.ZERO)).hasMessageContaining("shutdownTimeout");
    assertThatThrownBy(() -> builder().concurrency(0)).hasMessageContaining("concurrency");
    assertThatThrownBy(() -> builder().completionBatchSize(0)).hasMessageContaining("completionBatchSize");
    assertThatThrownBy(() -> builder().queues()).hasMessageContaining("queues");
    assertThatThrownBy(() -> builder().queues("ok", "not ok")).hasMessageContaining("queue");
    assertThatThrownBy(() -> builder().queues("a", "a")).hasMessageContaining("twice");
    assertThatThrownBy(() -> builder().handle(" ", Payload.class, job -> { })).hasMessageContaining("type");
    assertThatThrownBy(() -> builder().backoff(null)).hasMessageContaining("backoff");
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
