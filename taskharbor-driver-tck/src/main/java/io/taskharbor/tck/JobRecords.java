package io.taskharbor.tck;

import io.taskharbor.api.Detail;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.jspecify.annotations.Nullable;

/**
 * Whole-record expectations: copy a record, change the fields an operation is meant to change, and compare every
 * field of the result with what the driver stored. Payload and result compare as JSON values ({@link JsonAssert});
 * every other field with {@code equals}. A failure lists every differing field at once.
 */
public final class JobRecords {

  private JobRecords() {}

  /** Starts an expected record as a copy of {@code record}. */
  public static Builder copy(JobRecord record) {
    return new Builder(record);
  }

  /** Asserts that {@code actual} equals {@code expected} in every field (payload and result as JSON values). */
  public static void assertJob(JobRecord actual, JobRecord expected) {
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(actual.id()).as("id").isEqualTo(expected.id());
    soft.assertThat(actual.queue()).as("queue of %s", expected.id()).isEqualTo(expected.queue());
    soft.assertThat(actual.type()).as("type of %s", expected.id()).isEqualTo(expected.type());
    soft.assertThat(JsonAssert.jsonEquals(actual.payload(), expected.payload()))
        .as("payload of %s is %s as JSON, expected %s", expected.id(), actual.payload(), expected.payload())
        .isTrue();
    soft.assertThat(actual.priority()).as("priority of %s", expected.id()).isEqualTo(expected.priority());
    soft.assertThat(actual.runAt()).as("runAt of %s", expected.id()).isEqualTo(expected.runAt());
    soft.assertThat(actual.idempotencyKey()).as("idempotencyKey of %s", expected.id())
        .isEqualTo(expected.idempotencyKey());
    soft.assertThat(actual.attempts()).as("attempts of %s", expected.id()).isEqualTo(expected.attempts());
    soft.assertThat(actual.maxAttempts()).as("maxAttempts of %s", expected.id()).isEqualTo(expected.maxAttempts());
    soft.assertThat(actual.timeout()).as("timeout of %s", expected.id()).isEqualTo(expected.timeout());
    soft.assertThat(actual.status()).as("status of %s", expected.id()).isEqualTo(expected.status());
    soft.assertThat(actual.leaseToken()).as("leaseToken of %s", expected.id()).isEqualTo(expected.leaseToken());
    soft.assertThat(actual.leaseExpiresAt()).as("leaseExpiresAt of %s", expected.id())
        .isEqualTo(expected.leaseExpiresAt());
    soft.assertThat(actual.lastError()).as("lastError of %s", expected.id()).isEqualTo(expected.lastError());
    soft.assertThat(JsonAssert.jsonEquals(actual.result(), expected.result()))
        .as("result of %s is %s as JSON, expected %s", expected.id(), actual.result(), expected.result())
        .isTrue();
    soft.assertThat(actual.dlqReason()).as("dlqReason of %s", expected.id()).isEqualTo(expected.dlqReason());
    soft.assertThat(actual.dlqFailedAt()).as("dlqFailedAt of %s", expected.id()).isEqualTo(expected.dlqFailedAt());
    soft.assertThat(actual.createdAt()).as("createdAt of %s", expected.id()).isEqualTo(expected.createdAt());
    soft.assertThat(actual.updatedAt()).as("updatedAt of %s", expected.id()).isEqualTo(expected.updatedAt());
    soft.assertThat(actual.finishedAt()).as("finishedAt of %s", expected.id()).isEqualTo(expected.finishedAt());
    soft.assertThat(actual.leasedBy()).as("leasedBy of %s", expected.id()).isEqualTo(expected.leasedBy());
    soft.assertThat(actual.startedAt()).as("startedAt of %s", expected.id()).isEqualTo(expected.startedAt());
    soft.assertThat(actual.cancelRequestedAt()).as("cancelRequestedAt of %s", expected.id())
        .isEqualTo(expected.cancelRequestedAt());
    soft.assertThat(actual.details()).as("details of %s", expected.id()).isEqualTo(expected.details());
    soft.assertAll();
  }

  /** A mutable copy of a record; not thread-safe. */
  public static final class Builder {
    private final JobId id;
    private final String queue;
    private final String type;
    private final String payload;
    private final int priority;
    private @Nullable Instant runAt;
    private final @Nullable String idempotencyKey;
    private int attempts;
    private final int maxAttempts;
    private final @Nullable Duration timeout;
    private JobStatus status;
    private @Nullable LeaseToken leaseToken;
    private @Nullable Instant leaseExpiresAt;
    private @Nullable String lastError;
    private @Nullable String result;
    private @Nullable String dlqReason;
    private @Nullable Instant dlqFailedAt;
    private final Instant createdAt;
    private Instant updatedAt;
    private @Nullable Instant finishedAt;
    private @Nullable String leasedBy;
    private @Nullable Instant startedAt;
    private @Nullable Instant cancelRequestedAt;
    private List<Detail> details;

    private Builder(JobRecord r) {
      id = r.id();
      queue = r.queue();
      type = r.type();
      payload = r.payload();
      priority = r.priority();
      runAt = r.runAt();
      idempotencyKey = r.idempotencyKey();
      attempts = r.attempts();
      maxAttempts = r.maxAttempts();
      timeout = r.timeout();
      status = r.status();
      leaseToken = r.leaseToken();
      leaseExpiresAt = r.leaseExpiresAt();
      lastError = r.lastError();
      result = r.result();
      dlqReason = r.dlqReason();
      dlqFailedAt = r.dlqFailedAt();
      createdAt = r.createdAt();
      updatedAt = r.updatedAt();
      finishedAt = r.finishedAt();
      leasedBy = r.leasedBy();
      startedAt = r.startedAt();
      cancelRequestedAt = r.cancelRequestedAt();
      details = r.details();
    }

    public Builder cancelRequestedAt(@Nullable Instant value) {
      cancelRequestedAt = value;
      return this;
    }

    public Builder details(List<Detail> value) {
      details = value;
      return this;
    }

    public Builder runAt(@Nullable Instant value) {
      runAt = value;
      return this;
    }

    public Builder attempts(int value) {
      attempts = value;
      return this;
    }

    public Builder status(JobStatus value) {
      status = value;
      return this;
    }

    /** Sets the lease token and expiry together. */
    public Builder lease(@Nullable LeaseToken token, @Nullable Instant expiresAt) {
      leaseToken = token;
      leaseExpiresAt = expiresAt;
      return this;
    }

    /** Clears the lease token and expiry, as every status but INFLIGHT requires. */
    public Builder noLease() {
      return lease(null, null);
    }

    public Builder lastError(@Nullable String value) {
      lastError = value;
      return this;
    }

    public Builder result(@Nullable String value) {
      result = value;
      return this;
    }

    /** Sets the DLQ reason and time together. */
    public Builder dlq(@Nullable String reason, @Nullable Instant failedAt) {
      dlqReason = reason;
      dlqFailedAt = failedAt;
      return this;
    }

    public Builder updatedAt(Instant value) {
      updatedAt = value;
      return this;
    }

    public Builder finishedAt(@Nullable Instant value) {
      finishedAt = value;
      return this;
    }

    /** Sets the latest reservation: the node that made it (or null) and when it began. */
    public Builder reservedBy(@Nullable String holder, @Nullable Instant at) {
      leasedBy = holder;
      startedAt = at;
      return this;
    }

    public JobRecord build() {
      return new JobRecord(id, queue, type, payload, priority, runAt, idempotencyKey, attempts, maxAttempts, timeout,
          status, leaseToken, leaseExpiresAt, lastError, result, dlqReason, dlqFailedAt, createdAt, updatedAt,
          finishedAt, leasedBy, startedAt, cancelRequestedAt, details);
    }
  }
}
