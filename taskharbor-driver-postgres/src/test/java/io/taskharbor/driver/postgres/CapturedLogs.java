package io.taskharbor.driver.postgres;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures, while open, everything logged at DEBUG and above: slf4j-simple (TaskHarbor, HikariCP, Liquibase; it
 * writes to System.err, which is teed here along with System.out) and {@code java.util.logging} (the PostgreSQL JDBC
 * driver, at FINE and above, and {@code io.taskharbor.spi.Drivers}). slf4j-simple reads its levels once, so they are
 * lowered by reflection for the duration and put back on {@link #close()}: a test-only device.
 */
final class CapturedLogs implements AutoCloseable {

  private static final int SIMPLE_DEBUG = 10;
  private static final List<String> JUL_LOGGERS = List.of("org.postgresql", "io.taskharbor", "com.zaxxer");
  /** slf4j loggers created up front, so that they exist (and are lowered) before the code under test asks. */
  private static final List<String> SLF4J_LOGGERS = List.of(PostgresDriver.class.getName(),
      Notifier.class.getName(), Migrations.class.getName(), "com.zaxxer.hikari.HikariConfig",
      "com.zaxxer.hikari.HikariDataSource", "com.zaxxer.hikari.pool.HikariPool", "com.zaxxer.hikari.pool.PoolBase",
      "com.zaxxer.hikari.util.DriverDataSource");

  private final PrintStream out = System.out;
  private final PrintStream err = System.err;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final Map<Logger, Integer> simpleLevels = new HashMap<>();
  private final Map<java.util.logging.Logger, Level> julLevels = new HashMap<>();
  private final Handler julHandler;
  private final int defaultLevel;
  private final boolean echo;

  /** Captures, and also writes everything on to the console. */
  CapturedLogs() {
    this(true);
  }

  /** Captures; {@code echo} also writes everything on to the console (else it is only captured). */
  CapturedLogs(boolean echo) {
    this.echo = echo;
    SLF4J_LOGGERS.forEach(LoggerFactory::getLogger);
    System.setOut(new PrintStream(tee(out), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(tee(err), true, StandardCharsets.UTF_8));
    defaultLevel = configDefaultLevel(SIMPLE_DEBUG);
    for (Logger logger : simpleLoggers().values()) {
      simpleLevels.put(logger, level(logger, SIMPLE_DEBUG));
    }
    SimpleFormatter format = new SimpleFormatter();
    julHandler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        byte[] text = format.format(record).getBytes(StandardCharsets.UTF_8);
        synchronized (bytes) {
          bytes.write(text, 0, text.length);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    julHandler.setLevel(Level.ALL);
    for (String name : JUL_LOGGERS) {
      java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
      julLevels.put(logger, logger.getLevel());
      logger.setLevel(Level.FINE);
      logger.addHandler(julHandler);
    }
  }

  /** Returns what was captured so far. */
  String text() {
    System.out.flush();
    System.err.flush();
    synchronized (bytes) {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    System.out.flush();
    System.err.flush();
    System.setOut(out);
    System.setErr(err);
    configDefaultLevel(defaultLevel);
    for (Logger logger : simpleLoggers().values()) {
      Integer before = simpleLevels.get(logger);
      level(logger, before != null ? before : configuredLevel(logger));
    }
    julLevels.forEach((logger, level) -> {
      logger.removeHandler(julHandler);
      logger.setLevel(level);
    });
  }

  private OutputStream tee(PrintStream original) {
    return new OutputStream() {
      @Override
      public void write(int b) {
        synchronized (bytes) {
          bytes.write(b);
        }
        if (echo) {
          original.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (bytes) {
          bytes.write(b, off, len);
        }
        if (echo) {
          original.write(b, off, len);
        }
      }
    };
  }

  // ------------------------------------------------------------------------------ slf4j-simple, by reflection

  @SuppressWarnings("unchecked")
  private static Map<String, Logger> simpleLoggers() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    try {
      Field map = factory.getClass().getDeclaredField("loggerMap");
      map.setAccessible(true);
      return Map.copyOf((ConcurrentMap<String, Logger>) map.get(factory));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the tests expect slf4j-simple, found " + factory.getClass(), e);
    }
  }

  /** Sets the level of a slf4j-simple logger; returns the one it had. */
  private static int level(Logger logger, int level) {
    try {
      Field f = Class.forName("org.slf4j.simple.SimpleLogger").getDeclaredField("currentLogLevel");
      f.setAccessible(true);
      int before = f.getInt(logger);
      f.setInt(logger, level);
      return before;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Returns the level slf4j-simple's configuration gives a logger (for loggers created while capturing). */
  private static int configuredLevel(Logger logger) {
    try {
      Method compute = logger.getClass().getDeclaredMethod("recursivelyComputeLevelString");
      compute.setAccessible(true);
      String level = (String) compute.invoke(logger);
      if (level == null) {
        return configDefaultLevel(-1);
      }
      Method toLevel = Class.forName("org.slf4j.simple.SimpleLoggerConfiguration")
          .getDeclaredMethod("stringToLevel", String.class);
      toLevel.setAccessible(true);
      return (int) toLevel.invoke(null, level);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sets slf4j-simple's default level (unless {@code level} is negative); returns the one it had. */
  private static int configDefaultLevel(int level) {
    try {
      Field params = Class.forName("org.slf4j.simple.SimpleLogger").getDeclaredField("CONFIG_PARAMS");
      params.setAccessible(true);
      Object config = params.get(null);
      Field f = config.getClass().getDeclaredField("defaultLogLevel");
      f.setAccessible(true);
      int before = f.getInt(config);
      if (level >= 0) {
        f.setInt(config, level);
      }
      return before;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
