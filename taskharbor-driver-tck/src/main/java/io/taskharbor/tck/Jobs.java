package io.taskharbor.tck;

import io.taskharbor.api.JobId;
import io.taskharbor.api.Limits;
import io.taskharbor.spi.NewJob;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Factories for the {@link NewJob}s the contract tests enqueue.
 *
 * <p>Ids are deterministic in order: every id this class draws ({@link #nextId()}, and the default of {@link
 * #builder(String)}) sorts after every id it drew before, as {@link JobId#compareTo} orders them. A test that enqueues
 * several jobs in one batch (so with one created_at) therefore knows their reserve and list order without naming ids.
 * Tests that need a particular order name ids with {@link #id(long)} or a chosen {@link UUID}. Thread-safe.
 */
public final class Jobs {

  /** The job type every factory uses unless told otherwise. */
  public static final String TYPE = "tck.job";

  /** The payload every factory uses unless told otherwise. */
  public static final String PAYLOAD = "{\"n\":1}";

  /** The most-significant half of every id this class makes; the least-significant half counts. */
  private static final long MSB = 0x7c6b_0000_0000_7000L;

  private static final AtomicLong SEQUENCE = new AtomicLong(1L << 40);

  private Jobs() {}

  /**
   * Returns the id numbered {@code n}: ids order by {@code n} (signed or unsigned alike, as the top bit of the low half
   * is always set).
   *
   * @param n from 0 to 2<sup>40</sup> - 1; larger numbers are reserved for {@link #nextId()}
   */
  public static JobId id(long n) {
    if (n < 0 || n >= 1L << 40) {
      throw new IllegalArgumentException("n must be between 0 and 2^40 - 1 but was " + n);
    }
    return new JobId(new UUID(MSB, 0x8000_0000_0000_0000L | n));
  }

  /** Returns a fresh id that sorts after every id drawn before it, and after every {@link #id(long)}. */
  public static JobId nextId() {
    return new JobId(new UUID(MSB, 0x8000_0000_0000_0000L | SEQUENCE.incrementAndGet()));
  }

  /** Returns a job for {@code queue} with a fresh id and the defaults of {@link #builder(String)}. */
  public static NewJob job(String queue) {
    return builder(queue).build();
  }

  /** Returns a job for {@code queue} with this id and the defaults of {@link #builder(String)}. */
  public static NewJob job(String queue, JobId id) {
    return builder(queue).id(id).build();
  }

  /**
   * Starts a job for {@code queue}: a fresh id, type {@value #TYPE}, payload {@value #PAYLOAD}, and {@link
   * NewJob.Builder}'s defaults for the rest (priority 0, no run time, no idempotency key, {@value
   * Limits#DEFAULT_MAX_ATTEMPTS} attempts, no timeout).
   */
  public static Builder builder(String queue) {
    return new Builder(queue);
  }

  /**
   * A mutable builder of one {@link NewJob}: {@link NewJob.Builder} with the TCK's defaults for the fields that one
   * requires (a fresh id, type {@value #TYPE}, payload {@value #PAYLOAD}), which may be changed too. The options and
   * their defaults are {@link NewJob.Builder}'s own. Not thread-safe.
   */
  public static final class Builder {
    private JobId id = nextId();
    private final String queue;
    private String type = TYPE;
    private String payload = PAYLOAD;
    private UnaryOperator<NewJob.Builder> options = UnaryOperator.identity();

    private Builder(String queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
    }

    public Builder id(JobId id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    public Builder type(String type) {
      this.type = type;
      return this;
    }

    public Builder payload(String payload) {
      this.payload = payload;
      return this;
    }

    /** See {@link NewJob.Builder#priority}. */
    public Builder priority(int priority) {
      return option(b -> b.priority(priority));
    }

    /** See {@link NewJob.Builder#runAt}. */
    public Builder runAt(@Nullable Instant runAt) {
      return option(b -> b.runAt(runAt));
    }

    /** See {@link NewJob.Builder#idempotencyKey}. */
    public Builder idempotencyKey(@Nullable String idempotencyKey) {
      return option(b -> b.idempotencyKey(idempotencyKey));
    }

    /** See {@link NewJob.Builder#maxAttempts}. */
    public Builder maxAttempts(int maxAttempts) {
      return option(b -> b.maxAttempts(maxAttempts));
    }

    /** See {@link NewJob.Builder#timeout}. */
    public Builder timeout(@Nullable Duration timeout) {
      return option(b -> b.timeout(timeout));
    }

    private Builder option(UnaryOperator<NewJob.Builder> option) {
      UnaryOperator<NewJob.Builder> before = options;
      options = b -> option.apply(before.apply(b));
      return this;
    }

    /** Builds the job with {@link NewJob.Builder#build()}, which validates it. */
    public NewJob build() {
      return options.apply(NewJob.builder(id, queue, type, payload)).build();
    }
  }
}
