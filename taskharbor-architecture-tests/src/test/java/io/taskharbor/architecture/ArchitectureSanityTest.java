package io.taskharbor.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Guards the layering rules against vacuous success: every module's classes must actually be imported. */
class ArchitectureSanityTest {

  @Test
  void everyModuleIsOnTheAnalysedClassPath() {
    JavaClasses classes =
        new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests()).importPackages("io.taskharbor");
    assertThat(classes.stream().map(c -> c.getPackageName()).distinct())
        .contains("io.taskharbor.api", "io.taskharbor.spi", "io.taskharbor.engine", "io.taskharbor.driver.memory",
            "io.taskharbor.driver.postgres", "io.taskharbor.tck", "io.taskharbor.micrometer",
            "io.taskharbor.server");
  }
}
