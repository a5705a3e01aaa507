package io.taskharbor.driver.postgres;

import io.taskharbor.spi.Driver;
import io.taskharbor.spi.DriverConfig;
import io.taskharbor.spi.DriverProvider;
import java.net.URI;
import java.util.Map;

/**
 * Finds the PostgreSQL driver by URI: {@code postgres://user:password@host:5432/db?schema=jobs},
 * {@code postgresql://...} and {@code jdbc:postgresql://host:5432/db?user=...}. Options come from the URI's query
 * string and from {@link DriverConfig#options()} (the same names; see {@code docs/postgres-driver.md}); other query
 * keys are PostgreSQL JDBC driver properties such as {@code sslmode}. Stateless and cheap.
 */
public final class PostgresDriverProvider implements DriverProvider {

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public PostgresDriverProvider() {}

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  @Override
  public boolean accepts(URI uri) {
    try {
      return uri != null && Dsn.looksLikePostgres(uri.toString());
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Opens a driver (its own HikariCP pool) for the config's URI and options.
   *
   * @throws IllegalArgumentException if the URI or an option is malformed, or the schema does not exist
   * @throws io.taskharbor.api.DriverException if the database cannot be reached
   */
  @Override
  public Driver open(DriverConfig config) {
    PostgresDriver.Builder builder = PostgresDriver.builder().dsn(config.uri().toString());
    for (Map.Entry<String, String> option : config.options().entrySet()) {
      builder.option(option.getKey(), option.getValue());
    }
    return builder.build();
  }
}
