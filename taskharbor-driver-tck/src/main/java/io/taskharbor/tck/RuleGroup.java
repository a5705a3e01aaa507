package io.taskharbor.tck;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A group of TCK rules, on its rules interface (one per group, such as {@link EnqueueRules}). The group's {@code
 * @Nested} class in {@link DriverTck} is shown as {@code id + " " + name + ": " + summary}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RuleGroup {

  /** The group's id: three upper-case letters, the start of every rule id of the group, such as {@code ENQ}. */
  String id();

  /** The group's short name, such as {@code enqueue}. */
  String name();

  /** What the group's rules add up to, in one line. */
  String summary();
}
