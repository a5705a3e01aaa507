package io.taskharbor.driver.postgres;

import io.taskharbor.spi.NodeInfo;
import io.taskharbor.spi.support.Validation;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The argument checks of the {@link io.taskharbor.spi.Coordination} extension and of reserve's holder that {@link
 * Validation} does not have (yet): each throws an {@link IllegalArgumentException} naming the SPI parameter, as the
 * TCK requires; the memory driver applies the same ones. (The order of node ids and job types, code point by code
 * point, is the database's: {@code COLLATE "C"}.)
 */
final class CoordinationChecks {

  /** The longest leader lease name, as a node id. */
  static final int MAX_NAME_LENGTH = NodeInfo.MAX_ID_LENGTH;

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
}
