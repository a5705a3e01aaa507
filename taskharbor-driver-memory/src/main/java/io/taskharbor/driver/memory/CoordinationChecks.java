package io.taskharbor.driver.memory;

import io.taskharbor.spi.NodeInfo;
import io.taskharbor.spi.support.Validation;
import java.util.Comparator;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The argument checks of the {@link io.taskharbor.spi.Coordination} extension and of reserve's holder that {@link
 * Validation} does not have (yet): each throws an {@link IllegalArgumentException} naming the SPI parameter, as the
 * TCK requires, and the PostgreSQL driver applies the same ones. Also the order of node ids and job types: code point
 * by code point, which is the order of their UTF-8 bytes and PostgreSQL's {@code COLLATE "C"}, not {@link
 * String#compareTo} (UTF-16 units, which puts U+FFFD after the supplementary characters).
 */
final class CoordinationChecks {

  /** The longest leader lease name, as a node id. */
  static final int MAX_NAME_LENGTH = NodeInfo.MAX_ID_LENGTH;

  /** Orders strings code point by code point. */
  static final Comparator<String> CODE_POINTS = CoordinationChecks::compareCodePoints;

  private CoordinationChecks() {}

  /** Checks reserve's holder: null, or a valid node id. */
  static @Nullable String holder(@Nullable String holder) {
    if (holder == null) {
      return null;
    }
    try {
      return NodeInfo.checkId(holder);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("holder is not a valid node id: " + e.getMessage(), e);
    }
  }

  /** Checks a node id ({@code nodeId}). */
  static String nodeId(String nodeId) {
    return NodeInfo.checkId(nodeId);
  }

  /** Checks a leader lease's name: non-blank, at most 255 characters, valid text. */
  static String name(String name) {
    Objects.requireNonNull(name, "name must not be null");
    if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("name of a leader lease must be 1 to " + MAX_NAME_LENGTH
          + " characters and not blank but was " + name.length() + " characters long" + (name.isBlank() ? " and blank"
          : ""));
    }
    return Validation.text(name, "name");
  }

  /** Checks a presented term: at least 1, the first term granted. */
  static long term(long term) {
    if (term < 1) {
      throw new IllegalArgumentException("term must be at least 1 (terms are granted from 1) but was " + term);
    }
    return term;
  }

  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
