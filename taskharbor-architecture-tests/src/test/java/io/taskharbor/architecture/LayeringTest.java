package io.taskharbor.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The arrows of docs/architecture.md §1, enforced: {@code engine → api ← drivers}, {@code tck → api (+ engine)},
 * {@code micrometer → engine, api}, {@code server → engine, micrometer, postgres driver, api} (their public classes).
 * Each field name is
 * the rule as a sentence. Production classes only (test classes are free to wire modules together).
 */
@AnalyzeClasses(packages = "io.taskharbor", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

  @ArchTest
  static final ArchRule api_and_spi_depend_only_on_the_jdk_and_jspecify =
      classes()
          .that().resideInAnyPackage("io.taskharbor.api..", "io.taskharbor.spi..")
          .should().onlyDependOnClassesThat()
          .resideInAnyPackage("java..", "org.jspecify..", "io.taskharbor.api..", "io.taskharbor.spi..");

  @ArchTest
  static final ArchRule the_api_package_does_not_depend_on_the_spi =
      noClasses().that().resideInAPackage("io.taskharbor.api..")
          .should().dependOnClassesThat().resideInAPackage("io.taskharbor.spi..");

  @ArchTest
  static final ArchRule the_engine_uses_no_jdbc =
      noClasses().that().resideInAPackage("io.taskharbor.engine..")
          .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..");

  @ArchTest
  static final ArchRule the_engine_never_sees_a_driver =
      noClasses().that().resideInAPackage("io.taskharbor.engine..")
          .should().dependOnClassesThat().resideInAnyPackage("io.taskharbor.driver..", "io.taskharbor.tck..");

  @ArchTest
  static final ArchRule drivers_never_see_the_engine =
      noClasses().that().resideInAPackage("io.taskharbor.driver..")
          .should().dependOnClassesThat().resideInAnyPackage("io.taskharbor.engine..", "io.taskharbor.tck..");

  @ArchTest
  static final ArchRule drivers_do_not_depend_on_each_other =
      slices().matching("io.taskharbor.driver.(*)..").should().notDependOnEachOther();

  @ArchTest
  static final ArchRule the_tck_depends_on_no_shipped_driver =
      noClasses().that().resideInAPackage("io.taskharbor.tck..")
          .should().dependOnClassesThat().resideInAPackage("io.taskharbor.driver..");

  @ArchTest
  static final ArchRule internal_packages_are_used_only_inside_their_module =
      noClasses().that().resideOutsideOfPackage("io.taskharbor.engine..")
          .should().dependOnClassesThat().resideInAPackage("io.taskharbor.engine.internal..")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule the_api_modules_internal_checks_are_used_only_by_the_api_and_the_spi =
      noClasses().that().resideOutsideOfPackages("io.taskharbor.api..", "io.taskharbor.spi..")
          .should().dependOnClassesThat().resideInAPackage("io.taskharbor.api.internal..");

  @ArchTest
  static final ArchRule the_api_modules_internal_checks_depend_on_the_jdk_alone =
      classes().that().resideInAPackage("io.taskharbor.api.internal..")
          .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.jspecify..",
              "io.taskharbor.api.internal..");

  @ArchTest
  static final ArchRule the_driver_support_package_is_not_used_by_the_spis_value_types =
      noClasses().that().resideInAPackage("io.taskharbor.spi")
          .should().dependOnClassesThat().resideInAPackage("io.taskharbor.spi.support..");

  @ArchTest
  static final ArchRule the_engines_internals_depend_on_no_public_engine_class_but_the_events =
      noClasses().that().resideInAPackage("io.taskharbor.engine.internal..")
          .should().dependOnClassesThat().resideInAPackage("io.taskharbor.engine");

  @ArchTest
  static final ArchRule the_engines_events_depend_only_on_the_api =
      classes().that().resideInAPackage("io.taskharbor.engine.event..")
          .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.jspecify..", "io.taskharbor.api..",
              "io.taskharbor.engine.event..");

  @ArchTest
  static final ArchRule the_micrometer_module_depends_on_the_engine_and_the_api_only =
      classes().that().resideInAPackage("io.taskharbor.micrometer..")
          .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.jspecify..", "org.slf4j..",
              "io.micrometer..", "io.taskharbor.api", "io.taskharbor.spi", "io.taskharbor.engine",
              "io.taskharbor.engine.event", "io.taskharbor.micrometer..");

  @ArchTest
  static final ArchRule the_micrometer_module_never_sees_a_driver_or_jdbc =
      noClasses().that().resideInAPackage("io.taskharbor.micrometer..")
          .should().dependOnClassesThat().resideInAnyPackage("io.taskharbor.driver..", "io.taskharbor.tck..",
              "java.sql..", "javax.sql..");

  @ArchTest
  static final ArchRule the_server_uses_the_public_api_of_the_engine_the_metrics_and_the_postgres_driver_only =
      classes().that().resideInAPackage("io.taskharbor.server..")
          .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.jspecify..", "org.slf4j..",
              "ch.qos.logback..", "io.micrometer..", "com.sun.net.httpserver..", "sun.misc..",
              "io.taskharbor.api", "io.taskharbor.spi", "io.taskharbor.spi.support", "io.taskharbor.engine",
              "io.taskharbor.engine.event", "io.taskharbor.micrometer", "io.taskharbor.driver.postgres",
              "io.taskharbor.server..");

  @ArchTest
  static final ArchRule the_server_reaches_the_database_through_the_driver_alone =
      noClasses().that().resideInAPackage("io.taskharbor.server..")
          .should().dependOnClassesThat().resideInAnyPackage("javax.sql..", "com.zaxxer..", "org.postgresql..",
              "liquibase..");

  /** The one plain connection of the server: CREATE SCHEMA, through PostgresDriver.connect, before the driver opens. */
  @ArchTest
  static final ArchRule only_the_servers_schema_creation_uses_jdbc =
      noClasses().that().resideInAPackage("io.taskharbor.server..")
          .and().doNotHaveFullyQualifiedName("io.taskharbor.server.Schemas")
          .should().dependOnClassesThat().resideInAnyPackage("java.sql..");

  @ArchTest
  static final ArchRule the_server_uses_only_the_postgres_drivers_public_classes =
      noClasses().that().resideInAPackage("io.taskharbor.server..")
          .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
              "non-public classes of the PostgreSQL driver",
              (com.tngtech.archunit.core.domain.JavaClass c) -> c.getPackageName().equals("io.taskharbor.driver.postgres")
                  && !c.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC)));

  @ArchTest
  static final ArchRule no_library_module_depends_on_the_server =
      noClasses().that().resideOutsideOfPackage("io.taskharbor.server..")
          .should().dependOnClassesThat().resideInAPackage("io.taskharbor.server..");

  @ArchTest
  static final ArchRule there_are_no_cycles_between_packages =
      slices().matching("io.taskharbor.(**)").should().beFreeOfCycles();
}
