package io.taskharbor.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The version of TaskHarbor on the class path, behind {@link TaskHarbor#version()}. Read once, from the
 * {@code taskharbor.properties} resource that the build fills in; failing that, from the {@code Implementation-Version}
 * of the engine jar's manifest; failing that, {@value #UNKNOWN}.
 */
final class Version {

  /** What {@link #current()} returns when neither source gives a version. */
  static final String UNKNOWN = "unknown";

  /** The resource next to this class, filtered by the build: {@code version=${project.version}}. */
  static final String RESOURCE = "taskharbor.properties";

  private static final String CURRENT = resolve(fromResource(), Version.class.getPackage().getImplementationVersion());

  private Version() {}

  /** Returns the version of this engine, such as {@code 0.2.0}, or {@value #UNKNOWN}. */
  static String current() {
    return CURRENT;
  }

  /** The first usable of the two: a value that is set, not blank, and not a placeholder the build left unfilled. */
  static String resolve(@Nullable String fromProperties, @Nullable String fromManifest) {
    if (usable(fromProperties)) {
      return fromProperties.strip();
    }
    if (usable(fromManifest)) {
      return fromManifest.strip();
    }
    return UNKNOWN;
  }

  /** The {@code version} key of the given properties stream, closed afterwards; null if absent or unreadable. */
  static @Nullable String read(@Nullable InputStream properties) {
    if (properties == null) {
      return null;
    }
    try (InputStream in = properties) {
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private static @Nullable String fromResource() {
    return read(Version.class.getResourceAsStream(RESOURCE));
  }

  private static boolean usable(@Nullable String version) {
    return version != null && !version.isBlank() && !version.contains("${");
  }
}
