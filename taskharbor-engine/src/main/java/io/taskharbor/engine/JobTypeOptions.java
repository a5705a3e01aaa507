package io.taskharbor.engine;

import io.taskharbor.api.Limits;
import io.taskharbor.spi.support.Validation;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Defaults for every job of one type, registered with {@link TaskHarbor.Builder#jobType}: they apply when a {@link
 * io.taskharbor.api.JobRequest} leaves the field unset. Immutable.
 */
public final class JobTypeOptions {
  private static final JobTypeOptions DEFAULTS = new JobTypeOptions(null, null);

  private final @Nullable Integer maxAttempts;
  private final @Nullable Duration timeout;

  private JobTypeOptions(@Nullable Integer maxAttempts, @Nullable Duration timeout) {
    this.maxAttempts = maxAttempts;
    this.timeout = timeout;
  }

  /** Returns options that set nothing: max attempts {@value Limits#DEFAULT_MAX_ATTEMPTS}, no timeout. */
  public static JobTypeOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a copy with this default for max attempts.
   *
   * @throws IllegalArgumentException if {@code maxAttempts} is below 1
   */
  public JobTypeOptions withMaxAttempts(int maxAttempts) {
    return new JobTypeOptions(Validation.maxAttempts(maxAttempts), timeout);
  }

  /**
   * Returns a copy with this default timeout for one execution.
   *
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  public JobTypeOptions withTimeout(Duration timeout) {
    return new JobTypeOptions(maxAttempts, Validation.positive(timeout, "timeout"));
  }

  /** Returns the default max attempts, if set. */
  public Optional<Integer> maxAttempts() {
    return Optional.ofNullable(maxAttempts);
  }

  /** Returns the default timeout, if set. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  @Override
  public String toString() {
    return "JobTypeOptions[maxAttempts=" + maxAttempts + ", timeout=" + timeout + "]";
  }
}
