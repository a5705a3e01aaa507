package io.taskharbor.spi.support;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.internal.Checks;
import io.taskharbor.api.internal.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The argument checks every driver applies, so that a bad value is refused the same way by every driver and before
 * any storage is touched. Each method throws {@link IllegalArgumentException} (or {@link NullPointerException} for a
 * null) whose message names the SPI parameter, the value's problem and the fix, and otherwise returns the
 * (normalised) value. The SPI's value types ({@link io.taskharbor.spi.NewJob}, {@link io.taskharbor.spi.Completion})
 * already apply the field checks when they are built; a driver checks its scalar arguments with these. Stateless and
 * thread-safe.
 */
public final class Validation {

  /** The deepest nesting of arrays and objects a JSON document may have. */
  public static final int MAX_JSON_DEPTH = Json.MAX_DEPTH;

  private Validation() {}

  /** Checks a queue name against {@link io.taskharbor.api.Limits#QUEUE_NAME}; the field is {@code queue}. */
  public static String queue(String queue) {
    return Checks.queue(queue);
  }

  /** Checks a job type: non-blank, at most {@value io.taskharbor.api.Limits#MAX_TYPE_LENGTH} characters. */
  public static String type(String type) {
    return Checks.type(type);
  }

  /** Checks an idempotency key: non-blank, at most {@value io.taskharbor.api.Limits#MAX_IDEMPOTENCY_KEY_LENGTH}. */
  public static String idempotencyKey(String key) {
    return Checks.idempotencyKey(key);
  }

  /** Checks max attempts: at least 1. */
  public static int maxAttempts(int maxAttempts) {
    return Checks.maxAttempts(maxAttempts);
  }

  /** Checks that a duration is positive at microsecond precision and returns it truncated to microseconds. */
  public static Duration positive(Duration duration, String field) {
    return Checks.positive(duration, field);
  }

  /**
   * Checks that an instant lies within {@link io.taskharbor.api.Limits#MIN_INSTANT} .. {@link
   * io.taskharbor.api.Limits#MAX_INSTANT} and returns it truncated to microseconds.
   */
  public static Instant instant(Instant instant, String field) {
    return Checks.instant(instant, field);
  }

  /** Checks the {@code now} argument of a driver call; see {@link #instant}. */
  public static Instant now(Instant now) {
    return Checks.instant(now, "now");
  }

  /** Checks the {@code lease} argument of reserve and extendLease; see {@link #positive}. */
  public static Duration lease(Duration lease) {
    return Checks.positive(lease, "lease");
  }

  /** Checks the {@code max} argument of reserve: at least 1. */
  public static int max(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1 but was " + max);
    }
    return max;
  }

  /** Checks that text can be stored by every driver: no NUL character, no unpaired UTF-16 surrogate. */
  public static String text(String value, String field) {
    return Checks.text(value, field);
  }

  /**
   * Checks that {@code text} is one JSON document that every driver can store (RFC 8259, plus the limits of
   * PostgreSQL's {@code jsonb}: no {@code \u0000}, no unpaired surrogates, bounded exponents and nesting).
   *
   * @return {@code text}
   */
  public static String json(String text, String field) {
    return Json.validate(text, field);
  }

  /**
   * Checks the {@code statuses} argument of purge: a non-empty set of finished statuses ({@link
   * DriverRules#PURGEABLE}).
   *
   * @return an immutable copy
   */
  public static Set<JobStatus> purgeStatuses(Set<JobStatus> statuses) {
    Objects.requireNonNull(statuses, "statuses must not be null");
    if (statuses.isEmpty()) {
      throw new IllegalArgumentException("statuses must name at least one of DONE, DLQ and CANCELED");
    }
    for (JobStatus s : statuses) {
      if (!DriverRules.PURGEABLE.contains(Objects.requireNonNull(s, "statuses must not contain null"))) {
        throw new IllegalArgumentException(
            "statuses may only name DONE, DLQ and CANCELED but named " + s + ": only finished jobs are purged");
      }
    }
    return Set.copyOf(EnumSet.copyOf(statuses));
  }

  /**
   * Checks that a payload or result of job {@code id} holds at most {@code maxBytes} bytes of UTF-8. The option that
   * sets the limit is named {@value DriverRules#MAX_PAYLOAD_BYTES_OPTION} in every shipped driver.
   *
   * @param field {@code payload} or {@code result}
   * @return {@code json}
   */
  public static String payloadSize(String json, int maxBytes, String field, JobId id) {
    // UTF-8 is at most 3 bytes per UTF-16 unit: only long texts need counting.
    if ((long) json.length() * 3 <= maxBytes) {
      return json;
    }
    long bytes = utf8Length(json);
    if (bytes > maxBytes) {
      throw new IllegalArgumentException(field + " of job " + id + " is " + bytes + " bytes of UTF-8, over the "
          + "limit " + DriverRules.MAX_PAYLOAD_BYTES_OPTION + "=" + maxBytes + ": store large data elsewhere and pass "
          + "a reference, or raise the option " + DriverRules.MAX_PAYLOAD_BYTES_OPTION);
    }
    return json;
  }

  /** Returns the length of {@code s} in UTF-8 bytes, without encoding it. */
  public static long utf8Length(String s) {
    long bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
