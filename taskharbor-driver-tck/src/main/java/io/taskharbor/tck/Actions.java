package io.taskharbor.tck;

import io.taskharbor.api.JobId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The small pools that property-test steps draw from, and the notation failure reports print them in. The pools are
 * small on purpose, so that collisions (same id, same key, same instant) and exact boundaries (lease − 1µs, lease,
 * lease + 1µs) happen in almost every sequence.
 */
public final class Actions {

  /**
   * The job ids steps use, printed as {@code J0}..{@code J7}. They are chosen to catch signed comparisons: J3's most
   * significant bit is set (it sorts after J2 as unsigned numbers, before it as signed longs), and J5's least
   * significant half is small (it sorts before J0 unsigned, after it signed, as {@link UUID#compareTo} would).
   */
  public static final List<JobId> JOB_IDS = List.of(
      id("00000000-0000-7000-8000-000000000001"),
      id("00000000-0000-7000-8000-000000000002"),
      id("7fffffff-ffff-7fff-bfff-ffffffffffff"),
      id("80000000-0000-7000-8000-000000000000"),
      id("ffffffff-ffff-7fff-bfff-fffffffffffe"),
      id("00000000-0000-7000-0000-000000000003"),
      id("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"),
      id("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"));

  /** The queues steps use. */
  public static final List<String> QUEUES = List.of("q-a", "q-b", "q:c");

  /** The idempotency keys steps use. */
  public static final List<String> KEYS = List.of("k1", "k2", "k3");

  /** The node ids coordination steps use (and reserve's holders). */
  public static final List<String> NODES = List.of("n1", "n2", "n3");

  /** A node of a step that means "the holder of the lease as the run saw it last" ({@code n1} while none). */
  public static final String HOLDER = "the-holder";

  /** The leader lease names coordination steps use. */
  public static final List<String> LEASE_NAMES = List.of("main", "other");

  /** The job types steps use. */
  public static final List<String> TYPES = List.of("t1", "t2");

  /** The lease most reservations take, and the unit of the clock steps. */
  public static final Duration LEASE = Duration.ofSeconds(10);

  /** One microsecond, the drivers' resolution. */
  public static final Duration MICRO = Duration.ofNanos(1_000);

  /**
   * Payloads: JSON documents whose text a driver may normalise (whitespace, key order, number spelling) and that
   * must survive a round trip as the same JSON value, non-ASCII text included.
   */
  public static final List<String> PAYLOADS = List.of(
      "{}",
      "{\"b\":1,\"a\":[true,null,\"x\"]}",
      "{ \"to\" : \"a@example.com\",\n \"n\" : 2.50 }",
      "[1,2,3]",
      "\"text é😀\"",
      "42",
      "null");

  private Actions() {}

  private static JobId id(String text) {
    return new JobId(UUID.fromString(text));
  }

  /** Returns {@code J0}..{@code J7} for a pool id, else the id itself. */
  public static String label(JobId id) {
    int i = JOB_IDS.indexOf(id);
    return i >= 0 ? "J" + i : id.toString();
  }

  /** Returns the pool legend a report prints: {@code J0 = 00000000-…}. */
  public static String legend() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < JOB_IDS.size(); i++) {
      b.append(i == 0 ? "" : ", ").append('J').append(i).append(" = ").append(JOB_IDS.get(i));
    }
    return b.toString();
  }

  /** Prints a duration compactly: {@code 10s}, {@code 9.999999s}, {@code 1µs}. */
  public static String duration(Duration d) {
    if (d.isNegative()) {
      return "-" + duration(d.negated());
    }
    if (d.compareTo(Duration.ofMillis(1)) < 0) {
      return d.toNanos() / 1000 + "µs";
    }
    return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }

  /** Prints an offset from now: {@code now}, {@code now+10s}, {@code now-1µs}. */
  public static String offset(Duration d) {
    if (d.isZero()) {
      return "now";
    }
    return d.isNegative() ? "now-" + duration(d.negated()) : "now+" + duration(d);
  }

  /** Prints an instant relative to {@link TestClock#START}: {@code T}, {@code T+10.000001s}. */
  public static String instant(Instant at) {
    Duration d = Duration.between(TestClock.START, at);
    if (d.isZero()) {
      return "T";
    }
    return d.isNegative() ? "T-" + duration(d.negated()) : "T+" + duration(d);
  }

  /** Prints a sequence as a numbered step list, marking step {@code mark} (1-based; 0 for none) with {@code >}. */
  public static String describe(List<? extends Action> steps, int mark) {
    int width = String.valueOf(steps.size()).length();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < steps.size(); i++) {
      String n = String.format("%" + width + "d", i + 1);
      b.append(i + 1 == mark ? "  > " : "    ").append(n).append(". ").append(steps.get(i)).append('\n');
    }
    return b.toString();
  }

  /** Prints a sequence as a numbered step list. */
  public static String describe(List<? extends Action> steps) {
    return describe(steps, 0);
  }

  static String joined(List<?> items) {
    return items.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
  }
}
