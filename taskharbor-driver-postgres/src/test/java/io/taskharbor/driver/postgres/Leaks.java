package io.taskharbor.driver.postgres;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Collects what a DSN shows (messages, stack traces, {@code toString}s, log lines) and looks for a password in it. */
final class Leaks {

  /** Words the outputs hold whatever the password, so a password fragment found in them proves nothing. */
  static final String VOCABULARY = "password REDACTED";

  private final StringBuilder shown = new StringBuilder();

  /** Adds a text that is shown to someone: a message, a {@code toString}, a log. */
  Leaks add(String what, Object text) {
    shown.append("--- ").append(what).append(":\n").append(text).append('\n');
    return this;
  }

  /** Adds a failure as it would be logged: its stack trace with every cause's message. */
  Leaks add(String what, Throwable thrown) {
    StringWriter trace = new StringWriter();
    thrown.printStackTrace(new PrintWriter(trace));
    return add(what, trace);
  }

  /** Runs {@code call} and adds its result, or the failure it throws; returns the failure. */
  Optional<Throwable> run(String what, ThrowingSupplier call) {
    try {
      add(what, String.valueOf(call.get()));
      return Optional.empty();
    } catch (Exception | AssertionError e) {
      add(what, e);
      return Optional.of(e);
    }
  }

  String shown() {
    return shown.toString();
  }

  /**
   * Returns the substrings of length 3 of {@code password} that are found in what was shown, skipping those that
   * {@code rest} (the DSN with the password cut out) or {@link #VOCABULARY} holds anyway. Every longer fragment
   * holds one of length 3, so an empty result means no fragment of 3 or more characters was shown.
   */
  List<String> fragmentsOf(String password, String rest) {
    List<String> found = new ArrayList<>();
    String text = shown();
    for (int i = 0; i + 3 <= password.length(); i++) {
      String gram = password.substring(i, i + 3);
      if (!rest.contains(gram) && !VOCABULARY.contains(gram) && text.contains(gram) && !found.contains(gram)) {
        found.add(gram);
      }
    }
    return found;
  }

  @FunctionalInterface
  interface ThrowingSupplier {
    Object get() throws Exception;
  }
}
