package io.taskharbor.api.internal;

import java.util.Objects;

/**
 * A strict, allocation-free JSON syntax check (RFC 8259) that the SPI's value types apply to payloads and results, so
 * that all drivers accept and refuse the same documents (not API: driver authors reach it through {@code
 * io.taskharbor.spi.support.Validation#json}). Beyond the RFC it refuses what some storage cannot hold: the
 * escape {@code \u0000}, unpaired surrogate escapes, raw NUL or unpaired surrogate characters, exponents beyond
 * &plusmn;1000, numbers with more than 16,383 digits after the point or 131,072 before it once the exponent is
 * applied (PostgreSQL's {@code numeric}, hence {@code jsonb}), and nesting deeper than {@value #MAX_DEPTH}.
 */
public final class Json {

  /** The deepest nesting of arrays and objects accepted. */
  public static final int MAX_DEPTH = 256;

  private final String s;
  private final String field;
  private int i;

  private Json(String s, String field) {
    this.s = s;
    this.field = field;
  }

  /**
   * Checks that {@code text} is one JSON document.
   *
   * @return {@code text}
   * @throws IllegalArgumentException naming {@code field} and the offset of the first error
   */
  public static String validate(String text, String field) {
    Objects.requireNonNull(text, () -> field + " must not be null: pass a JSON document such as {} or null");
    Json p = new Json(text, field);
    p.ws();
    p.value(0);
    p.ws();
    if (p.i != text.length()) {
      throw p.error("unexpected text after the JSON document");
    }
    return text;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(
        field + " is not valid JSON: " + what + " at offset " + i + " (pass a JSON document, e.g. produced by "
            + "Jackson, such as {\"to\":\"a@example.com\"})");
  }

  private void ws() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        i++;
      } else {
        return;
      }
    }
  }

  private char peek() {
    if (i >= s.length()) {
      throw error("unexpected end of input");
    }
    return s.charAt(i);
  }

  private void value(int depth) {
    char c = peek();
    switch (c) {
      case '{' -> object(depth + 1);
      case '[' -> array(depth + 1);
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          number();
        } else {
          throw error("unexpected character '" + (c < 0x20 ? "\\u" + Integer.toHexString(c) : String.valueOf(c)) + "'");
        }
      }
    }
  }

  private void checkDepth(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
  }

  private void object(int depth) {
    checkDepth(depth);
    i++;
    ws();
    if (peek() == '}') {
      i++;
      return;
    }
    while (true) {
      ws();
      if (peek() != '"') {
        throw error("expected a string key");
      }
      string();
      ws();
      if (peek() != ':') {
        throw error("expected ':'");
      }
      i++;
      ws();
      value(depth);
      ws();
      char c = peek();
      i++;
      if (c == '}') {
        return;
      }
      if (c != ',') {
        i--;
        throw error("expected ',' or '}'");
      }
    }
  }

  private void array(int depth) {
    checkDepth(depth);
    i++;
    ws();
    if (peek() == ']') {
      i++;
      return;
    }
    while (true) {
      ws();
      value(depth);
      ws();
      char c = peek();
      i++;
      if (c == ']') {
        return;
      }
      if (c != ',') {
        i--;
        throw error("expected ',' or ']'");
      }
    }
  }

  private void string() {
    i++;
    while (true) {
      char c = peek();
      if (c == '"') {
        i++;
        return;
      }
      if (c < 0x20) {
        throw error(c == 0 ? "NUL character in a string" : "unescaped control character in a string");
      }
      if (c == '\\') {
        i++;
        char e = peek();
        switch (e) {
          case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i++;
          case 'u' -> {
            i++;
            int cp = hex4();
            if (cp == 0) {
              throw error("the escape \\u0000 cannot be stored");
            }
            if (Character.isHighSurrogate((char) cp)) {
              if (i + 1 < s.length() && s.charAt(i) == '\\' && s.charAt(i + 1) == 'u') {
                i += 2;
                int low = hex4();
                if (!Character.isLowSurrogate((char) low)) {
                  throw error("a high surrogate escape not followed by a low one");
                }
              } else {
                throw error("a high surrogate escape not followed by a low one");
              }
            } else if (Character.isLowSurrogate((char) cp)) {
              throw error("a low surrogate escape without a high one");
            }
          }
          default -> throw error("invalid escape '\\" + e + "'");
        }
        continue;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i += 2;
          continue;
        }
        throw error("an unpaired surrogate character");
      }
      if (Character.isLowSurrogate(c)) {
        throw error("an unpaired surrogate character");
      }
      i++;
    }
  }

  private int hex4() {
    if (i + 4 > s.length()) {
      throw error("incomplete \\u escape");
    }
    int v = 0;
    for (int k = 0; k < 4; k++) {
      int d = Character.digit(s.charAt(i + k), 16);
      if (d < 0) {
        throw error("invalid \\u escape");
      }
      v = v * 16 + d;
    }
    i += 4;
    return v;
  }

  private void literal(String word) {
    if (!s.startsWith(word, i)) {
      throw error("expected '" + word + "'");
    }
    i += word.length();
  }

  /** The most digits after the decimal point that PostgreSQL's numeric (hence jsonb) holds, once scaled. */
  public static final int MAX_SCALE = 16_383;

  /** The most digits before the decimal point that PostgreSQL's numeric holds, once scaled. */
  public static final int MAX_INTEGER_DIGITS = 131_072;

  private void number() {
    int start = i;
    if (peek() == '-') {
      i++;
    }
    char c = peek();
    int integerDigits;
    if (c == '0') {
      i++;
      integerDigits = 0;
    } else if (c >= '1' && c <= '9') {
      int from = i;
      digits();
      integerDigits = i - from;
    } else {
      throw error("expected a digit");
    }
    int fractionDigits = 0;
    int leadingFractionZeros = 0;
    if (i < s.length() && s.charAt(i) == '.') {
      i++;
      if (i >= s.length() || !isDigit(s.charAt(i))) {
        throw error("expected a digit after '.'");
      }
      int from = i;
      while (i < s.length() && s.charAt(i) == '0') {
        i++;
      }
      leadingFractionZeros = i - from;
      digits();
      fractionDigits = i - from;
    }
    int exponent = 0;
    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      boolean negative = false;
      if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        negative = s.charAt(i) == '-';
        i++;
      }
      if (i >= s.length() || !isDigit(s.charAt(i))) {
        throw error("expected a digit in the exponent");
      }
      int magnitude = 0;
      while (i < s.length() && isDigit(s.charAt(i))) {
        magnitude = Math.min(10_000, magnitude * 10 + (s.charAt(i) - '0')); // saturates: any excess is refused
        i++;
      }
      if (magnitude > 1000) {
        throw error("an exponent beyond 1000");
      }
      exponent = negative ? -magnitude : magnitude;
    }
    // PostgreSQL's numeric limits, as numeric_in applies them: the scale (digits after the point, as written, less
    // the exponent) and the position of the first significant digit (as written, plus the exponent).
    boolean zero = integerDigits == 0 && leadingFractionZeros == fractionDigits;
    long scale = Math.max(0, (long) fractionDigits - exponent);
    long integerPart = zero ? 0 : integerDigits > 0 ? integerDigits + (long) exponent
        : exponent - leadingFractionZeros;
    if (scale > MAX_SCALE || integerPart > MAX_INTEGER_DIGITS) {
      throw new IllegalArgumentException(field + " holds a number at offset " + start + " with " + (scale > MAX_SCALE
          ? scale + " digits after the point; at most " + MAX_SCALE
          : integerPart + " digits before the point; at most " + MAX_INTEGER_DIGITS)
          + " fit every driver: pass such a number as a string");
    }
  }

  private void digits() {
    while (i < s.length() && isDigit(s.charAt(i))) {
      i++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
