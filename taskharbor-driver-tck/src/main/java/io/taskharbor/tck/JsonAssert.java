package io.taskharbor.tck;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Comparator;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Compares JSON documents as values, the way {@link io.taskharbor.api.JobRecord} asks: a driver may normalise
 * whitespace, object key order, string escapes and number spelling (PostgreSQL's {@code jsonb} turns {@code 1e2} into
 * {@code 100} and {@code "\u00e9"} into {@code "é"}), but never the value. Numbers are equal when they are equal as
 * decimals; everything else compares as Jackson trees. Thread-safe.
 */
public final class JsonAssert {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /** Leaves compare by value: numbers as decimals, the rest by Jackson's equality. Containers recurse through it. */
  private static final Comparator<JsonNode> LEAVES = (a, b) -> {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    return a.equals(b) ? 0 : 1;
  };

  private JsonAssert() {}

  /**
   * Asserts that {@code actual} is the same JSON value as {@code expected}; both null passes, one null fails.
   *
   * @param what names the compared field in the failure message, such as {@code "payload"}
   */
  public static void assertJsonEquals(@Nullable String actual, @Nullable String expected, String what) {
    assertThat(jsonEquals(actual, expected))
        .withFailMessage("%s differs as a JSON value:%n  expected: %s%n  actual:   %s", what, expected, actual)
        .isTrue();
  }

  /** Returns whether both are null, or both are JSON documents with the same value. */
  public static boolean jsonEquals(@Nullable String a, @Nullable String b) {
    if (a == null || b == null) {
      return a == null && b == null;
    }
    return parse(a).equals(LEAVES, parse(b));
  }

  /** Parses one JSON document; a document that does not parse is an assertion failure naming it. */
  public static JsonNode parse(String json) {
    Objects.requireNonNull(json, "json");
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not a JSON document: " + abbreviate(json), e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }
}
