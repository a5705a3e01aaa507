package io.taskharbor.examples.stresspostgres;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings of a {@link StorageBenchmark} run, parsed from {@code --name=value} arguments: one record per mode.
 * Every value is checked, and an option of the other mode is refused; a bad argument is an {@link
 * IllegalArgumentException} that names it and says what it accepts.
 */
sealed interface StorageSettings permits StorageSettings.Scaling, StorageSettings.Bloat {

  /** The schema the run owns: dropped and re-created at the start, dropped at the end unless {@link #keepSchema}. */
  String schema();

  /** Whether the schema is left in place after the run, for a look by hand. */
  boolean keepSchema();

  /**
   * Reserve's cost against the backlog: {@code finished} DONE jobs and {@code scheduled} jobs due a day or more ahead
   * (of priority {@code scheduledPriority}; the backlog's is 0), then for each due backlog of {@code backlogs}
   * in turn (topped up or drained down to it; 0 for an idle poll), {@code calls} measured calls of reserve of {@code batch} jobs, each acknowledged
   * in one complete call and replaced by as many new due jobs, after {@code warmupCalls} unmeasured ones. Before measuring, the run waits up to {@code settle} for autovacuum to have nothing
   * left to do on the table; with {@code analyze} it then runs ANALYZE itself.
   */
  record Scaling(String schema, boolean keepSchema, List<Integer> backlogs, int finished, int scheduled,
      int scheduledPriority, int calls, int warmupCalls, int batch, Duration settle, boolean analyze)
      implements StorageSettings {
    public Scaling {
      backlogs = List.copyOf(backlogs);
      if (backlogs.isEmpty()) {
        throw new IllegalArgumentException("--backlogs must name at least one backlog");
      }
      for (int backlog : backlogs) {
        atLeast("backlogs", backlog, 0);
      }
      atLeast("finished", finished, 0);
      atLeast("scheduled", scheduled, 0);
      atLeast("calls", calls, 1);
      atLeast("warmup-calls", warmupCalls, 0);
      atLeast("batch", batch, 1);
      checkSchema(schema);
    }
  }

  /**
   * Storage under load: {@code jobs} no-op jobs enqueued in batches of {@code enqueueBatch} while fewer than {@code
   * backlog} are queued, drained by one worker with {@code concurrency} handler threads, the finished ones purged
   * every {@code purgeInterval} once older than {@code retention}; sizes and counters sampled every {@code
   * sampleInterval}. With {@code holdXmin}, another connection holds a snapshot open for the whole run. The run stops
   * after {@code maxDuration} if the jobs are not all processed by then, and keeps purging and sampling for {@code
   * tail} after the last job.
   */
  record Bloat(String schema, boolean keepSchema, int jobs, int backlog, int enqueueBatch, int concurrency,
      Duration retention, Duration purgeInterval, Duration sampleInterval, boolean holdXmin, Duration maxDuration,
      Duration tail) implements StorageSettings {
    public Bloat {
      atLeast("jobs", jobs, 1);
      atLeast("backlog", backlog, 1);
      atLeast("enqueue-batch", enqueueBatch, 1);
      atLeast("concurrency", concurrency, 1);
      positive("retention", retention);
      positive("purge-interval", purgeInterval);
      positive("sample-interval", sampleInterval);
      positive("max-duration", maxDuration);
      checkSchema(schema);
    }
  }

  String USAGE = String.join(System.lineSeparator(),
      "usage: StorageBenchmark --mode=scaling [--backlogs=N,N,...] [--finished=N] [--scheduled=N]",
      "                        [--scheduled-priority=N] [--calls=N] [--warmup-calls=N] [--batch=N]",
      "                        [--settle=DURATION] [--analyze] [common options]",
      "       StorageBenchmark --mode=bloat [--jobs=N] [--backlog=N] [--enqueue-batch=N] [--concurrency=N]",
      "                        [--retention=DURATION] [--purge-interval=DURATION] [--sample-interval=DURATION]",
      "                        [--hold-xmin] [--max-duration=DURATION] [--tail=DURATION] [common options]",
      "  common options: [--schema=th_storage_NAME] [--keep-schema]",
      "  DURATION is a whole number with a unit: 500ms, 10s, 3m",
      "  --mode           scaling (reserve's cost against the backlog) or bloat (table sizes while jobs are processed",
      "                   and purged); required",
      "  --schema         the schema the run owns, named th_storage_...: DROPPED and re-created at the start, dropped at",
      "                   the end (default th_storage_scaling or th_storage_bloat)",
      "  --keep-schema    leave the schema in place at the end",
      " scaling:",
      "  --backlogs       due backlogs to measure at, in turn (topped up or drained down to each); 0 is an idle",
      "                   worker's poll, which leases nothing (default 0,1000,10000,100000,1000000,1000: the last",
      "                   one measures 1000 again on the table that held 1000000, as a control)",
      "  --finished       DONE jobs kept in the table, made by the driver (enqueued, reserved, acked) (default 1000000)",
      "  --scheduled      READY jobs due one to two days ahead (default 1000000)",
      "  --scheduled-priority  their priority; the due backlog's is 0 (default 0)",
      "  --calls          measured reserve calls per backlog (default 300)",
      "  --warmup-calls   reserve calls per backlog before those, not measured (default 30)",
      "  --batch          jobs per reserve call, all acked in one complete call (default 16)",
      "  --settle         the most to wait, per backlog, for autovacuum to have nothing left to do (default 180s)",
      "  --analyze        run ANALYZE on the table before measuring each backlog (default: autovacuum only)",
      " bloat:",
      "  --jobs           jobs processed (default 2000000)",
      "  --backlog        the most jobs queued at once: enqueueing pauses above it (default 50000)",
      "  --enqueue-batch  jobs per enqueueAll call (default 1000)",
      "  --concurrency    the worker's handler threads (default 16)",
      "  --retention      finished jobs older than this are purged (default 10s)",
      "  --purge-interval time between purge calls (default 1s)",
      "  --sample-interval time between samples of the table's sizes and counters (default 5s)",
      "  --hold-xmin      hold a REPEATABLE READ snapshot open on another connection for the whole run",
      "  --max-duration   stop enqueueing and draining after this, processed or not (default 9m)",
      "  --tail           keep purging and sampling this long after the last job (default 0s)");

  /** Parses the arguments; see {@link #USAGE}. */
  static StorageSettings parse(List<String> args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String arg : args) {
      if (arg.startsWith("--") && FLAGS.contains(arg.substring(2))) {
        values.put(arg.substring(2), "true");
        continue;
      }
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 3) {
        throw new IllegalArgumentException("arguments look like --name=value, got '" + arg + "'\n" + USAGE);
      }
      String name = arg.substring(2, eq);
      if (FLAGS.contains(name)) {
        throw new IllegalArgumentException("--" + name + " takes no value, got '" + arg + "'");
      }
      if (values.put(name, arg.substring(eq + 1)) != null) {
        throw new IllegalArgumentException("--" + name + " is given twice");
      }
    }
    String mode = values.remove("mode");
    if (mode == null) {
      throw new IllegalArgumentException("--mode is required: scaling or bloat\n" + USAGE);
    }
    StorageSettings settings;
    switch (mode.toLowerCase(Locale.ROOT)) {
      case "scaling" -> {
        refuse(values, BLOAT_OPTIONS, "bloat");
        settings = new Scaling(
            values.getOrDefault("schema", "th_storage_scaling"),
            values.containsKey("keep-schema"),
            integers(values, "backlogs", List.of(0, 1_000, 10_000, 100_000, 1_000_000, 1_000)),
            integer(values, "finished", 1_000_000),
            integer(values, "scheduled", 1_000_000),
            integer(values, "scheduled-priority", 0),
            integer(values, "calls", 300),
            integer(values, "warmup-calls", 30),
            integer(values, "batch", 16),
            duration(values, "settle", Duration.ofSeconds(180)),
            values.containsKey("analyze"));
        values.keySet().removeAll(SCALING_OPTIONS);
      }
      case "bloat" -> {
        refuse(values, SCALING_OPTIONS, "scaling");
        settings = new Bloat(
            values.getOrDefault("schema", "th_storage_bloat"),
            values.containsKey("keep-schema"),
            integer(values, "jobs", 2_000_000),
            integer(values, "backlog", 50_000),
            integer(values, "enqueue-batch", 1_000),
            integer(values, "concurrency", 16),
            duration(values, "retention", Duration.ofSeconds(10)),
            duration(values, "purge-interval", Duration.ofSeconds(1)),
            duration(values, "sample-interval", Duration.ofSeconds(5)),
            values.containsKey("hold-xmin"),
            duration(values, "max-duration", Duration.ofMinutes(9)),
            duration(values, "tail", Duration.ZERO));
        values.keySet().removeAll(BLOAT_OPTIONS);
      }
      default -> throw new IllegalArgumentException("--mode must be scaling or bloat, got '" + mode + "'");
    }
    values.keySet().removeAll(List.of("schema", "keep-schema"));
    if (!values.isEmpty()) {
      throw new IllegalArgumentException("unknown argument(s) " + values.keySet() + "\n" + USAGE);
    }
    return settings;
  }

  /** Options without a value. */
  Set<String> FLAGS = Set.of("keep-schema", "analyze", "hold-xmin");

  Set<String> SCALING_OPTIONS = Set.of("backlogs", "finished", "scheduled", "scheduled-priority", "calls",
      "warmup-calls", "batch", "settle", "analyze");

  Set<String> BLOAT_OPTIONS = Set.of("jobs", "backlog", "enqueue-batch", "concurrency", "retention", "purge-interval",
      "sample-interval", "hold-xmin", "max-duration", "tail");

  private static void refuse(Map<String, String> values, Set<String> options, String otherMode) {
    for (String name : values.keySet()) {
      if (options.contains(name)) {
        throw new IllegalArgumentException("--" + name + " applies to --mode=" + otherMode + " only");
      }
    }
  }

  private static void checkSchema(String schema) {
    if (!schema.matches("th_storage_[a-z0-9_]{1,52}")) {
      throw new IllegalArgumentException("--schema must be a lower-case SQL identifier starting with th_storage_ "
          + "(the run drops it), such as th_storage_scaling, got '" + schema + "'");
    }
  }

  private static int integer(Map<String, String> values, String name, int defaultValue) {
    String value = values.get(name);
    return value == null ? defaultValue : parseInteger(name, value);
  }

  private static int parseInteger(String name, String value) {
    try {
      return Integer.parseInt(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + value + "'", e);
    }
  }

  private static List<Integer> integers(Map<String, String> values, String name, List<Integer> defaultValue) {
    String value = values.get(name);
    if (value == null) {
      return defaultValue;
    }
    List<Integer> list = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      list.add(parseInteger(name, part.trim()));
    }
    return list;
  }

  Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");

  private static Duration duration(Map<String, String> values, String name, Duration defaultValue) {
    String value = values.get(name);
    if (value == null) {
      return defaultValue;
    }
    Matcher m = DURATION.matcher(value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("--" + name + " must be a whole number with a unit (ms, s or m) such as 10s, "
          + "got '" + value + "'");
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      default -> Duration.ofMinutes(amount);
    };
  }

  private static void atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException("--" + name + " must be at least " + min + ", got " + value);
    }
  }

  private static void positive(String name, Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException("--" + name + " must be more than 0, got " + value.toMillis() + "ms");
    }
  }
}
