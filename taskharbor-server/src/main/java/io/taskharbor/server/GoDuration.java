package io.taskharbor.server;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;

/**
 * Durations as Go's {@code time.ParseDuration} reads them and {@code time.Duration.String} writes them: a sequence
 * of decimal numbers, each with a unit ({@code ns}, {@code us}/{@code µs}, {@code ms}, {@code s}, {@code m},
 * {@code h}), such as {@code 500ms}, {@code 10s}, {@code 1m30s}, {@code 1.5h}; {@code 0} alone is zero. Unlike Go, no
 * sign: every duration the service reads is a length of time, and a negative one is out of range.
 */
final class GoDuration {

  /** The form, for messages. */
  static final String FORM = "a Go duration such as 500ms, 10s, 1m30s or 1h";

  private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
      "ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L, "ms", 1_000_000L,
      "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

  private GoDuration() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException if the text is not of the form; the message says what is wrong
   */
  static Duration parse(String text) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty");
    }
    BigDecimal nanos = BigDecimal.ZERO;
    int i = 0;
    while (i < text.length()) {
      int start = i;
      while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
        i++;
      }
      String number = text.substring(start, i);
      if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')
          || !number.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
        throw new IllegalArgumentException("expected a number at position " + start);
      }
      int unitStart = i;
      while (i < text.length() && !Character.isDigit(text.charAt(i)) && text.charAt(i) != '.') {
        i++;
      }
      String unit = text.substring(unitStart, i);
      Long factor = NANOS_PER_UNIT.get(unit);
      if (factor == null) {
        throw new IllegalArgumentException(unit.isEmpty() ? "missing unit after " + number : "unknown unit " + unit);
      }
      nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(factor)));
    }
    if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("too long");
    }
    return Duration.ofNanos(nanos.setScale(0, RoundingMode.DOWN).longValueExact());
  }

  /** Writes a duration as Go does, such as {@code 1m30s} or {@code 500ms}; {@code 0s} for zero. */
  static String format(Duration duration) {
    long nanos = duration.toNanos();
    if (nanos == 0) {
      return "0s";
    }
    if (nanos < 1_000_000_000L) {
      for (String unit : new String[] {"ms", "us", "ns"}) {
        long factor = NANOS_PER_UNIT.get(unit);
        if (nanos >= factor) {
          return BigDecimal.valueOf(nanos).divide(BigDecimal.valueOf(factor)).stripTrailingZeros().toPlainString()
              + (unit.equals("us") ? "µs" : unit);
        }
      }
    }
    StringBuilder out = new StringBuilder();
    long hours = nanos / 3_600_000_000_000L;
    long minutes = nanos / 60_000_000_000L % 60;
    BigDecimal seconds = BigDecimal.valueOf(nanos % 60_000_000_000L, 9).stripTrailingZeros();
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      out.append(minutes).append('m');
    }
    return out.append(seconds.toPlainString()).append('s').toString();
  }
}
