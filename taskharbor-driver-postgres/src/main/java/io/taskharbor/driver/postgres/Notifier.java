package io.taskharbor.driver.postgres;

import io.taskharbor.spi.Driver;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTEN/NOTIFY wake-ups: one listener thread per driver, on a dedicated connection, tells subscribers the queue name
 * of every notification on the driver's channel.
 *
 * <p>Why it is built this way: a notification is only heard by a session that is listening when the notifying
 * transaction commits, so the first {@code LISTEN} runs on the subscriber's thread and {@code subscribe} returns only
 * once it is in place; a job enqueued after subscribe returns is always heard (while the connection lives). The
 * thread then waits in {@code getNotifications(timeout)}, which returns every notification the connection has
 * buffered. When the connection breaks (a server restart, {@code pg_terminate_backend}, a network cut) the thread
 * reconnects with exponential backoff (100 ms doubling to 5 s, with jitter) and listens again; notifications sent
 * meanwhile are lost, which the contract allows: polling stays the safety net. A quiet connection is pinged now and
 * then, so that a silently dead one is noticed too. Listeners run on the thread and must return quickly; one that
 * throws is logged and does not stop the others. The thread stops when the last subscription closes.
 */
final class Notifier {

  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
  private static final int POLL_MILLIS = 250;
  private static final long PING_NANOS = 15_000_000_000L;
  private static final long FIRST_BACKOFF_MILLIS = 100;
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  /** Opens a connection for listening; the notifier owns (closes) what it returns. */
  interface ConnectionSource {
    Connection open() throws SQLException;
  }

  private final ConnectionSource source;
  private final String channel;
  private final String name;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private @Nullable Thread thread;
  private @Nullable AtomicBoolean running;
  private volatile int backendPid = -1;
  private volatile long reconnects;

  Notifier(ConnectionSource source, String channel, String name) {
    this.source = source;
    this.channel = channel;
    this.name = name;
  }

  /** Registers a listener, starting the thread (and its first LISTEN) if it is the first one. */
  synchronized Driver.Subscription subscribe(Consumer<String> listener) {
    Objects.requireNonNull(listener, "listener must not be null");
    listeners.add(listener);
    if (thread == null) {
      Connection first = null;
      try {
        first = listen();
      } catch (SQLException e) {
        LOG.warn("cannot listen for wake-ups on channel {} yet, retrying in the background: {}", channel,
            e.getMessage());
      }
      AtomicBoolean alive = new AtomicBoolean(true);
      running = alive;
      Connection start = first;
      Thread t = new Thread(() -> loop(start, alive), "taskharbor-pg-listener-" + name);
      t.setDaemon(true);
      thread = t;
      t.start();
    }
    AtomicBoolean closed = new AtomicBoolean();
    return () -> {
      if (closed.compareAndSet(false, true)) {
        unsubscribe(listener);
      }
    };
  }

  private synchronized void unsubscribe(Consumer<String> listener) {
    listeners.remove(listener);
    if (listeners.isEmpty()) {
      stop();
    }
  }

  /** Stops the thread and drops every listener; idempotent. */
  synchronized void close() {
    listeners.clear();
    stop();
  }

  private void stop() {
    if (running != null) {
      running.set(false);
      running = null;
    }
    Thread t = thread;
    thread = null;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The backend pid of the listening connection, or -1 while there is none (for tests). */
  int backendPid() {
    return backendPid;
  }

  /** How many times the listener reconnected after losing its connection (for tests and metrics). */
  long reconnects() {
    return reconnects;
  }

  private Connection listen() throws SQLException {
    Connection c = source.open();
    try {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      try (Statement st = c.createStatement()) {
        st.execute("LISTEN \"" + channel + "\"");
        try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
          rs.next();
          backendPid = rs.getInt(1);
        }
      }
      return c;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  private void loop(@Nullable Connection first, AtomicBoolean running) {
    Connection c = first;
    long backoff = FIRST_BACKOFF_MILLIS;
    int failures = 0;
    long lastTraffic = System.nanoTime();
    while (running.get()) {
      try {
        if (c == null) {
          c = listen();
          if (failures > 0) {
            reconnects++;
            LOG.info("wake-up listener on channel {} reconnected after {} failed attempt(s)", channel, failures);
          }
          backoff = FIRST_BACKOFF_MILLIS;
          failures = 0;
          lastTraffic = System.nanoTime();
        }
        PGNotification[] notes = c.unwrap(PGConnection.class).getNotifications(POLL_MILLIS);
        if (notes != null && notes.length > 0) {
          lastTraffic = System.nanoTime();
          for (PGNotification note : notes) {
            dispatch(note.getParameter());
          }
        } else if (System.nanoTime() - lastTraffic > PING_NANOS) {
          try (Statement st = c.createStatement()) {
            st.execute("SELECT 1");
          }
          lastTraffic = System.nanoTime();
        }
      } catch (SQLException | RuntimeException e) {
        closeQuietly(c);
        c = null;
        backendPid = -1;
        if (!running.get()) {
          break;
        }
        failures++;
        if (failures == 1) {
          LOG.info("wake-up listener on channel {} lost its connection, reconnecting: {}", channel, e.getMessage());
        } else if (failures == 10) {
          LOG.warn("wake-up listener on channel {} cannot reconnect ({} attempts so far), still trying: {}", channel,
              failures, e.getMessage());
        } else {
          LOG.debug("wake-up listener on channel {}: reconnect attempt {} failed: {}", channel, failures,
              e.getMessage());
        }
        sleep(backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1), running);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      }
    }
    closeQuietly(c);
    backendPid = -1;
  }

  private void dispatch(String queue) {
    for (Consumer<String> listener : listeners) {
      try {
        listener.accept(queue);
      } catch (RuntimeException e) {
        LOG.warn("a wake-up listener threw for queue {}; the others were told", queue, e);
      }
    }
  }

  private static void sleep(long millis, AtomicBoolean running) {
    long until = System.nanoTime() + millis * 1_000_000L;
    while (running.get() && System.nanoTime() < until) {
      try {
        Thread.sleep(Math.min(50, millis));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void closeQuietly(@Nullable Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException | RuntimeException e) {
        LOG.debug("closing the listener connection failed", e);
      }
    }
  }
}
