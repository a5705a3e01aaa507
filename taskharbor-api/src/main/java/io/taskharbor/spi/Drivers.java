package io.taskharbor.spi;

import io.taskharbor.api.AmbiguousDriverException;
import io.taskharbor.api.DriverNotFoundException;
import io.taskharbor.api.IncompatibleDriverException;
import java.net.URI;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Finds drivers on the class path with {@link ServiceLoader} and opens one by URI, as JDBC does.
 *
 * <p>Providers are loaded with this class's own class loader unless a loader is passed; a provider that fails to load
 * is skipped (and logged through {@code java.util.logging}, as this module depends on the JDK only) so that one broken
 * jar does not hide the others. Two providers accepting one URI is an {@link AmbiguousDriverException} that names
 * both and their jars.
 */
public final class Drivers {

  private static final Logger LOG = Logger.getLogger(Drivers.class.getName());

  private Drivers() {}

  /**
   * Opens the driver that accepts {@code uri}, such as {@code "memory:"} or {@code "postgres://localhost/app"}, read
   * as {@link DriverConfig#of(String)} reads it.
   *
   * @throws IllegalArgumentException if {@code uri} is not a URI (the message shows it redacted)
   * @throws DriverNotFoundException if no driver accepts it; the message lists the drivers found
   * @throws AmbiguousDriverException if more than one does
   * @throws IncompatibleDriverException if the driver that accepts it was built for another SPI version
   */
  public static Driver open(String uri) {
    return open(DriverConfig.of(uri));
  }

  /** Opens the driver that accepts {@code uri}; see {@link #open(String)}. */
  public static Driver open(URI uri) {
    return open(DriverConfig.of(uri));
  }

  /** Opens the driver that accepts the config's URI, with its options. */
  public static Driver open(DriverConfig config) {
    return open(config, Drivers.class.getClassLoader());
  }

  /** Opens the driver that accepts the config's URI, looking for providers with {@code loader}. */
  public static Driver open(DriverConfig config, ClassLoader loader) {
    return find(config.uri(), loader).open(config);
  }

  /**
   * Opens the default driver when no URI is configured: the in-memory driver, if it is the only one on the class path.
   *
   * @throws DriverNotFoundException if no driver is present, or drivers other than memory are (then name a URI)
   */
  public static Driver openDefault() {
    return openDefault(Drivers.class.getClassLoader());
  }

  /** Opens the default driver, looking for providers with {@code loader}; see {@link #openDefault()}. */
  public static Driver openDefault(ClassLoader loader) {
    List<DriverProvider> all = providers(loader);
    URI memory = URI.create("memory:/");
    if (all.size() == 1 && all.get(0).accepts(memory)) {
      return compatible(all.get(0)).open(DriverConfig.of(memory));
    }
    List<String> names = names(all);
    if (all.isEmpty()) {
      throw new DriverNotFoundException(
          "no TaskHarbor driver is on the class path: add taskharbor-driver-memory or taskharbor-driver-postgres",
          names);
    }
    throw new DriverNotFoundException(
        "no driver URI was given and the class path holds " + names + ": pass a URI such as memory: or "
            + "postgres://user@host:5432/db",
        names);
  }

  /** Returns the provider that accepts {@code uri}. */
  public static DriverProvider find(URI uri, ClassLoader loader) {
    Objects.requireNonNull(uri, "uri");
    List<DriverProvider> all = providers(loader);
    List<DriverProvider> matching = new ArrayList<>();
    for (DriverProvider p : all) {
      if (p.accepts(uri)) {
        matching.add(p);
      }
    }
    String shown = ConnectionString.redact(uri.toString());
    if (matching.isEmpty()) {
      throw new DriverNotFoundException(
          "no TaskHarbor driver accepts '" + shown + "'; drivers on the class path: " + names(all)
              + ". Use memory: for the in-memory driver or postgres://user@host:5432/db (with "
              + "taskharbor-driver-postgres on the class path)",
          names(all));
    }
    if (matching.size() > 1) {
      List<String> described = matching.stream().map(Drivers::describe).collect(Collectors.toList());
      throw new AmbiguousDriverException(
          "more than one TaskHarbor driver accepts '" + shown + "': " + String.join(", ", described)
              + ". Remove one of these jars from the class path",
          described);
    }
    return compatible(matching.get(0));
  }

  /** Returns {@code provider} if it was built for this SPI version, else throws saying which versions differ. */
  private static DriverProvider compatible(DriverProvider provider) {
    int builtFor = provider.spiVersion();
    if (builtFor != DriverProvider.SPI_VERSION) {
      String described = describe(provider);
      throw new IncompatibleDriverException(
          "TaskHarbor driver " + described + " was built for driver SPI version " + builtFor + ", but the "
              + "taskharbor-api on the class path has SPI version " + DriverProvider.SPI_VERSION + ": use the "
              + "driver's release built for this TaskHarbor version (or align every taskharbor-* jar with "
              + "taskharbor-bom)",
          described, builtFor, DriverProvider.SPI_VERSION);
    }
    return provider;
  }

  /** Returns every provider that loads with {@code loader}, skipping (and logging) any that fails to. */
  public static List<DriverProvider> providers(ClassLoader loader) {
    Objects.requireNonNull(loader, "loader");
    List<DriverProvider> result = new ArrayList<>();
    var iterator = ServiceLoader.load(DriverProvider.class, loader).stream().iterator();
    while (true) {
      ServiceLoader.Provider<DriverProvider> next;
      try {
        if (!iterator.hasNext()) {
          break;
        }
        next = iterator.next();
      } catch (ServiceConfigurationError e) {
        LOG.log(Level.WARNING, "skipping a TaskHarbor driver that failed to load", e);
        continue;
      }
      try {
        result.add(next.get());
      } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
        LOG.log(Level.WARNING, "skipping TaskHarbor driver " + next.type().getName() + " that failed to start", e);
      }
    }
    return result;
  }

  private static List<String> names(List<DriverProvider> providers) {
    return providers.stream().map(DriverProvider::name).collect(Collectors.toList());
  }

  private static String describe(DriverProvider p) {
    CodeSource source = p.getClass().getProtectionDomain().getCodeSource();
    String where = source == null || source.getLocation() == null ? "unknown location" : source.getLocation().toString();
    return p.name() + " (" + p.getClass().getName() + " from " + where + ")";
  }
}
