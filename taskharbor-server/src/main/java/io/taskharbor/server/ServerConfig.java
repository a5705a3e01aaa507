package io.taskharbor.server;

import io.taskharbor.spi.support.Validation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The service's settings, read from the environment with the seed's defaults. Every value is checked here, so that a
 * malformed or out-of-range one stops the service before it opens anything, with a {@link ConfigException} that names
 * the variable, the value and the expected form.
 */
record ServerConfig(
    String databaseUrl,
    String databaseUrlVariable,
    int workerPoolSize,
    Duration claimInterval,
    Duration shutdownTimeout,
    boolean distributed,
    Duration heartbeatInterval,
    Duration workerTimeout,
    Duration leaderTerm,
    Duration cleanupInterval,
    int metricsPort,
    Duration metricsRefreshInterval,
    boolean debug,
    boolean enqueueExamples,
    List<String> queues,
    boolean migrate,
    Set<String> unknownTaskHarborVariables) {

  static final String DATABASE_URL = "DATABASE_URL";
  static final String TASKHARBOR_DSN = "TASKHARBOR_DSN";
  static final String WORKER_POOL_SIZE = "WORKER_POOL_SIZE";
  static final String CLAIM_INTERVAL = "CLAIM_INTERVAL";
  static final String SHUTDOWN_TIMEOUT = "SHUTDOWN_TIMEOUT";
  static final String DISTRIBUTED_MODE = "DISTRIBUTED_MODE";
  static final String HEARTBEAT_INTERVAL = "HEARTBEAT_INTERVAL";
  static final String WORKER_TIMEOUT = "WORKER_TIMEOUT";
  static final String LEADER_TERM = "LEADER_TERM";
  static final String CLEANUP_INTERVAL = "CLEANUP_INTERVAL";
  static final String METRICS_PORT = "METRICS_PORT";
  static final String METRICS_REFRESH_INTERVAL = "METRICS_REFRESH_INTERVAL";
  static final String DEBUG = "DEBUG";
  static final String ENQUEUE_EXAMPLES = "ENQUEUE_EXAMPLES";
  static final String QUEUES = "QUEUES";
  static final String MIGRATE = "MIGRATE";

  /** The {@code TASKHARBOR_} variables the service knows; any other is reported as a likely typo. */
  static final Set<String> KNOWN_TASKHARBOR_VARIABLES = Set.of(TASKHARBOR_DSN);

  static final int MAX_POOL_SIZE = 1000;
  static final Duration MAX_DURATION = Duration.ofDays(1);

  private static final String BOOLEAN_FORM = "true or false (also 1, 0, t, f, TRUE, FALSE)";

  ServerConfig {
    queues = List.copyOf(queues);
    unknownTaskHarborVariables = Set.copyOf(unknownTaskHarborVariables);
  }

  /**
   * Reads the settings from an environment.
   *
   * @throws ConfigException for the first variable that is missing, malformed or out of range
   */
  static ServerConfig fromEnv(Map<String, String> env) {
    String dsnVariable = present(env, TASKHARBOR_DSN) ? TASKHARBOR_DSN : DATABASE_URL;
    String dsn = value(env, dsnVariable);
    if (dsn == null) {
      throw new ConfigException(DATABASE_URL, DATABASE_URL + " is not set: expected a PostgreSQL DSN such as "
          + "postgres://user:password@host:5432/db?sslmode=disable (" + TASKHARBOR_DSN + " is also accepted)");
    }
    if (!dsn.matches("(?i)(postgres|postgresql|jdbc:postgresql)://.+")) {
      throw new ConfigException(dsnVariable, dsnVariable + "='" + Secrets.redactDsn(dsn) + "' is not a PostgreSQL DSN: "
          + "expected postgres://user:password@host:5432/db?sslmode=disable");
    }
    int poolSize = integer(env, WORKER_POOL_SIZE, 10, 1, MAX_POOL_SIZE);
    Duration claimInterval = duration(env, CLAIM_INTERVAL, Duration.ofSeconds(1));
    Duration shutdownTimeout = duration(env, SHUTDOWN_TIMEOUT, Duration.ofSeconds(30));
    boolean distributed = bool(env, DISTRIBUTED_MODE, false);
    Duration heartbeat = duration(env, HEARTBEAT_INTERVAL, Duration.ofSeconds(10));
    Duration workerTimeout = duration(env, WORKER_TIMEOUT, Duration.ofSeconds(30));
    Duration leaderTerm = duration(env, LEADER_TERM, Duration.ofSeconds(30));
    Duration cleanup = duration(env, CLEANUP_INTERVAL, Duration.ofMinutes(1));
    if (distributed && workerTimeout.compareTo(heartbeat.multipliedBy(2)) < 0) {
      throw new ConfigException(WORKER_TIMEOUT, WORKER_TIMEOUT + "=" + GoDuration.format(workerTimeout)
          + " is out of range: expected at least twice " + HEARTBEAT_INTERVAL + " ("
          + GoDuration.format(heartbeat) + "), so that one late heartbeat does not count a node dead");
    }
    int port = integer(env, METRICS_PORT, 9090, 1, 65535);
    Duration refresh = duration(env, METRICS_REFRESH_INTERVAL, Duration.ofSeconds(15));
    boolean debug = bool(env, DEBUG, false);
    boolean examples = bool(env, ENQUEUE_EXAMPLES, false);
    List<String> queues = queues(env);
    boolean migrate = bool(env, MIGRATE, true);
    Set<String> unknown = new TreeSet<>();
    for (String name : env.keySet()) {
      if (name.startsWith("TASKHARBOR_") && !KNOWN_TASKHARBOR_VARIABLES.contains(name)) {
        unknown.add(name);
      }
    }
    return new ServerConfig(dsn, dsnVariable, poolSize, claimInterval, shutdownTimeout, distributed, heartbeat,
        workerTimeout, leaderTerm, cleanup, port, refresh, debug, examples, queues, migrate, unknown);
  }

  /** The settings as an operator may see them in a log line: the DSN without its password. */
  @Override
  public String toString() {
    return "ServerConfig[" + databaseUrlVariable + "=" + Secrets.redactDsn(databaseUrl)
        + ", " + WORKER_POOL_SIZE + "=" + workerPoolSize
        + ", " + CLAIM_INTERVAL + "=" + GoDuration.format(claimInterval)
        + ", " + SHUTDOWN_TIMEOUT + "=" + GoDuration.format(shutdownTimeout)
        + ", " + DISTRIBUTED_MODE + "=" + distributed
        + (distributed ? ", " + HEARTBEAT_INTERVAL + "=" + GoDuration.format(heartbeatInterval)
            + ", " + WORKER_TIMEOUT + "=" + GoDuration.format(workerTimeout)
            + ", " + LEADER_TERM + "=" + GoDuration.format(leaderTerm)
            + ", " + CLEANUP_INTERVAL + "=" + GoDuration.format(cleanupInterval) : "")
        + ", " + METRICS_PORT + "=" + metricsPort
        + ", " + METRICS_REFRESH_INTERVAL + "=" + GoDuration.format(metricsRefreshInterval)
        + ", " + DEBUG + "=" + debug
        + ", " + ENQUEUE_EXAMPLES + "=" + enqueueExamples
        + ", " + QUEUES + "=" + String.join(",", queues)
        + ", " + MIGRATE + "=" + migrate + "]";
  }

  private static boolean present(Map<String, String> env, String name) {
    return value(env, name) != null;
  }

  /** The trimmed value, or null when unset or blank (a blank variable counts as unset, as in the seed). */
  private static String value(Map<String, String> env, String name) {
    String raw = env.get(name);
    return raw == null || raw.isBlank() ? null : raw.trim();
  }

  private static int integer(Map<String, String> env, String name, int defaultValue, int min, int max) {
    String raw = value(env, name);
    if (raw == null) {
      return defaultValue;
    }
    String form = "an integer from " + min + " to " + max;
    long parsed;
    try {
      parsed = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new ConfigException(name, name + "='" + raw + "' is not an integer: expected " + form);
    }
    if (parsed < min || parsed > max) {
      throw new ConfigException(name, name + "=" + raw + " is out of range: expected " + form);
    }
    return (int) parsed;
  }

  private static Duration duration(Map<String, String> env, String name, Duration defaultValue) {
    String raw = value(env, name);
    if (raw == null) {
      return defaultValue;
    }
    Duration parsed;
    try {
      parsed = GoDuration.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, name + "='" + raw + "' is not a duration (" + e.getMessage() + "): expected "
          + GoDuration.FORM);
    }
    if (parsed.isZero() || parsed.compareTo(MAX_DURATION) > 0) {
      throw new ConfigException(name, name + "=" + raw + " is out of range: expected " + GoDuration.FORM
          + ", more than 0 and at most 24h");
    }
    return parsed;
  }

  private static boolean bool(Map<String, String> env, String name, boolean defaultValue) {
    String raw = value(env, name);
    if (raw == null) {
      return defaultValue;
    }
    // Go's strconv.ParseBool, which the seed's service uses.
    switch (raw) {
      case "1", "t", "T", "true", "TRUE", "True":
        return true;
      case "0", "f", "F", "false", "FALSE", "False":
        return false;
      default:
        throw new ConfigException(name, name + "='" + raw + "' is not a boolean: expected " + BOOLEAN_FORM);
    }
  }

  private static List<String> queues(Map<String, String> env) {
    String raw = value(env, QUEUES);
    if (raw == null) {
      return List.of("default");
    }
    Set<String> queues = new LinkedHashSet<>();
    for (String part : raw.split(",", -1)) {
      String queue = part.trim();
      try {
        Validation.queue(queue);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(QUEUES, QUEUES + "='" + raw + "' holds an invalid queue name '" + queue
            + "': expected comma-separated queue names such as default,emails, each of 1 to 128 characters from "
            + "A-Z a-z 0-9 _ . : -");
      }
      if (!queues.add(queue)) {
        throw new ConfigException(QUEUES, QUEUES + "='" + raw + "' names queue '" + queue
            + "' twice: expected comma-separated queue names, each once");
      }
    }
    return new ArrayList<>(queues);
  }
}
