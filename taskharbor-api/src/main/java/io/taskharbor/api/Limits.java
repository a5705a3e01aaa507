package io.taskharbor.api;

import java.time.Instant;
import java.util.regex.Pattern;

/** The limits that every driver and the engine enforce identically. */
public final class Limits {

  /** Queue names match this pattern: 1 to 128 of {@code A-Z a-z 0-9 _ . : -}. */
  public static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  /** The longest job type, in characters. */
  public static final int MAX_TYPE_LENGTH = 255;

  /** The longest idempotency key, in characters. */
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

  /** The earliest instant a job may be scheduled at or a driver may be told is now. */
  public static final Instant MIN_INSTANT = Instant.parse("1970-01-01T00:00:00Z");

  /** The latest instant a job may be scheduled at or a driver may be told is now. */
  public static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999Z");

  /** The most jobs one list page may hold. */
  public static final int MAX_PAGE_SIZE = 1000;

  /** The default number of deliveries a job gets when neither the job nor its type says otherwise. */
  public static final int DEFAULT_MAX_ATTEMPTS = 25;

  /** The name of the queue a job goes to when its request names none. */
  public static final String DEFAULT_QUEUE = "default";

  private Limits() {}
}
