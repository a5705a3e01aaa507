package io.taskharbor.tck;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The index of the TCK's rules and the conventions they share. Each group has one rules interface in a file of its
 * own ({@link EnqueueRules}, {@link IdempotencyRules}, ...; {@link #GROUPS} lists them in run order), with one method
 * per rule carrying a {@link Rule}: its id, its text and where to look when it fails. Every {@code *Contract} class
 * implements its interface and every test method overrides a rule, so a rule without a test, or a test without a
 * rule, does not compile. {@code docs/tck-rules.md} is generated from these annotations, and a test of the TCK
 * module fails when the two differ.
 *
 * <h2>Ids and names</h2>
 *
 * Every rule has a stable id: its group's id and a number, such as {@code ENQ-01}. A test's display name is its
 * rule's id and text ({@code "ENQ-01 an enqueued job is stored READY ..."}), and its method name carries the id and
 * the rule's strength: {@code required_enq01_enqueueStoresAReadyJobWithEveryField}. Look a failing id up in {@code
 * docs/tck-rules.md} or here. Ids are never reused: a dropped rule's id goes to {@link #RETIRED}, and a new rule
 * takes the next number of its group. The strengths, as in the reactive-streams TCK:
 *
 * <ul>
 *   <li>{@code required_}: binds every driver.
 *   <li>{@code optional_}: binds the drivers that have a feature ({@link Rule#when()} names it, such as the {@link
 *       io.taskharbor.spi.WakeUpNotifications} extension or a declared payload limit); skipped, with a message that
 *       names the feature, for the others.
 *   <li>{@code stochastic_}: binds every driver, tested with real threads racing, so a pass shows that no
 *       interleaving of this run broke the rule, not that none can.
 *   <li>{@code untested_}: binds every driver, but no test can observe it (a crash in the middle of a batch, a clock
 *       read that happens to agree). Its test always reports itself as not verified (a skipped test whose message
 *       says so), so that the rule shows in every report and implementers read it.
 * </ul>
 *
 * <h2>Adding or changing a rule</h2>
 *
 * Add a method to the group's rules interface with the next free id of the group and its {@link Rule}, and the test
 * that overrides it to the group's contract class, named {@code strength_idNN_behaviour}; then regenerate {@code
 * docs/tck-rules.md} ({@code mvn -o -pl taskharbor-driver-tck -am test -Dtest=TckRulesDocTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtaskharbor.tck.writeRules=true}) and add a line to its changelog of
 * rules. A dropped rule's id goes to {@link #RETIRED}. {@code TckRulesDocTest} fails until all of this holds.
 *
 * <h2>Conventions the whole TCK applies</h2>
 *
 * <ul>
 *   <li><b>Time.</b> Every {@code now} comes from the test's {@link TestClock}, fixed and microsecond-aligned; the
 *       lease is 30 s ({@link JobFixture#LEASE}) unless a rule says otherwise. Boundaries are tested to the
 *       microsecond: due iff run_at &le; now, a lease valid iff lease_expires_at &gt; now, purge iff finished_at &lt;
 *       finishedBefore.
 *   <li><b>Exceptions.</b> Refusals are checked by exact type and typed fields ({@code jobId()}, {@code status()},
 *       {@code expiredAt()}, {@code now()}), never by message text. {@code InvalidJobStatusException} from requeue,
 *       cancel and delete must be exactly that type, not its {@code JobNotInflightException} subclass, which is kept
 *       for lease operations.
 *   <li><b>Arguments.</b> The SPI requires an {@link IllegalArgumentException} naming the field for a bad value; the
 *       TCK requires it, and that its message contains the SPI parameter's name as a whole word ({@code queue},
 *       {@code max}, {@code now}, {@code lease}, {@code statuses}, {@code finishedBefore}; {@code key} or {@code
 *       idempotencyKey} for a key; {@code payload} or {@code result} for one over the payload limit). Where the SPI
 *       is silent, for {@code null} arguments, the TCK accepts a {@link NullPointerException} or an {@link
 *       IllegalArgumentException}. Either way nothing may change, and a bad argument wins over an unknown job id.
 *       Instants outside {@link io.taskharbor.api.Limits#MIN_INSTANT} .. {@link io.taskharbor.api.Limits#MAX_INSTANT}
 *       are bad values in every parameter, {@code finishedBefore} included; the limits themselves are accepted.
 *   <li><b>Closed drivers.</b> Every data and admin call (and {@code subscribe}, for drivers with notifications)
 *       throws {@link IllegalStateException}; {@code name()} and {@code extension()} are not tested after close.
 *   <li><b>JSON.</b> Payloads and results compare as JSON values ({@link JsonAssert}): a driver may normalise
 *       whitespace, key order, escapes and the spelling of numbers. A payload limit counts the UTF-8 bytes of the
 *       text as given.
 *   <li><b>Refusals change nothing.</b> After every refused call the TCK compares the whole record (every field,
 *       updated_at included) with the record before the call ({@link JobRecords#assertJob}).
 * </ul>
 *
 * <h2>Choices the TCK makes where the SPI leaves room</h2>
 *
 * These follow the reference model ({@code ReferenceModel}), so the contract tests and the property tests hold a
 * driver to the same answers.
 *
 * <ul>
 *   <li>Retry and release without a run time, and requeue, set run_at to {@code now}: the job becomes claimable now
 *       and queues behind jobs that were ready before it (FIFO by readiness).
 *   <li>An enqueue whose (queue, key) is taken is deduplicated before its id is looked at: resending the same request
 *       (same id, same key) answers {@code created = false}, not {@code DuplicateJobException}.
 *   <li>Every accepted change sets updated_at to {@code now}; terminal no-ops (ack of DONE, fail of DONE or DLQ,
 *       cancel of CANCELED) change nothing, updated_at included.
 *   <li>Retry and fail store their error as last_error; release and requeue keep last_error; ack leaves it alone.
 *       Requeue clears finished_at with the DLQ reason and time. Cancel sets finished_at.
 *   <li>The reason of the reserve sweep is exactly {@value JobFixture#LAST_ATTEMPT_EXPIRED}; what it does to
 *       last_error is not tested.
 *   <li>A page's {@code nextCursor} is null exactly when no further item exists, so a full last page has none.
 *   <li>A payload or ack result over the limit is refused for the whole call: enqueue stores nothing of the batch and
 *       complete applies nothing of the batch.
 *   <li>leased_by and started_at describe the latest reservation: reserve writes both (the four-argument reserve a
 *       null holder), and nothing else changes them, requeue and cancel included.
 *   <li>Distributed mode ({@link CoordinationRules}, {@link StatisticsRules}): node ids and job types are ordered by
 *       code point; a holder's re-acquire and renew never move the expiry back; a refused fenced call names the stored
 *       term and holder, valid or not; recovery ends only leases still valid, of jobs held by registered nodes dead at
 *       now, and counts those.
 *   <li>Queue and job controls ({@link QueueControlsRules}, {@link JobPauseRules}, {@link JobCancelRules}): reserve
 *       first cancels the expired cancel-requested jobs of the queue, then sweeps the expired last attempts, then
 *       applies the paused flag and the limit; pause, resume and a first cancel request on an INFLIGHT job set
 *       updated_at to now, repeated ones change nothing; a retry or release of a cancel-requested job is applied as
 *       a cancel (CANCELED, finished now, attempt counted, last_error kept); requeue clears the request; the driver's
 *       cancel accepts a PAUSED job as a READY one. Definitions ({@link DefinitionRules}): create ignores the
 *       instants it is given; cancel, delete and update set updated_at to now, delete also deleted_at.
 * </ul>
 */
public final class TckRules {

  /** The rules interfaces, one per group, in the order {@link DriverTck} runs the groups. */
  public static final List<Class<?>> GROUPS = List.of(
      EnqueueRules.class,
      IdempotencyRules.class,
      ReserveRules.class,
      SchedulingRules.class,
      OrderingRules.class,
      LeaseRules.class,
      CompletionRules.class,
      MatrixRules.class,
      AdminRules.class,
      ListAndStatsRules.class,
      ArgumentRules.class,
      PayloadLimitRules.class,
      ClosedDriverRules.class,
      DetailsRules.class,
      ConcurrencyRules.class,
      NotificationRules.class,
      CoordinationRules.class,
      StatisticsRules.class,
      QueueControlsRules.class,
      JobPauseRules.class,
      JobCancelRules.class,
      DefinitionRules.class,
      PropertyRules.class,
      WorkerRules.class);

  /** The ids of rules that were dropped: never given to another rule. */
  public static final Set<String> RETIRED = Set.of();

  /** The form of a rule id: a group id, a dash, two digits. */
  public static final Pattern ID = Pattern.compile("([A-Z]{3})-(\\d{2})");

  /** The form of a rule's method name: strength, id in lower case without the dash, behaviour. */
  public static final Pattern METHOD_NAME =
      Pattern.compile("(required|optional|stochastic|untested)_([a-z]{3})(\\d{2})_([a-z][A-Za-z0-9]*)");

  private TckRules() {}

  /** How strongly a rule binds a driver, named by the prefix of its test method. */
  public enum Strength {
    /** Binds every driver. */
    REQUIRED,
    /** Binds the drivers that have the feature {@link Rule#when()} names; skipped by name for the others. */
    OPTIONAL,
    /** Binds every driver; tested with racing threads, so a pass is evidence, not proof. */
    STOCHASTIC,
    /** Binds every driver; no test can observe it, so its test reports it as not verified. */
    UNTESTED;

    /** Returns the method-name prefix of this strength, such as {@code required}. */
    public String prefix() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Returns the strength that the method name {@code name} starts with, if it starts with one. */
    public static Optional<Strength> ofMethodName(String name) {
      return Arrays.stream(values()).filter(s -> name.startsWith(s.prefix() + "_")).findFirst();
    }
  }

  /**
   * One rule.
   *
   * @param id the rule's id, such as {@code ENQ-01}
   * @param strength how it binds, from its method's name
   * @param text the rule
   * @param ifFails where to look when it fails (for an untested rule: how to check it yourself)
   * @param when the drivers an optional rule binds; empty for the other strengths
   * @param method the method of the rules interface that states it
   */
  public record Entry(String id, Strength strength, String text, String ifFails, String when, Method method) {

    /** Returns the rule as its test's display name shows it: id and text. */
    public String displayName() {
      return id + " " + text;
    }
  }

  /**
   * One group of rules.
   *
   * @param id the group's id, such as {@code ENQ}
   * @param name the group's short name
   * @param summary what the rules add up to
   * @param rules the rules interface
   * @param entries the group's rules, by id
   */
  public record Group(String id, String name, String summary, Class<?> rules, List<Entry> entries) {

    /** Returns the group as its {@code @Nested} class's display name shows it. */
    public String displayName() {
      return id + " " + name + ": " + summary;
    }
  }

  /** Returns every group, in run order, each with its rules by id. */
  public static List<Group> groups() {
    List<Group> groups = new ArrayList<>();
    for (Class<?> rules : GROUPS) {
      groups.add(group(rules).orElseThrow(() -> new IllegalStateException(rules + " has no @RuleGroup")));
    }
    return List.copyOf(groups);
  }

  /** Returns every rule, group by group, in run order. */
  public static List<Entry> all() {
    return groups().stream().flatMap(g -> g.entries().stream()).toList();
  }

  /** Returns the rule with this id. */
  public static Optional<Entry> rule(String id) {
    return all().stream().filter(e -> e.id().equals(id)).findFirst();
  }

  /** Returns the group stated by {@code rules}, an interface annotated with {@link RuleGroup}. */
  public static Optional<Group> group(Class<?> rules) {
    RuleGroup group = rules.getAnnotation(RuleGroup.class);
    if (group == null) {
      return Optional.empty();
    }
    List<Entry> entries = new ArrayList<>();
    for (Method m : rules.getDeclaredMethods()) {
      entry(m).ifPresent(entries::add);
    }
    entries.sort(Comparator.comparing(Entry::id));
    return Optional.of(new Group(group.id(), group.name(), group.summary(), rules, List.copyOf(entries)));
  }

  /** Returns the rule a method of a rules interface states, if it carries a {@link Rule}. */
  static Optional<Entry> entry(Method m) {
    Rule rule = m.getAnnotation(Rule.class);
    if (rule == null) {
      return Optional.empty();
    }
    Strength strength = Strength.ofMethodName(m.getName()).orElse(Strength.REQUIRED);
    return Optional.of(new Entry(rule.id(), strength, rule.text(), rule.ifFails(), rule.when(), m));
  }

  /**
   * Returns the rule that a test method of {@code testClass} checks: the {@link Rule} of the interface method it
   * overrides, searched through every interface of the class and its superclasses.
   */
  public static Optional<Entry> ruleOf(Class<?> testClass, Method testMethod) {
    for (Class<?> c = testClass; c != null; c = c.getSuperclass()) {
      for (Class<?> i : c.getInterfaces()) {
        Optional<Entry> found = declared(i, testMethod);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Entry> declared(Class<?> type, Method testMethod) {
    try {
      Optional<Entry> here = entry(type.getDeclaredMethod(testMethod.getName(), testMethod.getParameterTypes()));
      if (here.isPresent()) {
        return here;
      }
    } catch (NoSuchMethodException e) {
      // not declared here: look at the interfaces it extends
    }
    for (Class<?> parent : type.getInterfaces()) {
      Optional<Entry> found = declared(parent, testMethod);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** Returns the group that {@code testClass} (a group's {@code @Nested} class or its contract) checks. */
  public static Optional<Group> groupOf(Class<?> testClass) {
    for (Class<?> c = testClass; c != null; c = c.getSuperclass()) {
      for (Class<?> i : c.getInterfaces()) {
        Optional<Group> found = group(i);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the rule id a test method's name carries ({@code required_enq01_...} carries {@code ENQ-01}), if the
   * name has the form of {@link #METHOD_NAME}.
   */
  public static Optional<String> idInMethodName(String methodName) {
    Matcher m = METHOD_NAME.matcher(Objects.requireNonNull(methodName, "methodName"));
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(m.group(2).toUpperCase(Locale.ROOT) + "-" + m.group(3));
  }
}
