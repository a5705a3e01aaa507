package io.taskharbor.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobNotFoundException;
import io.taskharbor.api.JobNotInflightException;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseExpiredException;
import io.taskharbor.api.LeaseMismatchException;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.spi.Completion;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The shared rules, on their own: the order of lease validation, terminal no-ops, operations and purge statuses. */
class DriverRulesTest {
  private static final JobId ID = JobId.newId();
  private static final LeaseToken HELD = LeaseToken.random();
  private static final LeaseToken OTHER = LeaseToken.random();
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  @DisplayName("lease validation refuses in order: not found, not inflight, expired (over a wrong token), mismatch")
  void leaseRefusalOrder() {
    assertThat(DriverRules.leaseRefusal(ID, null, null, null, HELD, NOW, "ack"))
        .isExactlyInstanceOf(JobNotFoundException.class);
    assertThat(DriverRules.leaseRefusal(ID, JobStatus.DONE, null, null, HELD, NOW, "retry"))
        .isInstanceOfSatisfying(JobNotInflightException.class, e -> {
          assertThat(e.status()).isEqualTo(JobStatus.DONE);
          assertThat(e.operation()).isEqualTo("retry");
        });
    assertThat(DriverRules.leaseRefusal(ID, JobStatus.INFLIGHT, NOW, HELD, OTHER, NOW, "ack"))
        .as("expired exactly at now, and a wrong token: expiry wins")
        .isInstanceOfSatisfying(LeaseExpiredException.class, e -> {
          assertThat(e.expiredAt()).isEqualTo(NOW);
          assertThat(e.now()).isEqualTo(NOW);
        });
    assertThat(DriverRules.leaseRefusal(ID, JobStatus.INFLIGHT, NOW.plusNanos(1000), HELD, OTHER, NOW, "ack"))
        .isExactlyInstanceOf(LeaseMismatchException.class);
    assertThat(DriverRules.leaseRefusal(ID, JobStatus.INFLIGHT, NOW.plusNanos(1000), HELD, HELD, NOW, "ack"))
        .isNull();
  }

  @Test
  @DisplayName("ack of DONE and fail of DONE or DLQ are the only terminal no-ops")
  void terminalNoOps() {
    Completion ack = new Completion.Ack(ID, HELD, null);
    Completion fail = new Completion.Fail(ID, HELD, "reason", null);
    Completion retry = new Completion.Retry(ID, HELD, null, null);
    Completion release = new Completion.Release(ID, HELD, null);
    for (JobStatus status : JobStatus.values()) {
      assertThat(DriverRules.isTerminalNoOp(ack, status)).as("ack of %s", status).isEqualTo(status == JobStatus.DONE);
      assertThat(DriverRules.isTerminalNoOp(fail, status)).as("fail of %s", status)
          .isEqualTo(status == JobStatus.DONE || status == JobStatus.DLQ);
      assertThat(DriverRules.isTerminalNoOp(retry, status)).isFalse();
      assertThat(DriverRules.isTerminalNoOp(release, status)).isFalse();
    }
    assertThat(DriverRules.operation(ack)).isEqualTo("ack");
    assertThat(DriverRules.operation(fail)).isEqualTo("fail");
    assertThat(DriverRules.operation(retry)).isEqualTo("retry");
    assertThat(DriverRules.operation(release)).isEqualTo("release");
  }

  @Test
  @DisplayName("purge takes a non-empty set of finished statuses and nothing else")
  void purgeStatuses() {
    assertThat(Validation.purgeStatuses(EnumSet.of(JobStatus.DONE, JobStatus.DLQ)))
        .containsExactlyInAnyOrder(JobStatus.DONE, JobStatus.DLQ);
    assertThatThrownBy(() -> Validation.purgeStatuses(Set.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("statuses");
    for (JobStatus live : EnumSet.of(JobStatus.READY, JobStatus.INFLIGHT)) {
      assertThatThrownBy(() -> Validation.purgeStatuses(Set.of(JobStatus.DONE, live)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("statuses").hasMessageContaining(live.name());
    }
    assertThat(DriverRules.PURGEABLE).containsExactlyInAnyOrder(JobStatus.DONE, JobStatus.DLQ, JobStatus.CANCELED);
  }

  @Test
  @DisplayName("the payload limit counts UTF-8 bytes: the limit is accepted, one byte more is refused naming the option")
  void payloadSize() {
    int limit = 64;
    String ascii = "\"" + "a".repeat(limit - 2) + "\"";
    assertThat(Validation.payloadSize(ascii, limit, "payload", ID)).isSameAs(ascii);
    String over = "\"" + "a".repeat(limit - 1) + "\"";
    assertThatThrownBy(() -> Validation.payloadSize(over, limit, "payload", ID))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload")
        .hasMessageContaining(DriverRules.MAX_PAYLOAD_BYTES_OPTION).hasMessageContaining(ID.toString());
    String twoByte = "\"" + "é".repeat(31) + "\""; // 2 + 62 bytes
    assertThat(Validation.utf8Length(twoByte)).isEqualTo(64);
    assertThat(Validation.payloadSize(twoByte, limit, "result", ID)).isSameAs(twoByte);
    assertThat(Validation.utf8Length("\uD83D\uDE00")).as("a surrogate pair is one 4-byte character").isEqualTo(4);
    assertThat(Validation.utf8Length("€")).isEqualTo(3);
  }

  @Test
  @DisplayName("the scalar checks name the SPI parameter")
  void scalarChecks() {
    assertThatThrownBy(() -> Validation.max(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max");
    assertThatThrownBy(() -> Validation.lease(java.time.Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lease");
    assertThatThrownBy(() -> Validation.now(Instant.parse("1969-12-31T23:59:59Z")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("now");
    assertThatThrownBy(() -> Validation.json("{", "payload")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("payload");
    assertThat(Validation.now(Instant.parse("2030-01-01T00:00:00.123456789Z")))
        .isEqualTo(Instant.parse("2030-01-01T00:00:00.123456Z"));
  }
}
