package io.taskharbor.api;

import io.taskharbor.api.internal.Checks;
import java.time.Instant;
import java.util.regex.Pattern;

/** The limits that every driver and the engine enforce identically. */
public final class Limits {

  /** Queue names match this pattern: 1 to 128 of {@code A-Z a-z 0-9 _ . : -}. */
  public static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  /** The longest job type, in characters. */
  public static final int MAX_TYPE_LENGTH = Checks.MAX_TYPE_LENGTH;

  /** The longest idempotency key, in characters. */
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = Checks.MAX_IDEMPOTENCY_KEY_LENGTH;

  /** The earliest instant a job may be scheduled at or a driver may be told is now. */
  public static final Instant MIN_INSTANT = Checks.MIN_INSTANT;

  /** The latest instant a job may be scheduled at or a driver may be told is now. */
  public static final Instant MAX_INSTANT = Checks.MAX_INSTANT;

  /** The most jobs one list page may hold. */
  public static final int MAX_PAGE_SIZE = 1000;

  /** The default number of deliveries a job gets when neither the job nor its type says otherwise. */
  public static final int DEFAULT_MAX_ATTEMPTS = 25;

  /** The name of the queue a job goes to when its request names none. */
  public static final String DEFAULT_QUEUE = "default";

  private Limits() {}
}
