package io.taskharbor.api.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The field checks behind every value type of the API and the SPI, written once. Not API: application code uses the
 * value types (which call these), driver authors use {@code io.taskharbor.spi.support.Validation} (which delegates
 * here). Each method throws {@link IllegalArgumentException} whose message names the field, the value's problem and
 * the fix, and otherwise returns the (normalised) value. Depends on the JDK only, so that every package of the API
 * module may use it without a cycle; the limits themselves are defined here and published by {@code
 * io.taskharbor.api.Limits}.
 */
public final class Checks {

  /** The longest job type, in characters. */
  public static final int MAX_TYPE_LENGTH = 255;

  /** The longest idempotency key, in characters. */
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

  /** The longest queue name, in characters. */
  public static final int MAX_QUEUE_LENGTH = 128;

  /** The earliest instant a job may be scheduled at or a driver may be told is now. */
  public static final Instant MIN_INSTANT = Instant.parse("1970-01-01T00:00:00Z");

  /** The latest instant a job may be scheduled at or a driver may be told is now. */
  public static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999Z");

  private Checks() {}

  /** Checks a queue name: 1 to 128 of {@code A-Z a-z 0-9 _ . : -} (by hand: it runs for every job enqueued). */
  public static String queue(String queue) {
    Objects.requireNonNull(queue, "queue must not be null");
    if (!isQueueName(queue)) {
      throw new IllegalArgumentException(
          "queue '" + printable(queue) + "' is not a valid queue name: use 1 to 128 characters from "
              + "A-Z a-z 0-9 _ . : -");
    }
    return queue;
  }

  private static boolean isQueueName(String queue) {
    int n = queue.length();
    if (n < 1 || n > MAX_QUEUE_LENGTH) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = queue.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
          || c == ':' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Checks a job type: non-blank, at most {@value #MAX_TYPE_LENGTH} characters, valid text. */
  public static String type(String type) {
    Objects.requireNonNull(type, "type must not be null");
    if (type.isBlank()) {
      throw new IllegalArgumentException("type must not be blank: name the job type, such as 'send-email'");
    }
    if (type.length() > MAX_TYPE_LENGTH) {
      throw new IllegalArgumentException(
          "type is " + type.length() + " characters long: use at most " + MAX_TYPE_LENGTH);
    }
    return text(type, "type");
  }

  /** Checks an idempotency key: non-blank, at most {@value #MAX_IDEMPOTENCY_KEY_LENGTH} characters. */
  public static String idempotencyKey(String key) {
    Objects.requireNonNull(key, "idempotencyKey must not be null");
    if (key.isBlank()) {
      throw new IllegalArgumentException("idempotencyKey must not be blank: omit it to enqueue without one");
    }
    if (key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "idempotencyKey is " + key.length() + " characters long: use at most "
              + MAX_IDEMPOTENCY_KEY_LENGTH + " (hash a longer natural key)");
    }
    return text(key, "idempotencyKey");
  }

  /** Checks max attempts: at least 1. */
  public static int maxAttempts(int maxAttempts) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException(
          "maxAttempts must be at least 1 but was " + maxAttempts + ": it counts deliveries, including the first");
    }
    return maxAttempts;
  }

  /** Checks that a duration is positive at microsecond precision and returns it truncated to microseconds. */
  public static Duration positive(Duration duration, String field) {
    Objects.requireNonNull(duration, () -> field + " must not be null");
    Duration truncated = duration.truncatedTo(ChronoUnit.MICROS);
    if (truncated.isNegative() || truncated.isZero()) {
      throw new IllegalArgumentException(
          field + " must be positive (at least 1 microsecond) but was " + duration + ": pass e.g. Duration.ofSeconds(30)");
    }
    if (duration.compareTo(Duration.ofDays(365 * 100L)) > 0) {
      throw new IllegalArgumentException(field + " of " + duration + " is too long: use at most 100 years");
    }
    return truncated;
  }

  /**
   * Checks that an instant lies within {@link #MIN_INSTANT}..{@link #MAX_INSTANT} and returns it
   * truncated to microseconds.
   */
  public static Instant instant(Instant instant, String field) {
    Objects.requireNonNull(instant, () -> field + " must not be null");
    if (instant.isBefore(MIN_INSTANT) || instant.isAfter(MAX_INSTANT)) {
      throw new IllegalArgumentException(
          field + " " + instant + " is outside the supported range " + MIN_INSTANT + " to "
              + MAX_INSTANT);
    }
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * Checks that a string can be stored as text by every driver: no NUL character and no unpaired UTF-16 surrogate
   * (which has no UTF-8 encoding).
   */
  public static String text(String value, String field) {
    Objects.requireNonNull(value, () -> field + " must not be null");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0) {
        throw new IllegalArgumentException(
            field + " contains a NUL character at index " + i + ": remove it, text cannot hold U+0000");
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
          continue;
        }
        throw new IllegalArgumentException(
            field + " contains an unpaired surrogate at index " + i + ": it is not valid UTF-16 and has no UTF-8 form");
      }
      if (Character.isLowSurrogate(c)) {
        throw new IllegalArgumentException(
            field + " contains an unpaired surrogate at index " + i + ": it is not valid UTF-16 and has no UTF-8 form");
      }
    }
    return value;
  }

  /** Returns {@code value} shortened and with control characters escaped, for use in an error message. */
  public static String printable(String value) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < value.length() && b.length() < 60; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return value.length() > 60 ? b + "…" : b.toString();
  }
}
