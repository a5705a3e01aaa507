package io.taskharbor.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.JobId;
import io.taskharbor.driver.memory.MemoryDriverProvider;
import io.taskharbor.driver.postgres.PostgresDriverProvider;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.micrometer.TaskHarborMetrics;
import io.taskharbor.server.TaskHarborServer;
import io.taskharbor.tck.DriverTck;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The jars that are deployed carry the project's version in their manifests, and the engine reports it at run time.
 *
 * <p>Reads the packaged jars, so it is a Failsafe test: {@code mvn verify} runs it in the integration-test phase, when
 * the reactor puts every upstream module's jar on the class path. Run where the modules are directories
 * ({@code target/classes}: an IDE, or goals that stop before {@code package}) it fails and says so.
 */
class DeployableJarsIT {

  /** Every deployable module that has a jar (the BOM has none), with a class it ships and its module name. */
  static Stream<Arguments> deployableJars() {
    return Stream.of(
        Arguments.of("taskharbor-api", JobId.class, "io.taskharbor.api"),
        Arguments.of("taskharbor-engine", TaskHarbor.class, "io.taskharbor.engine"),
        Arguments.of("taskharbor-driver-memory", MemoryDriverProvider.class, "io.taskharbor.driver.memory"),
        Arguments.of("taskharbor-driver-postgres", PostgresDriverProvider.class, "io.taskharbor.driver.postgres"),
        Arguments.of("taskharbor-driver-tck", DriverTck.class, "io.taskharbor.tck"),
        Arguments.of("taskharbor-micrometer", TaskHarborMetrics.class, "io.taskharbor.micrometer"),
        Arguments.of("taskharbor-server", TaskHarborServer.class, "io.taskharbor.server"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deployableJars")
  @DisplayName("the jar's manifest names its version, title and module")
  void manifestCarriesTheVersion(String artifactId, Class<?> shipped, String moduleName) throws IOException {
    String version = expectedVersion();
    Path jar = jarOf(artifactId, shipped);
    assertThat(jar.getFileName().toString()).as("the jar that %s comes from", shipped.getName())
        .startsWith(artifactId + "-").endsWith(".jar");

    Manifest manifest;
    try (JarFile file = new JarFile(jar.toFile())) {
      manifest = file.getManifest();
    }
    assertThat(manifest).as("META-INF/MANIFEST.MF of %s", jar).isNotNull();
    Attributes main = manifest.getMainAttributes();
    assertThat(main.getValue(Attributes.Name.IMPLEMENTATION_VERSION)).as("Implementation-Version of %s", jar)
        .isEqualTo(version);
    assertThat(main.getValue(Attributes.Name.IMPLEMENTATION_TITLE)).as("Implementation-Title of %s", jar)
        .isNotBlank();
    assertThat(main.getValue("Automatic-Module-Name")).as("Automatic-Module-Name of %s", jar).isEqualTo(moduleName);
  }

  @Test
  @DisplayName("TaskHarbor.version() read from the engine jar is the project's version")
  void engineReportsTheVersion() {
    jarOf("taskharbor-engine", TaskHarbor.class);
    assertThat(TaskHarbor.version()).isEqualTo(expectedVersion());
  }

  private static String expectedVersion() {
    String version = System.getProperty("taskharbor.expected.version");
    assertThat(version)
        .as("system property taskharbor.expected.version: set by this module's Failsafe configuration; run the "
            + "test with `mvn verify`")
        .isNotBlank();
    return version;
  }

  /** The jar the class was loaded from; fails, saying why, when it was loaded from a directory. */
  private static Path jarOf(String artifactId, Class<?> shipped) {
    Path location;
    try {
      location = Path.of(shipped.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError("cannot locate the class path entry of " + shipped.getName(), e);
    }
    assertThat(Files.isRegularFile(location) && location.toString().endsWith(".jar"))
        .as("%s (%s) was loaded from %s, which is not a jar. This test reads the manifests of the packaged jars: run "
            + "it with `mvn verify`, where Failsafe runs it after every module is packaged (a directory such as "
            + "target/classes is what an IDE or a build that stops before the package phase puts on the class path)",
            artifactId, shipped.getName(), location)
        .isTrue();
    return location;
  }
}
