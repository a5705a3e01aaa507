package io.taskharbor.server;

import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT end the service with exit status 0 once it has stopped gracefully. The JVM's own handling of
 * them would run the shutdown hooks and then exit with 143 (128 + 15), which systemd and some supervisors count as a
 * failure; so the service handles the two signals itself, with the JDK's {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}, present in every OpenJDK build). Where it is missing, the shutdown hook still stops the
 * service gracefully, and only the exit status differs.
 */
final class Signals {

  private Signals() {}

  /** Runs {@code stop} on its own thread at the first SIGTERM or SIGINT; {@code stop} ends the process. */
  static void onTermination(Runnable stop) {
    Thread[] stopping = new Thread[1];
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
          synchronized (stopping) {
            if (stopping[0] == null) {
              LoggerFactory.getLogger(Signals.class).info("SIG{} received", name);
              stopping[0] = new Thread(stop, "taskharbor-sig" + name.toLowerCase(java.util.Locale.ROOT));
              stopping[0].start();
            }
          }
        });
      } catch (IllegalArgumentException | LinkageError e) {
        LoggerFactory.getLogger(Signals.class).info("cannot handle SIG{} ({}): the JVM's shutdown hook stops the "
            + "service instead", name, e.toString());
      }
    }
  }
}
