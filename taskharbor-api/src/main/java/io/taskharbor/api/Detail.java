package io.taskharbor.api;

import io.taskharbor.api.internal.Checks;
import java.time.Instant;
import java.util.Objects;

/**
 * One line of a job's details log: what a handler wrote with {@code JobContext.log(...)}, with the instant it wrote
 * it. Kept with the job, across attempts, within {@link #MAX_LINES} lines and {@link #MAX_BYTES} bytes (the oldest
 * dropped first, with a marker line that says how many).
 *
 * @param at when the line was written (microsecond precision)
 * @param text the line, at most {@link #MAX_LINE_LENGTH} characters
 */
public record Detail(Instant at, String text) {

  /** The most lines a job keeps. */
  public static final int MAX_LINES = 200;

  /** The most bytes of UTF-8 a job's lines hold together. */
  public static final int MAX_BYTES = 32 * 1024;

  /** The longest line, in characters; a longer one is cut, ending with an ellipsis. */
  public static final int MAX_LINE_LENGTH = 1000;

  public Detail {
    at = Checks.instant(Objects.requireNonNull(at, "at must not be null"), "at");
    Checks.text(Objects.requireNonNull(text, "text must not be null"), "text");
    if (text.length() > MAX_LINE_LENGTH) {
      throw new IllegalArgumentException("a detail line is " + text.length() + " characters long: use at most "
          + MAX_LINE_LENGTH);
    }
  }
}
