package io.taskharbor.tck;

import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGenerator;

/**
 * Names every TCK test after its rule: a test method is shown as its {@link Rule}'s id and text ({@code "ENQ-01 an
 * enqueued job is stored READY ..."}), a group's {@code @Nested} class as its {@link RuleGroup}'s id, name and
 * summary. The text lives once, on the rules interface; a failing test's display name is what to look up in {@code
 * docs/tck-rules.md}. Methods and classes without a rule keep JUnit's standard names.
 */
public class RuleDisplayNames extends DisplayNameGenerator.Standard {

  /** Called by JUnit, through {@code @DisplayNameGeneration} on {@link TckGroup}. */
  public RuleDisplayNames() {}

  @Override
  public String generateDisplayNameForNestedClass(List<Class<?>> enclosingInstanceTypes, Class<?> nestedClass) {
    return TckRules.groupOf(nestedClass).map(TckRules.Group::displayName)
        .orElseGet(() -> super.generateDisplayNameForNestedClass(enclosingInstanceTypes, nestedClass));
  }

  @Override
  public String generateDisplayNameForMethod(List<Class<?>> enclosingInstanceTypes, Class<?> testClass,
      Method testMethod) {
    return TckRules.ruleOf(testClass, testMethod).map(TckRules.Entry::displayName)
        .orElseGet(() -> super.generateDisplayNameForMethod(enclosingInstanceTypes, testClass, testMethod));
  }
}
