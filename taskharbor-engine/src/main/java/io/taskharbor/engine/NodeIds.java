package io.taskharbor.engine;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Locale;

/** Node ids as the seed spells them: {@code hostname-pid-random}, such as {@code worker-7-12345-k3x9q2}. */
final class NodeIds {
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String HOST = lookUpHost();

  private NodeIds() {}

  /** Returns a new id for this process: its host, its pid and six random characters (one process may have several). */
  static String next() {
    StringBuilder random = new StringBuilder(6);
    for (int i = 0; i < 6; i++) {
      random.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return HOST + "-" + ProcessHandle.current().pid() + "-" + random;
  }

  /** Returns this host's name, as far as the JVM can tell, cut to 200 characters and to what ids may hold. */
  static String host() {
    return HOST;
  }

  private static String lookUpHost() {
    String name = System.getenv("HOSTNAME");
    if (name == null || name.isBlank()) {
      try {
        name = InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException | RuntimeException e) {
        name = "localhost";
      }
    }
    String clean = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
    return clean.isEmpty() ? "localhost" : clean.length() > 200 ? clean.substring(0, 200) : clean;
  }
}
