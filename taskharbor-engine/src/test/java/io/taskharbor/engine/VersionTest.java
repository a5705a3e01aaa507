package io.taskharbor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VersionTest {

  @Test
  @DisplayName("TaskHarbor.version() is the project's version (the build passes it as taskharbor.expected.version)")
  void versionIsTheProjectVersion() {
    String expected = System.getProperty("taskharbor.expected.version");
    assertThat(expected)
        .as("system property taskharbor.expected.version: set by the engine's Surefire configuration; run the test "
            + "through Maven, or pass -Dtaskharbor.expected.version=<the pom's version> to the JVM")
        .isNotBlank();
    assertThat(TaskHarbor.version()).isEqualTo(expected).isNotEqualTo(Version.UNKNOWN);
  }

  @Test
  @DisplayName("the build filled in the version resource next to Version")
  void resourceIsFiltered() throws IOException {
    try (InputStream in = Version.class.getResourceAsStream(Version.RESOURCE)) {
      assertThat(in).as(Version.RESOURCE + " on the class path").isNotNull();
      String version = Version.read(in);
      assertThat(version).isEqualTo(System.getProperty("taskharbor.expected.version")).doesNotContain("${");
    }
  }

  @Test
  @DisplayName("the resource wins; an unfilled, blank or missing one falls back to the manifest, then to unknown")
  void fallbacks() {
    assertThat(Version.resolve("1.2.3", "9.9.9")).isEqualTo("1.2.3");
    assertThat(Version.resolve(" 1.2.3\t", null)).isEqualTo("1.2.3");
    assertThat(Version.resolve("${project.version}", "1.2.4")).isEqualTo("1.2.4");
    assertThat(Version.resolve("  ", "1.2.4")).isEqualTo("1.2.4");
    assertThat(Version.resolve(null, "1.2.4")).isEqualTo("1.2.4");
    assertThat(Version.resolve(null, null)).isEqualTo("unknown");
    assertThat(Version.resolve("${project.version}", "")).isEqualTo("unknown");
  }

  @Test
  @DisplayName("the resource's version key is read; a missing stream, key or malformed file gives null")
  void reading() {
    assertThat(Version.read(stream("# comment\nversion=0.2.0\n"))).isEqualTo("0.2.0");
    assertThat(Version.read(stream("other=1\n"))).isNull();
    assertThat(Version.read(stream("version=\\u00zz\n"))).isNull();
    assertThat(Version.read(null)).isNull();
  }

  private static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
  }
}
