package io.taskharbor.tck;

import io.taskharbor.spi.Driver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.quicktheories.QuickTheory;
import org.quicktheories.api.AsString;
import org.quicktheories.core.Reporter;

/**
 * Runs random action sequences on two drivers step by step and requires the same result from every step and the same
 * visible state after it; a failure reports a minimal failing sequence and the seed that replays it. The TCK's
 * property group uses it with the driver under test as the subject and a {@link ModelDriver} as the reference; a
 * driver's own tests may compare any two drivers, for example PostgreSQL against the memory driver:
 *
 * <pre>{@code
 * DifferentialCheck.between(this::newPostgresDriver, MemoryDriver::new).sequences(500).check();
 * }</pre>
 *
 * <p>Each sequence gets a new driver from each supplier, and both are closed when the sequence ends, so a supplier
 * must return a driver over empty storage every time. Sequences are drawn by QuickTheories from a seed: {@code
 * -Dtaskharbor.tck.seed} fixes it (the failure report prints the value to use), {@code -Dtaskharbor.tck.sequences}
 * sets how many sequences a check runs (default 1000) and {@code -Dtaskharbor.tck.shrinkCycles} how hard a failure is
 * shrunk (default 200). The lease steps use is {@link Actions#LEASE}. Not thread-safe; one check at a time.
 */
public final class DifferentialCheck {

  /** The system property that sets how many sequences a check runs. */
  public static final String SEQUENCES_PROPERTY = "taskharbor.tck.sequences";

  /** The system property that fixes the seed, to replay a failure. */
  public static final String SEED_PROPERTY = "taskharbor.tck.seed";

  /** The system property that sets how many QuickTheories shrink cycles a failure gets. */
  public static final String SHRINK_CYCLES_PROPERTY = "taskharbor.tck.shrinkCycles";

  /** The most extra runs spent removing steps from a shrunk failure. */
  private static final int MINIMIZE_BUDGET = 400;

  /** Which mix of steps sequences draw. */
  public enum Profile {
    /**
     * Every kind of step over three queues, three keys and eight ids: enqueue (single and batch, with and without
     * key, run time and priority), reserve, extendLease, ack, retry, fail, release (single and batch), cancel,
     * requeue, delete, purge, clock steps of 1µs, lease − 1µs, lease, lease + 1µs and 3s, get, list with filters and
     * paging, stats and findByIdempotencyKey, with current, stale, foreign and random tokens.
     */
    GENERAL,
    /**
     * One queue and the lease life cycle only: enqueue, reserve, extendLease, completions mostly with the current
     * token, and clock steps of exactly 1µs, lease − 1µs, lease and lease + 1µs, so that expiry boundaries and the
     * last-attempt DLQ sweep are hit in nearly every sequence.
     */
    LEASE_BOUNDARIES,
    /**
     * Distributed mode: three nodes registering, heartbeating and deregistering, leases acquired, renewed and resigned
     * under two names, the leader's recovery of orphans, removal of dead nodes and purge under latest, previous and
     * next terms, among enqueues, reservations by those nodes, completions, listings by node and live-job counts,
     * with clock steps around the lease, the ttls and the node timeouts. Its coordination steps run only when both
     * drivers offer {@link io.taskharbor.spi.Coordination}.
     */
    COORDINATION,
    /**
     * Queue and job controls: queue settings (paused, limits 1 and 2), pause, resume and cancel requests among
     * enqueues, reservations, completions (the cancel completion included), lease extensions, requeues and overviews,
     * with clock steps around the lease. Its control steps run only when both drivers offer {@link
     * io.taskharbor.spi.QueueControls} and {@link io.taskharbor.spi.JobControls}.
     */
    CONTROLS
  }

  /**
   * What a passing check did.
   *
   * @param seed the seed the sequences were drawn from
   * @param sequences how many sequences were requested
   * @param coverage how often the reference did each notable thing (a refusal by type, a status reached, ...)
   */
  public record Summary(long seed, int sequences, Map<String, Long> coverage) {
    public Summary {
      coverage = Collections.unmodifiableMap(new TreeMap<>(coverage));
    }
  }

  private final Supplier<? extends Driver> subject;
  private final Supplier<? extends Driver> reference;
  private Profile profile = Profile.GENERAL;
  private int sequences = configuredSequences();
  private @Nullable Long seed = configuredSeed();
  private int shrinkCycles = configuredShrinkCycles();
  private int maxSteps = 40;
  private String subjectName = "subject";
  private String referenceName = "reference";

  private DifferentialCheck(Supplier<? extends Driver> subject, Supplier<? extends Driver> reference) {
    this.subject = Objects.requireNonNull(subject, "subject");
    this.reference = Objects.requireNonNull(reference, "reference");
  }

  /**
   * Returns a check of {@code subject} against {@code reference}; each supplier must return a new driver over empty
   * storage on every call.
   */
  public static DifferentialCheck between(Supplier<? extends Driver> subject, Supplier<? extends Driver> reference) {
    return new DifferentialCheck(subject, reference);
  }

  /** Returns a check of {@code subject} against the TCK's reference model. */
  public static DifferentialCheck againstModel(Supplier<? extends Driver> subject) {
    return between(subject, ModelDriver::new);
  }

  /** Draws steps from {@code profile}; default {@link Profile#GENERAL}. */
  public DifferentialCheck profile(Profile profile) {
    this.profile = Objects.requireNonNull(profile, "profile");
    return this;
  }

  /** Runs {@code sequences} sequences; default {@code -Dtaskharbor.tck.sequences}, else 1000. */
  public DifferentialCheck sequences(int sequences) {
    if (sequences < 1) {
      throw new IllegalArgumentException("sequences must be at least 1 but was " + sequences);
    }
    this.sequences = sequences;
    return this;
  }

  /** Draws sequences from {@code seed}; default {@code -Dtaskharbor.tck.seed}, else a random seed. */
  public DifferentialCheck seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Gives a failure {@code cycles} QuickTheories shrink cycles; default {@code -Dtaskharbor.tck.shrinkCycles}, else 200. */
  public DifferentialCheck shrinkCycles(int cycles) {
    if (cycles < 0) {
      throw new IllegalArgumentException("shrinkCycles must not be negative but was " + cycles);
    }
    this.shrinkCycles = cycles;
    return this;
  }

  /** Draws sequences of 1 to {@code maxSteps} steps; default 40. */
  public DifferentialCheck maxSteps(int maxSteps) {
    if (maxSteps < 1) {
      throw new IllegalArgumentException("maxSteps must be at least 1 but was " + maxSteps);
    }
    this.maxSteps = maxSteps;
    return this;
  }

  /**
   * Runs the check.
   *
   * @return what was run, when every sequence agreed
   * @throws AssertionError with the minimal failing sequence, both sides' answers and the seed to replay it
   */
  public Summary check() {
    long used = seed != null ? seed : randomSeed();
    Map<String, Long> coverage = new TreeMap<>();
    CapturingReporter reporter = new CapturingReporter();
    QuickTheory.qt()
        .withFixedSeed(used)
        .withExamples(sequences)
        .withShrinkCycles(shrinkCycles)
        .withReporter(reporter)
        .forAll(ActionGenerators.sequences(profile, maxSteps))
        .checkAssert(steps -> {
          Optional<SequenceRunner.Failure> failure = runOnce(steps, tag -> coverage.merge(tag, 1L, Long::sum));
          if (failure.isPresent()) {
            throw new SequenceMismatch(failure.get());
          }
        });
    if (reporter.smallest != null) {
      throw failed(used, reporter);
    }
    return new Summary(used, sequences, coverage);
  }

  /**
   * Runs one given sequence (for example a minimal one from a report) on fresh drivers.
   *
   * @return the report of the first disagreement, or empty when both drivers agree throughout
   */
  public Optional<String> disagreement(List<? extends Action> steps) {
    return runOnce(List.copyOf(steps), tag -> {}).map(f -> f.describe(subjectName, referenceName));
  }

  /**
   * Runs one given sequence on fresh drivers.
   *
   * @throws AssertionError describing the first disagreement
   */
  public void replay(List<? extends Action> steps) {
    Optional<String> report = disagreement(steps);
    if (report.isPresent()) {
      throw new AssertionError(report.get());
    }
  }

  private Optional<SequenceRunner.Failure> runOnce(
      List<Action> steps, java.util.function.Consumer<String> coverage) {
    Driver left = subject.get();
    try {
      Driver right = reference.get();
      try {
        subjectName = left.name();
        referenceName = right.name();
        return SequenceRunner.run(steps, left, right, coverage);
      } finally {
        right.close();
      }
    } finally {
      left.close();
    }
  }

  private AssertionError failed(long used, CapturingReporter reporter) {
    @SuppressWarnings("unchecked")
    List<Action> smallest = (List<Action>) Objects.requireNonNull(reporter.smallest);
    Optional<SequenceRunner.Failure> again = reproduce(smallest);
    String how;
    Throwable cause = reporter.cause;
    if (again.isPresent()) {
      SequenceRunner.Failure minimal = minimize(again.get());
      how = minimal.describe(subjectName, referenceName)
          + "\nFound after " + reporter.examples + " sequence(s); shrunk from a failing sequence to this one of "
          + minimal.steps().size() + " step(s).";
      cause = null;
    } else {
      how = "The sequence below failed, but did not fail again when re-run (is the driver deterministic, and does "
          + "each supplier return empty storage?):\n" + Actions.describe(smallest)
          + (cause == null ? "" : "Failure: " + cause);
    }
    String message = "Property failed: random steps disagree between '" + subjectName + "' and '" + referenceName
        + "' (" + profile + " profile).\n" + how + "\nSeed: " + used + ". Replay with -D" + SEED_PROPERTY + "=" + used
        + " -D" + SEQUENCES_PROPERTY + "=" + sequences + ".";
    System.err.println("[taskharbor-tck] " + message);
    AssertionError error = new AssertionError(message);
    if (cause != null && !(cause instanceof SequenceMismatch)) {
      error.initCause(cause);
    }
    return error;
  }

  private Optional<SequenceRunner.Failure> reproduce(List<Action> steps) {
    try {
      return runOnce(steps, tag -> {});
    } catch (RuntimeException | AssertionError e) {
      return Optional.empty();
    }
  }

  /**
   * Removes steps from a failing sequence while it keeps failing: first everything after the failing step, then
   * halves, quarters, ... down to single steps, until no single step can go; then single jobs and completions from
   * batch steps (all within a budget of runs).
   */
  private SequenceRunner.Failure minimize(SequenceRunner.Failure failure) {
    SequenceRunner.Failure best = failure;
    List<Action> current = new ArrayList<>(failure.steps().subList(0, failure.step()));
    int budget = MINIMIZE_BUDGET;
    boolean progress = true;
    while (progress && budget > 0) {
      progress = false;
      for (int chunk = Math.max(1, current.size() / 2); chunk >= 1 && budget > 0; chunk /= 2) {
        int start = 0;
        while (start < current.size() && budget > 0) {
          List<Action> candidate = new ArrayList<>(current.subList(0, start));
          candidate.addAll(current.subList(Math.min(current.size(), start + chunk), current.size()));
          if (candidate.isEmpty()) {
            start += chunk;
            continue;
          }
          budget--;
          Optional<SequenceRunner.Failure> still = reproduce(candidate);
          if (still.isPresent()) {
            best = still.get();
            current = new ArrayList<>(candidate.subList(0, best.step()));
            progress = true;
          } else {
            start += chunk;
          }
        }
      }
    }
    for (int i = 0; i < current.size() && budget > 0; i++) {
      for (Action smaller : fewerItems(current.get(i))) {
        if (budget-- <= 0) {
          break;
        }
        List<Action> candidate = new ArrayList<>(current);
        candidate.set(i, smaller);
        Optional<SequenceRunner.Failure> still = reproduce(candidate);
        if (still.isPresent()) {
          best = still.get();
          current = new ArrayList<>(candidate.subList(0, best.step()));
          i = -1;
          break;
        }
      }
    }
    return best.truncated();
  }

  /** Returns the step with one item fewer, for each item of a batch step; nothing for other steps. */
  private static List<Action> fewerItems(Action step) {
    List<Action> smaller = new ArrayList<>();
    if (step instanceof Action.Enqueue e && e.jobs().size() > 1) {
      for (int i = 0; i < e.jobs().size(); i++) {
        List<Action.JobSpec> jobs = new ArrayList<>(e.jobs());
        jobs.remove(i);
        smaller.add(new Action.Enqueue(jobs));
      }
    }
    if (step instanceof Action.Complete c && c.items().size() > 1) {
      for (int i = 0; i < c.items().size(); i++) {
        List<Action.CompletionSpec> items = new ArrayList<>(c.items());
        items.remove(i);
        smaller.add(new Action.Complete(items));
      }
    }
    return smaller;
  }

  /** Returns {@code -Dtaskharbor.tck.sequences}, else 1000. */
  public static int configuredSequences() {
    String value = System.getProperty(SEQUENCES_PROPERTY, "").trim();
    if (value.isEmpty()) {
      return 1000;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "-D" + SEQUENCES_PROPERTY + " must be a positive whole number of sequences but was '" + value + "'");
  }

  /** Returns {@code -Dtaskharbor.tck.seed}, if set. */
  public static @Nullable Long configuredSeed() {
    String value = System.getProperty(SEED_PROPERTY, "").trim();
    if (value.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "-D" + SEED_PROPERTY + " must be a seed printed by a failed property test, a long, but was '" + value + "'",
          e);
    }
  }

  private static int configuredShrinkCycles() {
    String value = System.getProperty(SHRINK_CYCLES_PROPERTY, "").trim();
    if (value.isEmpty()) {
      return 200;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "-D" + SHRINK_CYCLES_PROPERTY + " must be a whole number of at least 0 but was '" + value + "'");
  }

  private static long randomSeed() {
    long s = 0;
    while (s == 0) {
      s = new SplittableRandom().nextLong();
    }
    return s;
  }

  /** Thrown inside a QuickTheories run to mark a falsified sequence; carries the runner's failure. */
  private static final class SequenceMismatch extends AssertionError {
    private static final long serialVersionUID = 1L;

    SequenceMismatch(SequenceRunner.Failure failure) {
      super("step " + failure.step() + " disagrees on its " + failure.kind());
    }
  }

  /** Keeps QuickTheories' verdict instead of throwing it, so the check can minimise further and word the report. */
  private static final class CapturingReporter implements Reporter {
    @Nullable Object smallest;
    @Nullable Throwable cause;
    int examples;

    @Override
    public void falisification(
        long seed, int examplesUsed, Object smallest, Throwable cause, List<Object> examples,
        AsString<Object> toString) {
      this.smallest = smallest;
      this.cause = cause;
      this.examples = examplesUsed;
    }

    @Override
    public void falisification(
        long seed, int examplesUsed, Object smallest, List<Object> examples, AsString<Object> toString) {
      this.smallest = smallest;
      this.examples = examplesUsed;
    }

    @Override
    public void valuesExhausted(int completedExamples) {
      throw new IllegalStateException("QuickTheories gave up after " + completedExamples + " sequence(s)");
    }
  }
}
