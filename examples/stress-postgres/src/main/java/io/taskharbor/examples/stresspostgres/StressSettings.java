package io.taskharbor.examples.stresspostgres;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stress run's settings, parsed from {@code --name=value} arguments. Every value is checked; a bad one is an
 * {@link IllegalArgumentException} that names the argument and what it accepts. {@code prefetch} is null for the
 * worker's default, the adaptive prefetch; {@code leaseSeconds} is null for the worker's default lease.
 */
record StressSettings(
    Mode mode, int jobs, int queues, int workers, int concurrency, int fetchParallelism, Integer prefetch,
    int producers, int runs, int warmupRuns, int enqueueBatch, String schema, Metrics metrics, boolean distributed,
    Integer leaseSeconds) {

  /** What the handlers do. */
  enum Mode {
    /** Succeeding, flaky and always-failing handlers; some jobs scheduled, some with idempotency keys. */
    MIXED,
    /** Handlers that return at once: measures the queue itself (enqueue and drain throughput). */
    NOOP,
    /** One job at a time into an idle worker of another client: measures enqueue-to-start latency. */
    LATENCY,
    /** As {@link #LATENCY}, but the worker runs in the enqueuing client, which wakes it without the database. */
    LATENCY_SHARED,
    /**
     * One queue with a global concurrency limit of 1 (a serial queue), drained by {@code --workers} workers of their
     * own clients: measures its throughput and checks that no two of its jobs ever ran at once.
     */
    SERIAL,
    /**
     * One running job at a time canceled from another client: measures the time from the cancel call to the handler
     * seeing it, and checks that the job ends CANCELED.
     */
    CANCEL,
    /** As {@link #CANCEL}, but canceled through the client whose worker runs the job. */
    CANCEL_SHARED,
    /**
     * A worker process killed with SIGKILL while it runs {@code --jobs} jobs: measures the time from the kill to each
     * of those jobs starting on a worker of another client, and checks that each then ends DONE.
     */
    RECOVERY;

    /** Whether the mode measures one job at a time (its {@code --jobs} are samples). */
    boolean samples() {
      return this == LATENCY || this == LATENCY_SHARED || this == CANCEL || this == CANCEL_SHARED || this == RECOVERY;
    }
  }

  /** Which registry, if any, the run's clients publish TaskHarborMetrics to. */
  enum Metrics {
    /** No metrics listener: the baseline. */
    NONE,
    /** A SimpleMeterRegistry per client: the listener's cost alone. */
    SIMPLE,
    /** A PrometheusMeterRegistry per client, scraped once a second during the drain, as Prometheus would. */
    PROMETHEUS
  }

  static final String USAGE = String.join(System.lineSeparator(),
      "usage: StressPostgresExample [--mode=mixed|noop|latency|latency-shared|serial|cancel|cancel-shared|recovery]",
      "                             [--jobs=N] [--queues=N] [--workers=N] [--lease-seconds=N]",
      "                             [--concurrency=N] [--fetch-parallelism=N] [--prefetch=N] [--producers=N] [--runs=N]",
      "                             [--warmup-runs=N] [--enqueue-batch=N] [--schema=NAME]",
      "                             [--metrics[=none|simple|prometheus]] [--distributed]",
      "  --mode           mixed (default), noop, latency or latency-shared (the worker in the enqueuing client),",
      "                   serial (one queue with a global limit of 1, drained by --workers workers), cancel or",
      "                   cancel-shared (a running job canceled from another client, or from the worker's own), or",
      "                   recovery (a worker process holding --jobs running jobs killed with SIGKILL, once per run)",
      "  --jobs           jobs per run (default 20000; serial: 2000; latency modes: samples, default 200; cancel",
      "                   modes: samples, default 20; recovery: jobs the killed worker holds, default 8)",
      "  --queues         queues the jobs are spread over (default 4)",
      "  --workers        Worker instances, each with its own driver connection pool (default 1)",
      "  --concurrency    handler threads per worker (default 16)",
      "  --fetch-parallelism  reserves each worker keeps in flight under a backlog (default: the worker's, 1)",
      "  --prefetch       reserved jobs each worker may hold waiting for a handler thread (default: the worker's adaptive prefetch)",
      "  --producers      threads that enqueue the batches at once, each on its own connection (default 4)",
      "  --runs           measured repetitions; the median is reported (default 1)",
      "  --warmup-runs    runs before those, not measured: class loading and JIT compilation (default 1)",
      "  --enqueue-batch  jobs per enqueueAll call (default 1000)",
      "  --schema         the PostgreSQL schema the run owns; DROPPED and re-created each run (default "
          + "taskharbor_stress)",
      "  --metrics        bind TaskHarborMetrics to every client: prometheus (what --metrics alone means; scraped",
      "                   once a second while draining), simple (a SimpleMeterRegistry, never read), or none",
      "                   (default); each run then also checks that the listener counted every finished job",
      "  --distributed    run every client in distributed mode (node registry, leader, database clock) with its",
      "                   defaults (docs/distributed-mode.md); throughput, latency and recovery modes",
      "  --lease-seconds  the workers' lease (default: the worker's, 30 s); recovery mode");

  StressSettings {
    atLeast("jobs", jobs, 1);
    atLeast("queues", queues, 1);
    atLeast("workers", workers, 1);
    atLeast("concurrency", concurrency, 1);
    atLeast("fetch-parallelism", fetchParallelism, 1);
    if (prefetch != null) {
      atLeast("prefetch", prefetch, 0);
    }
    atLeast("producers", producers, 1);
    atLeast("runs", runs, 1);
    atLeast("warmup-runs", warmupRuns, 0);
    atLeast("enqueue-batch", enqueueBatch, 1);
    if (leaseSeconds != null) {
      atLeast("lease-seconds", leaseSeconds, 1);
    }
    if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("--schema must be a lower-case SQL identifier such as taskharbor_stress, got '"
          + schema + "'");
    }
  }

  static StressSettings parse(List<String> args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String arg : args) {
      if (arg.equals("--metrics")) {
        values.put("metrics", "prometheus");
        continue;
      }
      if (arg.equals("--distributed")) {
        values.put("distributed", "true");
        continue;
      }
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 3) {
        throw new IllegalArgumentException("arguments look like --name=value, got '" + arg + "'\n" + USAGE);
      }
      values.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    Mode mode = mode(values.getOrDefault("mode", "mixed"));
    StressSettings settings = new StressSettings(
        mode,
        integer(values, "jobs", defaultJobs(mode)),
        integer(values, "queues", 4),
        integer(values, "workers", 1),
        integer(values, "concurrency", 16),
        integer(values, "fetch-parallelism", 1),
        values.containsKey("prefetch") ? Integer.valueOf(integer(values, "prefetch", 0)) : null,
        integer(values, "producers", 4),
        integer(values, "runs", 1),
        integer(values, "warmup-runs", 1),
        integer(values, "enqueue-batch", 1000),
        values.getOrDefault("schema", "taskharbor_stress"),
        metrics(values.getOrDefault("metrics", "none")),
        bool(values, "distributed"),
        values.containsKey("lease-seconds") ? Integer.valueOf(integer(values, "lease-seconds", 0)) : null);
    values.keySet().removeAll(List.of(
        "mode", "jobs", "queues", "workers", "concurrency", "fetch-parallelism", "prefetch", "producers", "runs", "warmup-runs",
        "enqueue-batch", "schema", "metrics", "distributed", "lease-seconds"));
    if (!values.isEmpty()) {
      throw new IllegalArgumentException("unknown argument(s) " + values.keySet() + "\n" + USAGE);
    }
    return settings;
  }

  private static Mode mode(String value) {
    for (Mode m : Mode.values()) {
      if (m.name().equalsIgnoreCase(value.replace('-', '_'))) {
        return m;
      }
    }
    throw new IllegalArgumentException("--mode must be mixed, noop, latency, latency-shared, serial, cancel, "
        + "cancel-shared or recovery, got '" + value + "'");
  }

  private static int defaultJobs(Mode mode) {
    switch (mode) {
      case LATENCY:
      case LATENCY_SHARED:
        return 200;
      case CANCEL:
      case CANCEL_SHARED:
        return 20;
      case SERIAL:
        return 2_000;
      case RECOVERY:
        return 8;
      default:
        return 20_000;
    }
  }

  private static Metrics metrics(String value) {
    for (Metrics m : Metrics.values()) {
      if (m.name().equalsIgnoreCase(value.replace('-', '_'))) {
        return m;
      }
    }
    throw new IllegalArgumentException("--metrics must be none, simple or prometheus (or --metrics alone, for "
        + "prometheus), got '" + value + "'");
  }

  private static boolean bool(Map<String, String> values, String name) {
    String value = values.getOrDefault(name, "false");
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException("--" + name + " must be true or false (or --" + name + " alone, for true), "
        + "got '" + value + "'");
  }

  private static int integer(Map<String, String> values, String name, int defaultValue) {
    String value = values.get(name);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + value + "'", e);
    }
  }

  private static void atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException("--" + name + " must be at least " + min + ", got " + value);
    }
  }
}
