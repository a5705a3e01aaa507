package io.taskharbor.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Limits;
import io.taskharbor.api.QueueStats;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The SPI's values can grow without breaking drivers: everything a driver builds, it builds here through builders and
 * factories only, never a canonical constructor. A field added in a later version gets a default in the builder, so
 * this class (a stand-in for a third-party driver) keeps compiling. Extensions are found, not assumed.
 */
class GrowableValuesTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  @DisplayName("a driver builds records, leased jobs, new jobs and stats through builders only")
  void driverStyleConstruction() {
    JobId id = JobId.newId();
    NewJob job = NewJob.builder(id, "mail", "email.send", "{\"to\":\"a\"}").priority(3).runAt(T0)
        .idempotencyKey("k").maxAttempts(4).timeout(Duration.ofSeconds(9)).build();
    JobRecord stored = job.toRecord(T0);
    assertThat(stored.status()).isEqualTo(JobStatus.READY);
    assertThat(stored.createdAt()).isEqualTo(T0);
    assertThat(stored.updatedAt()).isEqualTo(T0);
    assertThat(stored.attempts()).isZero();
    assertThat(stored.priority()).isEqualTo(3);
    assertThat(stored.runAt()).isEqualTo(T0);
    assertThat(stored.idempotencyKey()).isEqualTo("k");
    assertThat(stored.maxAttempts()).isEqualTo(4);
    assertThat(stored.timeout()).isEqualTo(Duration.ofSeconds(9));

    LeaseToken token = LeaseToken.random();
    JobRecord leased = stored.toBuilder().status(JobStatus.INFLIGHT).leaseToken(token)
        .leaseExpiresAt(T0.plusSeconds(30)).attempts(1).updatedAt(T0.plusSeconds(1)).build();
    LeasedJob handedOut = new LeasedJob(leased);
    assertThat(handedOut.token()).isEqualTo(token);
    assertThat(leased.createdAt()).isEqualTo(T0);
    assertThat(leased).isNotEqualTo(stored);
    assertThat(leased.toBuilder().build()).isEqualTo(leased);

    JobRecord bare = JobRecord.builder(id, "q", "t", "{}", T0).build();
    assertThat(bare.maxAttempts()).isEqualTo(Limits.DEFAULT_MAX_ATTEMPTS);
    assertThat(bare.status()).isEqualTo(JobStatus.READY);
    assertThat(NewJob.of(id, "q", "t", "{}")).isEqualTo(NewJob.builder(id, "q", "t", "{}").build());

    QueueStats stats = QueueStats.builder("mail").ready(1).scheduled(2).inflight(3).done(4).dlq(5).canceled(6).build();
    assertThat(stats.total()).isEqualTo(21);
    assertThat(QueueStats.empty("mail").total()).isZero();
  }

  @Test
  @DisplayName("a driver of the first SPI version that declares the capability is offered as the extension")
  @SuppressWarnings("deprecation")
  void capabilityBridge() {
    Driver.Subscription handle = () -> { };
    Driver old = new StubDriver() {
      @Override
      public Set<Capability> capabilities() {
        return Set.of(Capability.WAKE_UP_NOTIFICATIONS);
      }

      @Override
      public Subscription subscribe(Consumer<String> listener) {
        return handle;
      }
    };
    assertThat(old.extension(WakeUpNotifications.class)).hasValueSatisfying(n ->
        assertThat(n.subscribe(queue -> { })).isSameAs(handle));
    assertThat(new StubDriver().extension(WakeUpNotifications.class)).isEmpty();
    assertThat(new StubDriver().extension(String.class)).isEmpty();

    WakeUpNotifications offered = listener -> handle;
    Driver current = new StubDriver() {
      @Override
      public <T> Optional<T> extension(Class<T> type) {
        return type == WakeUpNotifications.class ? Optional.of(type.cast(offered)) : Optional.empty();
      }
    };
    assertThat(current.subscribe(queue -> { })).as("the deprecated call reaches the extension").isSameAs(handle);
  }

  /** A driver with every data call unimplemented, for the extension tests. */
  private static class StubDriver implements Driver {
    @Override
    public String name() {
      return "stub";
    }

    @Override
    public java.util.List<io.taskharbor.api.EnqueueResult> enqueue(java.util.List<NewJob> jobs, Instant now) {
      throw new UnsupportedOperationException();
    }

    @Override
    public java.util.List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant extendLease(JobId id, LeaseToken token, Instant now, Duration lease) {
      throw new UnsupportedOperationException();
    }

    @Override
    public java.util.List<Outcome> complete(java.util.List<Completion> completions, Instant now) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<JobRecord> get(JobId id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<JobRecord> findByIdempotencyKey(String queue, String key) {
      throw new UnsupportedOperationException();
    }

    @Override
    public io.taskharbor.api.Page<JobRecord> list(io.taskharbor.api.JobQuery query) {
      throw new UnsupportedOperationException();
    }

    @Override
    public QueueStats stats(String queue, Instant now) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void requeue(JobId id, boolean resetAttempts, Instant now) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void cancel(JobId id, Instant now) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void delete(JobId id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long purge(Set<JobStatus> statuses, Instant finishedBefore) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }
}
