package io.taskharbor.examples.stresspostgres;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * CPU time spent during a stretch of a run: this JVM's (every thread, GC and JIT included) and that of every process
 * named {@code postgres} on this host (backends, WAL writer, autovacuum, checkpointer), read from {@code /proc}. The
 * second counts only when the database runs on this host, and includes other clients' work on it: measure on a
 * quiet machine.
 */
final class CpuMeter {
  /** Linux reports process times in clock ticks of 1/100 s (USER_HZ) on every common architecture. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private final long jvmStart;
  private final long postgresStart;

  private CpuMeter(long jvmStart, long postgresStart) {
    this.jvmStart = jvmStart;
    this.postgresStart = postgresStart;
  }

  static CpuMeter start() {
    return new CpuMeter(jvmNanos(), postgresNanos());
  }

  /** The CPU per job since {@link #start}, in microseconds, as one line. */
  String perJob(long jobs) {
    double jvm = (jvmNanos() - jvmStart) / 1e3 / jobs;
    long postgres = postgresNanos();
    String db = postgres < 0 || postgresStart < 0 ? "no postgres process on this host"
        : String.format(Locale.ROOT, "postgres processes on this host %.1f µs", (postgres - postgresStart) / 1e3 / jobs);
    return String.format(Locale.ROOT, "CPU per job: this JVM %.1f µs, %s", jvm, db);
  }

  private static long jvmNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Total user + system time of every process named postgres, or -1 when there is none (or no /proc). */
  static long postgresNanos() {
    long ticks = 0;
    boolean found = false;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path proc : procs) {
        try {
          String stat = Files.readString(proc.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          if (open < 0 || close < open || !stat.substring(open + 1, close).equals("postgres")) {
            continue;
          }
          String[] fields = stat.substring(close + 2).split(" ");
          ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
          found = true;
        } catch (IOException | RuntimeException e) {
          // the process ended meanwhile, or is not readable: skip it
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return found ? ticks * NANOS_PER_TICK : -1;
  }
}
