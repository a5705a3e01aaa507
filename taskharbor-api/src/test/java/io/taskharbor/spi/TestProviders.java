package io.taskharbor.spi;

import java.lang.reflect.Proxy;
import java.net.URI;

/** Providers registered in this module's test resources, to exercise discovery. */
final class TestProviders {
  private TestProviders() {}

  static Driver stub(String name) {
    return (Driver) Proxy.newProxyInstance(Driver.class.getClassLoader(), new Class<?>[] {Driver.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "name", "toString" -> name;
          case "close" -> null;
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  /** Accepts alpha: and beta: URIs. */
  public static final class Alpha implements DriverProvider {
    @Override
    public int spiVersion() {
      return SPI_VERSION;
    }

    @Override
    public String name() {
      return "alpha";
    }

    @Override
    public boolean accepts(URI uri) {
      return "alpha".equals(uri.getScheme()) || "beta".equals(uri.getScheme());
    }

    @Override
    public Driver open(DriverConfig config) {
      return stub("alpha");
    }
  }

  /** Also accepts alpha: URIs, making them ambiguous. */
  public static final class AlsoAlpha implements DriverProvider {
    @Override
    public int spiVersion() {
      return SPI_VERSION;
    }

    @Override
    public String name() {
      return "also-alpha";
    }

    @Override
    public boolean accepts(URI uri) {
      return "alpha".equals(uri.getScheme());
    }

    @Override
    public Driver open(DriverConfig config) {
      return stub("also-alpha");
    }
  }

  /** Accepts outdated: URIs, and was built before the SPI had versions (it does not override spiVersion). */
  public static final class Outdated implements DriverProvider {
    @Override
    public String name() {
      return "outdated";
    }

    @Override
    public boolean accepts(URI uri) {
      return "outdated".equals(uri.getScheme());
    }

    @Override
    public Driver open(DriverConfig config) {
      throw new AssertionError("a driver for another SPI version is never opened");
    }
  }

  /** A provider whose constructor fails, as a broken jar's would. */
  public static final class Broken implements DriverProvider {
    public Broken() {
      throw new IllegalStateException("broken on purpose");
    }

    @Override
    public String name() {
      return "broken";
    }

    @Override
    public boolean accepts(URI uri) {
      return true;
    }

    @Override
    public Driver open(DriverConfig config) {
      throw new AssertionError("never opened");
    }
  }
}
