package io.taskharbor.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The service's logs: one JSON object per line on standard output (Logback's {@link JsonEncoder}), with the job
 * fields the engine puts in the MDC ({@code job.id}, {@code job.type}, {@code job.queue}, {@code job.attempt}) under
 * {@code mdc}. INFO by default, DEBUG with {@code DEBUG=true}; the connection pool, Liquibase and the JDBC driver stay
 * at INFO even then (their DEBUG is about themselves, not the jobs).
 */
final class JsonLogging {

  private JsonLogging() {}

  /**
   * Replaces Logback's configuration with the service's; does nothing when SLF4J's backend is not Logback (the
   * application chose another and configures it itself).
   *
   * @return whether Logback was configured
   */
  static boolean configure(boolean debug) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return false;
    }
    context.reset();
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithFormattedMessage(true);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("json");
    console.setEncoder(encoder);
    console.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(debug ? Level.DEBUG : Level.INFO);
    root.addAppender(console);
    for (String quiet : new String[] {"com.zaxxer.hikari", "liquibase", "org.postgresql"}) {
      context.getLogger(quiet).setLevel(Level.INFO);
    }
    return true;
  }

  /** Writes out what is buffered and stops Logback, before the process exits. */
  static void stop() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }
}
