package io.taskharbor.api;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The identity of a job: a UUID, by default a time-ordered UUIDv7 so that new ids sort after old ones and index
 * pages stay warm.
 *
 * <p>Ids order as unsigned 128-bit numbers ({@link #compareTo}), which is also how PostgreSQL orders {@code uuid};
 * every driver breaks reserve-order ties with this order.
 *
 * @param uuid the UUID, not null
 */
public record JobId(UUID uuid) implements Comparable<JobId> {

  /**
   * The random bits of new ids come from one strong generator per thread (a DRBG, seeded once from the system), read
   * ahead in blocks: a shared SecureRandom serialises every id through one lock, and a DRBG call costs several SHA-256
   * computations whatever its size, which made one call per id the larger part of a batch enqueue's own CPU time.
   */
  private static final ThreadLocal<RandomBits> RANDOM = ThreadLocal.withInitial(RandomBits::new);

  /**
   * The last id's 48 bits of milliseconds and 12-bit counter, as one number: every new id of this JVM is above it, so
   * ids made one after the other sort in that order even within one millisecond (RFC 9562, method 1: a counter in
   * {@code rand_a}; when 4,096 ids fill a millisecond, the next ones borrow the following one).
   */
  private static final AtomicLong LAST = new AtomicLong();

  public JobId {
    Objects.requireNonNull(uuid, "uuid");
  }

  /**
   * Returns a new time-ordered (version 7) id: 48 bits of Unix milliseconds, a 12-bit counter, then 62 random bits.
   * Ids made by this JVM increase in the order they are made (a batch enqueued at one instant runs in its order on a
   * serial queue). Thread-safe.
   */
  public static JobId newId() {
    long floor = System.currentTimeMillis() << 12;
    long stamp = LAST.updateAndGet(last -> Math.max(last + 1, floor));
    RandomBits random = RANDOM.get();
    long randB = random.next(8); // 62 bits used
    long msb = ((stamp >>> 12) << 16) | 0x7000L | (stamp & 0x0FFFL);
    long lsb = (randB & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new JobId(new UUID(msb, lsb));
  }

  /**
   * Parses the canonical text form of a job id.
   *
   * @throws IllegalArgumentException if {@code text} is not a UUID such as {@code 0190a1b2-...}
   */
  public static JobId parse(String text) {
    Objects.requireNonNull(text, "text");
    try {
      if (text.length() != 36) {
        throw new IllegalArgumentException("length " + text.length());
      }
      return new JobId(UUID.fromString(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "job id '" + abbreviate(text) + "' is not a UUID: pass the 36-character form such as "
              + "'0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'",
          e);
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }

  @Override
  public int compareTo(JobId other) {
    int c = Long.compareUnsigned(uuid.getMostSignificantBits(), other.uuid.getMostSignificantBits());
    return c != 0 ? c : Long.compareUnsigned(uuid.getLeastSignificantBits(), other.uuid.getLeastSignificantBits());
  }

  @Override
  public String toString() {
    return uuid.toString();
  }

  /** One thread's random bytes, drawn from its generator 1 KiB at a time. */
  private static final class RandomBits {
    private final SecureRandom generator = newGenerator();
    private final byte[] block = new byte[1024];
    private int used = block.length;

    /** Returns the next {@code count} (at most 8) random bytes as the low bytes of a long. */
    long next(int count) {
      if (used + count > block.length) {
        generator.nextBytes(block);
        used = 0;
      }
      long bits = 0;
      for (int i = 0; i < count; i++) {
        bits = (bits << 8) | (block[used++] & 0xff);
      }
      return bits;
    }

    private static SecureRandom newGenerator() {
      try {
        return SecureRandom.getInstance("DRBG");
      } catch (java.security.NoSuchAlgorithmException e) {
        return new SecureRandom();
      }
    }
  }
}
