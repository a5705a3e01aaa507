package io.taskharbor.engine.internal;

/** Turns a handler's error into text every driver can store: bounded, no NUL, no unpaired surrogate. */
public final class ErrorText {
  /** The longest error text stored. */
  public static final int MAX_LENGTH = 4000;
  private static final int MAX_FRAMES = 8;

  private ErrorText() {}

  /** The error's class and message, its first stack frames and its causes. */
  public static String describe(Throwable error) {
    StringBuilder text = new StringBuilder();
    Throwable t = error;
    for (int depth = 0; t != null && depth < 4; depth++, t = t.getCause()) {
      if (depth > 0) {
        text.append("\ncaused by: ");
      }
      text.append(t);
      StackTraceElement[] frames = t.getStackTrace();
      for (int i = 0; i < Math.min(MAX_FRAMES, frames.length); i++) {
        text.append("\n\tat ").append(frames[i]);
      }
      if (text.length() > MAX_LENGTH) {
        break;
      }
    }
    return clean(text.toString());
  }

  /** The error's class and message on one line. */
  public static String summary(Throwable error) {
    return clean(error.toString());
  }

  /** Bounds {@code text} and replaces what no driver can store (NUL, unpaired surrogates). */
  public static String clean(String text) {
    String bounded = text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH - 1) + "…" : text;
    StringBuilder out = new StringBuilder(bounded.length());
    for (int i = 0; i < bounded.length(); i++) {
      char c = bounded.charAt(i);
      if (c == 0) {
        out.append('\uFFFD');
      } else if (Character.isHighSurrogate(c) && i + 1 < bounded.length()
          && Character.isLowSurrogate(bounded.charAt(i + 1))) {
        out.append(c).append(bounded.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append('\uFFFD');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
