package io.taskharbor.tck;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One rule of the TCK, on the method of its group's rules interface (such as {@link EnqueueRules}) that the group's
 * test overrides. The annotation is the rule's only statement: the test's display name is {@code id + " " + text}
 * ({@link RuleDisplayNames}), and {@code docs/tck-rules.md} is generated from it. See {@link TckRules} for the
 * conventions.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Rule {

  /**
   * The rule's stable id: its group's id, a dash and a two-digit number, such as {@code ENQ-01}. An id is never
   * reused: a rule that is dropped keeps its number in {@link TckRules#RETIRED}, and a new rule takes the next free
   * number of its group. The test method's name carries the id too, as {@code enq01}.
   */
  String id();

  /** The rule as a sentence, lower-case, without a final full stop: what a driver must do. */
  String text();

  /**
   * Where to look when the rule's test fails, as the words that follow "if this fails, check" (usually starting with
   * "that"). For an {@code untested_} rule: how to check it yourself.
   */
  String ifFails();

  /**
   * For an {@code optional_} rule, the drivers it binds, as the words that follow "only for drivers that" (such as
   * "offer the WakeUpNotifications extension"); empty for every other strength.
   */
  String when() default "";
}
