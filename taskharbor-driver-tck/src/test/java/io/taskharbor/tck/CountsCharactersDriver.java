package io.taskharbor.tck;

import io.taskharbor.api.JobId;
import io.taskharbor.spi.Driver;
import java.util.OptionalInt;

/**
 * Broken on purpose (payload limit): it counts a payload's or result's length in UTF-16 characters, as {@code
 * String.length()} does, instead of in UTF-8 bytes, so text of multi-byte characters over the limit is stored.
 */
final class CountsCharactersDriver extends PayloadLimitDriver {

  @Override
  void check(String json, String field, JobId id) {
    if (json.length() > LIMIT) {
      throw new IllegalArgumentException(field + " of job " + id + " is over the limit of " + LIMIT + " characters");
    }
  }

  /** The TCK against this driver, declaring its limit. */
  static final class Tck extends DriverTck {
    @Override
    protected Driver newDriver() {
      return new CountsCharactersDriver();
    }

    @Override
    protected OptionalInt maxPayloadBytes() {
      return OptionalInt.of(LIMIT);
    }
  }
}
