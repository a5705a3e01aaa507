package io.taskharbor.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedMethod;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The rules in the code and {@code docs/tck-rules.md} cannot drift apart: the part of the document between its
 * markers is generated from the {@link Rule} annotations, and this test fails when the file differs, saying how to
 * regenerate it. It also holds the rules to their conventions: ids well-formed, unique and never reused, every test
 * method of every group named after exactly the rule it overrides, strengths consistent, {@code untested_} and
 * {@code optional_} tests reporting themselves as they should.
 */
class TckRulesDocTest {

  /** The system property that makes {@link #theRulesDocumentIsUpToDate()} rewrite the document instead of failing. */
  static final String WRITE_PROPERTY = "taskharbor.tck.writeRules";

  static final String BEGIN = "<!-- BEGIN GENERATED RULES: written by TckRulesDocTest from the @Rule annotations of "
      + "taskharbor-driver-tck; edit those, not this part. -->";
  static final String END = "<!-- END GENERATED RULES -->";

  static final String REGENERATE = "mvn -o -pl taskharbor-driver-tck -am test -Dtest=TckRulesDocTest "
      + "-Dsurefire.failIfNoSpecifiedTests=false -D" + WRITE_PROPERTY + "=true";

  /** The {@code @Nested} group classes of {@link DriverTck}. */
  static List<Class<?>> nestedGroups() {
    return Arrays.stream(DriverTck.class.getDeclaredClasses()).filter(c -> c.isAnnotationPresent(Nested.class))
        .toList();
  }

  /** The test methods of a group class: every method, inherited ones included, with a testable annotation. */
  static List<Method> testMethods(Class<?> group) {
    List<Method> tests = new ArrayList<>();
    for (Class<?> c = group; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (AnnotationSupport.isAnnotated(m, Testable.class)) {
          tests.add(m);
        }
      }
    }
    return tests;
  }

  @Test
  @DisplayName("every @Nested group of DriverTck checks one rules interface, and TckRules lists every one")
  void everyGroupHasOneRulesInterface() {
    Set<Class<?>> checked = new HashSet<>();
    for (Class<?> group : nestedGroups()) {
      List<Class<?>> interfaces = new ArrayList<>();
      for (Class<?> c = group; c != null; c = c.getSuperclass()) {
        Arrays.stream(c.getInterfaces()).filter(i -> i.isAnnotationPresent(RuleGroup.class)).forEach(interfaces::add);
      }
      assertThat(interfaces).as("rules interfaces of %s", group.getSimpleName()).hasSize(1);
      checked.add(interfaces.get(0));
    }
    assertThat(checked).containsExactlyInAnyOrderElementsOf(TckRules.GROUPS);
    assertThat(TckRules.GROUPS).doesNotHaveDuplicates();
  }

  @Test
  @DisplayName("ids are well-formed, unique, numbered without gaps but retired ones, and never reused")
  void idsAreWellFormedUniqueAndNeverReused() {
    Set<String> groupIds = new HashSet<>();
    Set<String> ids = new HashSet<>();
    for (TckRules.Group g : TckRules.groups()) {
      assertThat(g.id()).as("group id of %s", g.rules().getSimpleName()).matches("[A-Z]{3}");
      assertThat(groupIds.add(g.id())).as("group id %s is unique", g.id()).isTrue();
      assertThat(g.entries()).as("rules of %s", g.id()).isNotEmpty();
      assertThat(g.rules().getDeclaredMethods()).as("methods of %s", g.rules().getSimpleName())
          .allSatisfy(m -> assertThat(m.isAnnotationPresent(Rule.class)).as("%s has a @Rule", m.getName()).isTrue());
      int highest = 0;
      for (TckRules.Entry e : g.entries()) {
        Matcher m = TckRules.ID.matcher(e.id());
        assertThat(m.matches()).as("id %s is well-formed", e.id()).isTrue();
        assertThat(m.group(1)).as("group of %s", e.id()).isEqualTo(g.id());
        assertThat(ids.add(e.id())).as("id %s is unique", e.id()).isTrue();
        assertThat(TckRules.RETIRED).as("retired ids").doesNotContain(e.id());
        highest = Math.max(highest, Integer.parseInt(m.group(2)));
      }
      for (int n = 1; n <= highest; n++) {
        String id = String.format("%s-%02d", g.id(), n);
        assertThat(ids.contains(id) || TckRules.RETIRED.contains(id))
            .as("%s is a rule or retired (a dropped rule's id goes to TckRules.RETIRED, never to a new rule)", id)
            .isTrue();
      }
    }
    assertThat(TckRules.RETIRED).allSatisfy(id -> assertThat(id).matches(TckRules.ID));
  }

  @Test
  @DisplayName("every test method of every group carries exactly one rule id, that of the rule it overrides")
  void everyTestCarriesTheIdOfItsRule() {
    for (Class<?> group : nestedGroups()) {
      TckRules.Group rules = TckRules.groupOf(group).orElseThrow();
      List<Method> tests = testMethods(group);
      assertThat(tests).as("tests of %s", group.getSimpleName()).hasSameSizeAs(rules.entries());
      for (Method test : tests) {
        String name = test.getName();
        assertThat(name).as("test method name").matches(TckRules.METHOD_NAME);
        TckRules.Entry rule = TckRules.ruleOf(group, test)
            .orElseThrow(() -> new AssertionError(name + " overrides no @Rule method of " + rules.rules()));
        assertThat(rule.method().getDeclaringClass()).as("the rules interface of %s", name).isEqualTo(rules.rules());
        assertThat(TckRules.idInMethodName(name)).as("the id in %s", name).contains(rule.id());
        assertThat(Pattern.compile("_[a-z]{3}\\d{2}_").matcher(name).results().count())
            .as("rule ids in %s", name).isEqualTo(1);
        assertThat(name).as("strength of %s", rule.id()).startsWith(rule.strength().prefix() + "_");
        assertThat(test.isAnnotationPresent(DisplayName.class))
            .as("%s has its own @DisplayName (the rule's text is its display name)", name).isFalse();
      }
    }
  }

  @Test
  @DisplayName("strengths agree with the rules: optional rules name their feature, concurrency rules are stochastic")
  void strengthsAreConsistent() {
    for (TckRules.Entry e : TckRules.all()) {
      assertThat(e.when().isEmpty()).as("%s has a 'when' exactly when it is optional", e.id())
          .isEqualTo(e.strength() != TckRules.Strength.OPTIONAL);
      assertThat(e.text()).as("text of %s", e.id()).isNotBlank().isEqualTo(e.text().strip()).doesNotEndWith(".");
      assertThat(e.ifFails()).as("hint of %s", e.id()).isNotBlank().isEqualTo(e.ifFails().strip())
          .doesNotEndWith(".");
      if (e.id().startsWith("CON-")) {
        assertThat(e.strength()).as("strength of %s", e.id())
            .isIn(TckRules.Strength.STOCHASTIC, TckRules.Strength.UNTESTED);
      } else {
        assertThat(e.strength()).as("strength of %s (only the concurrency group races threads)", e.id())
            .isNotEqualTo(TckRules.Strength.STOCHASTIC);
      }
    }
  }

  @Test
  @DisplayName("every untested_ rule's test ends as not verified (aborted), with its id and how to check it")
  void untestedRulesReportThemselvesAsNotVerified() {
    List<TckRules.Entry> untested =
        TckRules.all().stream().filter(e -> e.strength() == TckRules.Strength.UNTESTED).toList();
    assertThat(untested).isNotEmpty();
    List<Event> finished = EngineTestKit.engine("junit-jupiter").selectors(untested.stream()
        .map(e -> selectNestedMethod(List.of(ModelDriverContractTest.class), nestedGroupOf(e), e.method().getName()))
        .toArray(DiscoverySelector[]::new)).execute().testEvents().finished().list();
    assertThat(finished).hasSameSizeAs(untested);
    for (Event ev : finished) {
      TestExecutionResult result = ev.getPayload(TestExecutionResult.class).orElseThrow();
      String id = ev.getTestDescriptor().getDisplayName().substring(0, 6);
      assertThat(result.getStatus()).as("result of %s", id).isEqualTo(TestExecutionResult.Status.ABORTED);
      assertThat(result.getThrowable()).get().extracting(Throwable::getMessage).asString()
          .startsWith("NOT VERIFIED: " + id).contains("Check it yourself: ");
    }
  }

  @Test
  @DisplayName("every optional_ rule is skipped, by name, for a driver without its feature (the reference model "
      + "without its extensions)")
  void optionalRulesAreSkippedWithoutTheirFeature() {
    List<TckRules.Entry> optional =
        TckRules.all().stream().filter(e -> e.strength() == TckRules.Strength.OPTIONAL).toList();
    assertThat(optional).isNotEmpty();
    List<Event> finished = EngineTestKit.engine("junit-jupiter").selectors(optional.stream()
        .map(e -> selectNestedMethod(List.of(NoExtensionsDriver.Tck.class), nestedGroupOf(e), e.method().getName(),
            e.method().getParameterTypes()))
        .toArray(DiscoverySelector[]::new)).execute().testEvents().finished().list();
    assertThat(finished).isNotEmpty().allSatisfy(ev -> {
      TestExecutionResult result = ev.getPayload(TestExecutionResult.class).orElseThrow();
      assertThat(result.getStatus()).as(ev.getTestDescriptor().getDisplayName())
          .isEqualTo(TestExecutionResult.Status.ABORTED);
      assertThat(result.getThrowable()).get().extracting(Throwable::getMessage).asString()
          .contains("skipped by design");
    });
  }

  /** The {@code @Nested} class of {@link DriverTck} that checks the rule. */
  private static Class<?> nestedGroupOf(TckRules.Entry e) {
    return nestedGroups().stream()
        .filter(g -> TckRules.groupOf(g).orElseThrow().rules() == e.method().getDeclaringClass())
        .findFirst().orElseThrow();
  }

  @Test
  @DisplayName("the display names JUnit shows are the rules' ids and texts")
  void displayNamesAreTheRules() {
    TckRules.Entry rule = TckRules.rule("LSE-09").orElseThrow();
    List<Event> finished = EngineTestKit.engine("junit-jupiter").selectors(
        selectNestedMethod(List.of(ModelDriverContractTest.class), DriverTck.Lease.class, rule.method().getName()))
        .execute().allEvents().finished().list();
    Set<String> names = finished.stream().map(ev -> ev.getTestDescriptor().getDisplayName())
        .collect(Collectors.toSet());
    assertThat(names).contains(rule.displayName(), TckRules.groupOf(DriverTck.Lease.class).orElseThrow()
        .displayName());
    assertThat(rule.displayName()).startsWith("LSE-09 extendLease exactly at expiry");
  }

  // ------------------------------------------------------------------------------------------------ the document

  /** Returns the generated part of {@code docs/tck-rules.md}, markers included. */
  static String render() {
    StringBuilder md = new StringBuilder(BEGIN).append("\n\n");
    List<TckRules.Group> groups = TckRules.groups();
    md.append("## The rules at a glance\n\n");
    md.append("| group | ids | required | optional | stochastic | untested | all |\n");
    md.append("|-------|-----|---------:|---------:|-----------:|---------:|----:|\n");
    Map<TckRules.Strength, Integer> total = new LinkedHashMap<>();
    for (TckRules.Group g : groups) {
      Map<TckRules.Strength, Integer> counts = counts(g.entries());
      counts.forEach((s, n) -> total.merge(s, n, Integer::sum));
      md.append("| [").append(g.name()).append("](#").append(anchor(g)).append(") | ")
          .append(g.entries().get(0).id()).append(" – ").append(g.entries().get(g.entries().size() - 1).id())
          .append(" | ").append(countRow(counts)).append(" |\n");
    }
    md.append("| **all** | | ").append(countRow(total)).append(" |\n\n");
    for (TckRules.Group g : groups) {
      md.append("## ").append(g.id()).append(": ").append(g.name()).append("\n\n");
      md.append(capitalise(g.summary())).append(". Rules: `").append(g.rules().getSimpleName())
          .append("`; tests: `").append(g.rules().getSimpleName().replace("Rules", "Contract")).append("`.\n\n");
      md.append("| id | strength | rule | if this fails, check |\n");
      md.append("|----|----------|------|----------------------|\n");
      for (TckRules.Entry e : g.entries()) {
        String strength = e.strength().prefix()
            + (e.when().isEmpty() ? "" : ": only for drivers that " + e.when());
        md.append("| ").append(e.id()).append(" | ").append(cell(strength)).append(" | ").append(cell(e.text()))
            .append(" | ").append(cell(e.ifFails())).append(" |\n");
      }
      md.append("\n");
    }
    return md.append(END).toString();
  }

  private static Map<TckRules.Strength, Integer> counts(List<TckRules.Entry> entries) {
    Map<TckRules.Strength, Integer> counts = new LinkedHashMap<>();
    for (TckRules.Strength s : TckRules.Strength.values()) {
      counts.put(s, (int) entries.stream().filter(e -> e.strength() == s).count());
    }
    return counts;
  }

  private static String countRow(Map<TckRules.Strength, Integer> counts) {
    int all = counts.values().stream().mapToInt(Integer::intValue).sum();
    return Arrays.stream(TckRules.Strength.values()).map(s -> String.valueOf(counts.getOrDefault(s, 0)))
        .collect(Collectors.joining(" | ")) + " | " + all;
  }

  /** The anchor GitHub gives the heading "ID: name". */
  private static String anchor(TckRules.Group g) {
    return (g.id() + ": " + g.name()).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9 -]", "")
        .replace(' ', '-');
  }

  private static String capitalise(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String cell(String s) {
    return s.replace("|", "\\|");
  }

  /** Finds {@code docs/tck-rules.md} from the working directory (the module's, under Maven) upwards. */
  static Path document() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path doc = dir.resolve("docs").resolve("tck-rules.md");
      if (Files.exists(doc) || Files.exists(dir.resolve("docs").resolve("writing-a-driver.md"))) {
        return doc;
      }
    }
    throw new AssertionError("no docs/ folder above " + Path.of("").toAbsolutePath());
  }

  @Test
  @DisplayName("docs/tck-rules.md lists every rule exactly as the code states it")
  void theRulesDocumentIsUpToDate() throws IOException {
    Path doc = document();
    String text = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    String generated = render();
    if (Boolean.getBoolean(WRITE_PROPERTY)) {
      if (begin < 0 || end < begin) {
        fail(doc + " has no markers; add the lines\n" + BEGIN + "\n" + END + "\nwhere the rules belong");
      }
      Files.writeString(doc, text.substring(0, begin) + generated + text.substring(end + END.length()),
          StandardCharsets.UTF_8);
      return;
    }
    assertThat(begin).as(doc + " holds the marker " + BEGIN).isNotNegative();
    assertThat(end).as(doc + " holds the marker " + END).isGreaterThan(begin);
    String current = text.substring(begin, end + END.length());
    if (!current.equals(generated)) {
      fail(doc + " is out of date with the @Rule annotations of the TCK. Regenerate it with\n  " + REGENERATE
          + "\nand commit it (add a line to its changelog of rules when a rule was added or changed). First "
          + "difference at line " + firstDifference(current, generated));
    }
  }

  private static String firstDifference(String a, String b) {
    String[] x = a.split("\n", -1);
    String[] y = b.split("\n", -1);
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      String l = i < x.length ? x[i] : "<none>";
      String r = i < y.length ? y[i] : "<none>";
      if (!l.equals(r)) {
        return (i + 1) + " of the generated part:\n  in the file: " + l + "\n  in the code: " + r;
      }
    }
    return "?";
  }

  @Test
  @DisplayName("the changelog of rules names only ids that exist or are retired")
  void theChangelogNamesKnownIds() throws IOException {
    String text = Files.readString(document(), StandardCharsets.UTF_8);
    int changelog = text.indexOf("## Changelog of rules");
    assertThat(changelog).as("docs/tck-rules.md has a section 'Changelog of rules'").isNotNegative();
    Set<String> known = new TreeSet<>(TckRules.RETIRED);
    TckRules.all().forEach(e -> known.add(e.id()));
    Matcher ids = Pattern.compile("\\b[A-Z]{3}-\\d{2}\\b").matcher(text.substring(changelog));
    Set<String> named = new TreeSet<>();
    while (ids.find()) {
      named.add(ids.group());
    }
    assertThat(named).isNotEmpty();
    assertThat(known).containsAll(named);
  }
}
