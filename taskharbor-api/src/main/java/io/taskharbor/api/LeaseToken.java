package io.taskharbor.api;

import java.util.Objects;
import java.util.UUID;

/**
 * The proof that a worker holds a job's lease. A driver draws a fresh random token at every reservation; extendLease,
 * ack, retry, fail and release must present it.
 *
 * @param uuid the token value, not null
 */
public record LeaseToken(UUID uuid) {

  public LeaseToken {
    Objects.requireNonNull(uuid, "uuid");
  }

  /** Returns a new random token. Thread-safe. */
  public static LeaseToken random() {
    return new LeaseToken(UUID.randomUUID());
  }

  @Override
  public String toString() {
    return uuid.toString();
  }
}
