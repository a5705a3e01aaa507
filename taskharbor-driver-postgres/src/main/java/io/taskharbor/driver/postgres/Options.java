package io.taskharbor.driver.postgres;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TaskHarbor's own settings of the PostgreSQL driver, validated; each is a DSN query option of the same name (see
 * {@code docs/postgres-driver.md} for the table). Bad values are refused, never coerced.
 *
 * @param schema the schema that holds {@code th_jobs}
 * @param poolSize the most pooled connections
 * @param minIdle the fewest idle pooled connections the pool keeps
 * @param connectTimeout how long to wait for a connection (from the pool, or a new one) before failing
 * @param maxPayloadBytes the largest payload or result, in UTF-8 bytes
 * @param autoMigrate whether opening the driver applies pending migrations
 */
record Options(
    String schema, int poolSize, int minIdle, Duration connectTimeout, int maxPayloadBytes, boolean autoMigrate) {

  static final String SCHEMA = "schema";
  static final String POOL_SIZE = "poolSize";
  static final String MIN_IDLE = "minIdle";
  static final String CONNECT_TIMEOUT = "connectTimeout";
  static final String MAX_PAYLOAD_BYTES = "maxPayloadBytes";
  static final String AUTO_MIGRATE = "autoMigrate";

  /** Every option key, in documentation order. */
  static final Set<String> KEYS =
      Set.of(SCHEMA, POOL_SIZE, MIN_IDLE, CONNECT_TIMEOUT, MAX_PAYLOAD_BYTES, AUTO_MIGRATE);

  static final String DEFAULT_SCHEMA = "public";
  static final int DEFAULT_POOL_SIZE = 10;
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

  /** Schema names the driver accepts: lower-case, so that quoted and unquoted spellings name the same schema. */
  static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");

  Options {
    checkSchema(schema);
    if (poolSize < 1 || poolSize > 1000) {
      throw new IllegalArgumentException(POOL_SIZE + " must be between 1 and 1000 but was " + poolSize);
    }
    if (minIdle < 0 || minIdle > poolSize) {
      throw new IllegalArgumentException(
          MIN_IDLE + " must be between 0 and " + POOL_SIZE + " (" + poolSize + ") but was " + minIdle);
    }
    if (connectTimeout.compareTo(Duration.ofMillis(250)) < 0 || connectTimeout.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          CONNECT_TIMEOUT + " must be between 250ms and 1h but was " + connectTimeout + ": e.g. 10s");
    }
    if (maxPayloadBytes < 2 || maxPayloadBytes > 256 * 1024 * 1024) {
      throw new IllegalArgumentException(
          MAX_PAYLOAD_BYTES + " must be between 2 and 268435456 (256 MiB) but was " + maxPayloadBytes);
    }
  }

  /** Checks a schema name against {@link #SCHEMA_NAME}. */
  static String checkSchema(String schema) {
    if (schema == null || !SCHEMA_NAME.matcher(schema).matches()) {
      throw new IllegalArgumentException("schema '" + schema + "' is not an accepted schema name: use 1 to 63 "
          + "characters from a-z 0-9 _, not starting with a digit (e.g. public or taskharbor)");
    }
    return schema;
  }

  /** Parses the options in {@code raw} (keys as in {@link #KEYS}); absent ones take their defaults. */
  static Options parse(Map<String, String> raw) {
    for (String key : raw.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown option '" + key + "': the PostgreSQL driver's options are "
            + KEYS);
      }
    }
    int poolSize = integer(raw, POOL_SIZE, DEFAULT_POOL_SIZE);
    return new Options(
        raw.getOrDefault(SCHEMA, DEFAULT_SCHEMA),
        poolSize,
        integer(raw, MIN_IDLE, poolSize),
        raw.containsKey(CONNECT_TIMEOUT) ? duration(CONNECT_TIMEOUT, raw.get(CONNECT_TIMEOUT))
            : DEFAULT_CONNECT_TIMEOUT,
        integer(raw, MAX_PAYLOAD_BYTES, DEFAULT_MAX_PAYLOAD_BYTES),
        bool(raw, AUTO_MIGRATE));
  }

  private static int integer(Map<String, String> raw, String key, int fallback) {
    String value = raw.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number but was '" + value + "'", e);
    }
  }

  private static boolean bool(Map<String, String> raw, String key) {
    String value = raw.get(key);
    if (value == null) {
      return false;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(key + " must be true or false but was '" + value + "'");
    };
  }

  /** Parses {@code 10} (seconds, as libpq's connect_timeout), {@code 10s}, {@code 500ms} or {@code 2m}. */
  static Duration duration(String key, String value) {
    Matcher m = DURATION.matcher(value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          key + " must be a duration such as 10 (seconds), 10s, 500ms or 2m but was '" + value + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }
}
