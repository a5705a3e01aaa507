package io.taskharbor.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.lists;

import io.taskharbor.api.DriverException;
import io.taskharbor.spi.ConnectionString;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.DriverConfig;
import io.taskharbor.spi.Drivers;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Property: for random passwords (printable ASCII with every character that means something in a URI, and non-ASCII
 * letters) in every DSN form, raw and percent-encoded, no fragment of 3 or more characters of the password shows in
 * any message, stack trace, {@code toString} or log line at DEBUG; and when the DSN is accepted, the parsed password is
 * the one written (decoded).
 *
 * <p>Every third character of a generated password (at a random phase) is a non-ASCII letter that no other part of
 * any output holds (the "markers"), so every 3-character window of the password holds one: a fragment found in an
 * output is a leak, never a word of a message that happens to match, and no fragment can hide among such words.
 *
 * <p>Seeds: {@value #SEED_PROPERTY} replays a run (a failure prints the seed to use), {@value #EXAMPLES_PROPERTY}
 * sets the number of passwords per form (default 200; the database property tries a tenth of them).
 */
class PasswordRedactionPropertyTest {

  static final String SEED_PROPERTY = "taskharbor.dsn.seed";
  static final String EXAMPLES_PROPERTY = "taskharbor.dsn.examples";

  /** Non-ASCII letters found in no message, DSN or log line of these tests; none is é, which a hint shows. */
  private static final String MARKERS = "ßжλøΩ中ñÆőğ";
  /** The characters that mean something in a URI or a query, and some that java.net.URI refuses raw. */
  private static final String SPECIALS = "@/:?#%& =+[]\"'<>\\^`{|}~!$*;,.";

  /** How a password is written into a DSN. */
  enum Form {
    // Every template has a query, so that "&poolSize=0" can be appended.
    POSTGRES_RAW("postgres://app:%s@127.0.0.1:1/test?connectTimeout=250ms", Function.identity(), false),
    POSTGRESQL_RAW("postgresql://app:%s@127.0.0.1:1/test?ApplicationName=prop", Function.identity(), false),
    POSTGRES_ENCODED("postgres://app:%s@127.0.0.1:1/test?sslmode=disable", p -> encode(p, false), false),
    POSTGRESQL_FULLY_ENCODED("postgresql://app:%s@127.0.0.1:1/test?sslmode=disable", p -> encode(p, true), false),
    JDBC_RAW_LAST("jdbc:postgresql://127.0.0.1:1/test?sslmode=disable&user=app&password=%s", Function.identity(),
        true),
    JDBC_RAW_BEFORE_A_KEY("jdbc:postgresql://127.0.0.1:1/test?user=app&password=%s&ApplicationName=prop",
        Function.identity(), false),
    JDBC_ENCODED("jdbc:postgresql://127.0.0.1:1/test?user=app&password=%s", p -> encode(p, false), false);

    final String template;
    final Function<String, String> writer;
    final boolean passwordEndsTheDsn;

    Form(String template, Function<String, String> writer, boolean passwordEndsTheDsn) {
      this.template = template;
      this.writer = writer;
      this.passwordEndsTheDsn = passwordEndsTheDsn;
    }

    String dsn(String password) {
      return template.replace("%s", writer.apply(password));
    }

    boolean raw() {
      return writer.apply("a b").equals("a b");
    }

    boolean userInfo() {
      return !name().startsWith("JDBC");
    }

    /** Returns the DSN pointing at the test server, as its user, instead of the port where nothing listens. */
    String dsnOn(String server, String database, String user, String password) {
      String written = writer.apply(password);
      return template.replace("127.0.0.1:1/test", server + "/" + database).replace("app:%s", user + ":%s")
          .replace("user=app", "user=" + user).replace("connectTimeout=250ms", "connectTimeout=5s")
          .replace("%s", written);
    }
  }

  static Gen<String> passwords() {
    List<Character> ascii = new ArrayList<>();
    for (char c = ' '; c <= '~'; c++) {
      ascii.add(c);
    }
    List<Character> specials = SPECIALS.chars().mapToObj(c -> (char) c).toList();
    List<Character> markers = MARKERS.chars().mapToObj(c -> (char) c).toList();
    Gen<Character> anyAscii = Generate.frequency(Pair.of(1, Generate.pick(ascii)), Pair.of(1, Generate.pick(specials)));
    Gen<List<Character>> asciiRun = lists().of(anyAscii).ofSizeBetween(3, 24);
    Gen<List<Character>> markerRun = lists().of(Generate.pick(markers)).ofSize(24);
    return asciiRun.zip(markerRun, Generate.range(0, 2), (chars, marks, phase) -> {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < chars.size(); i++) {
        b.append(i % 3 == phase ? marks.get(i) : chars.get(i));
      }
      return b.toString();
    });
  }

  @Test
  @DisplayName("no random password shows in the parser's, the SPI's or the builder's output, and it parses as written")
  void noPasswordShowsAnywhere() {
    check(examples(), (form, password) -> {
      String dsn = form.dsn(password);
      long start = System.nanoTime();
      Leaks leaks = new Leaks();
      Optional<Throwable> refused;
      try (CapturedLogs logs = new CapturedLogs(false)) {
        refused = leaks.run("Dsn.parse", () -> {
          Dsn parsed = Dsn.parse(dsn);
          assertParsedAsWritten(form, password, parsed);
          return parsed + " " + parsed.redacted() + " " + parsed.jdbcUrl() + " " + parsed.options();
        });
        leaks.run("DriverConfig.redact", () -> DriverConfig.redact(dsn));
        leaks.run("ConnectionString.redact", () -> ConnectionString.redact(dsn) + " "
            + ConnectionString.parse(dsn).redacted());
        Optional<Throwable> notAUri = leaks.run("DriverConfig.of", () -> DriverConfig.of(dsn) + " "
            + DriverConfig.of(dsn).redactedUri());
        uri(dsn).ifPresent(uri -> leaks.run("new DriverConfig",
            () -> new DriverConfig(uri, Map.of("password", password, "poolSize", "4"))));
        // poolSize=0 stops every path before it connects: the DSN is parsed first, then the options are checked.
        if (notAUri.isEmpty()) {
          leaks.run("Drivers.open", () -> Drivers.open(
              new DriverConfig(DriverConfig.of(dsn).uri(), Map.of("poolSize", "0"))));
        }
        leaks.run("Drivers.open(String)", () -> Drivers.open(dsn + "&poolSize=0"));
        leaks.run("PostgresDriver.builder", () -> PostgresDriver.builder().dsn(dsn).poolSize(0).build());
        leaks.add("logs", logs.text());
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("nothing connected (poolSize=0 stops first)")
          .isLessThan(Duration.ofSeconds(1));
      if (refused.isPresent()) {
        assertThat(refused.get()).as("a refusal of %s", form).isInstanceOf(IllegalArgumentException.class);
        assertThat(mayBeRefused(form, password)).as("%s may refuse %s: %s", form, password, refused.get()).isTrue();
      }
      assertNoFragment(form, password, leaks);
    });
  }

  @Test
  @Tag("postgres")
  @DisplayName("opened against the test server (whether or not it checks passwords), no random password shows either")
  void noPasswordShowsWhenConnecting() {
    URI server = URI.create(TestDatabase.dsn());
    String hostPort = server.getHost() + (server.getPort() < 0 ? "" : ":" + server.getPort());
    String database = server.getPath().substring(1);
    String user = server.getUserInfo() == null ? "postgres" : server.getUserInfo().split(":", 2)[0];
    check(Math.max(2, examples() / 10), (form, password) -> {
      String dsn = form.dsnOn(hostPort, database, user, password);
      Leaks leaks = new Leaks();
      try (CapturedLogs logs = new CapturedLogs(false)) {
        Optional<Throwable> refused = leaks.run("Dsn.parse", () -> {
          Dsn parsed = Dsn.parse(dsn);
          assertParsedAsWritten(form, password, parsed);
          return parsed;
        });
        leaks.run("PostgresDriver.builder", () -> {
          try (PostgresDriver driver = PostgresDriver.builder().dsn(dsn).poolSize(1).minIdle(0).build()) {
            return driver.toString();
          }
        }).ifPresent(thrown -> assertThat(thrown).as("an accepted DSN fails only as a DriverException")
            .isInstanceOf(refused.isPresent() ? IllegalArgumentException.class : DriverException.class));
        leaks.run("Drivers.open", () -> {
          try (Driver driver = Drivers.open(dsn)) {
            return driver.toString();
          }
        });
        leaks.add("logs", logs.text());
      }
      assertNoFragment(form, password, leaks);
    });
  }

  // ------------------------------------------------------------------------------------------------ the checks

  private static void assertParsedAsWritten(Form form, String password, Dsn parsed) {
    String expected = form.raw() ? decode(password) : password;
    if (form.passwordEndsTheDsn) {
      expected = expected.replaceAll("[\\x00-\\x20]+$", "");
    }
    assertThat(parsed.password()).as("the password parsed from %s", form).isEqualTo(expected);
  }

  /** Returns whether the parser may refuse the password as written: only for a raw '%' or what reads as a query. */
  private static boolean mayBeRefused(Form form, String password) {
    if (!form.raw()) {
      return false;
    }
    boolean malformedEscape = decodeOrNull(password) == null;
    int q = password.indexOf('?');
    boolean looksLikeAQuery = form.userInfo() && q >= 0 && password.indexOf('=', q) > q;
    return malformedEscape || looksLikeAQuery;
  }

  private static void assertNoFragment(Form form, String password, Leaks leaks) {
    String shown = leaks.shown();
    List<String> found = new ArrayList<>();
    for (String fragment : fragments(password, form.writer.apply(password))) {
      if (shown.contains(fragment) && !found.contains(fragment)) {
        found.add(fragment);
      }
    }
    assertThat(found).as("fragments of the password %s written as %s, in:%n%s", password, form, shown).isEmpty();
  }

  /**
   * Returns the fragments to look for: every 3 characters of the password and of its written form that hold a marker,
   * and the escape of each marker the written form encodes.
   */
  private static List<String> fragments(String password, String written) {
    List<String> result = new ArrayList<>();
    for (String text : List.of(password, written)) {
      for (int i = 0; i + 3 <= text.length(); i++) {
        String gram = text.substring(i, i + 3);
        if (gram.chars().anyMatch(c -> MARKERS.indexOf(c) >= 0)) {
          result.add(gram);
        }
      }
    }
    for (char marker : MARKERS.toCharArray()) {
      String escaped = encode(String.valueOf(marker), true);
      if (password.indexOf(marker) >= 0 && written.contains(escaped)) {
        result.add(escaped);
      }
    }
    return result;
  }

  // ------------------------------------------------------------------------------------------------ running

  @FunctionalInterface
  private interface Property {
    void check(Form form, String password) throws Exception;
  }

  private static int examples() {
    return Integer.getInteger(EXAMPLES_PROPERTY, 200);
  }

  /** Runs the property for every form, with one seed, and names the seed (and how to replay it) on failure. */
  private static void check(int examples, Property property) {
    Long fixed = Long.getLong(SEED_PROPERTY);
    long seed = fixed != null ? fixed : ThreadLocalRandom.current().nextLong();
    for (Form form : Form.values()) {
      try {
        QuickTheory.qt().withFixedSeed(seed).withExamples(examples).withShrinkCycles(200)
            .forAll(passwords())
            .checkAssert(password -> {
              try {
                property.check(form, password);
              } catch (RuntimeException e) {
                throw e;
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("property failed for " + form + " with seed " + seed + "; replay with -D"
            + SEED_PROPERTY + "=" + seed + " -D" + EXAMPLES_PROPERTY + "=" + examples + "\n" + e.getMessage(), e);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ test oracles

  /** Percent-encodes as UTF-8 every character but ASCII letters and digits (all of them, or only the ASCII ones). */
  static String encode(String text, boolean nonAsciiToo) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 128 && Character.isLetterOrDigit(c) || c >= 128 && !nonAsciiToo) {
        b.append(c);
        continue;
      }
      int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
      for (byte octet : text.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
        b.append(String.format("%%%02X", octet & 0xFF));
      }
      i = end - 1;
    }
    return b.toString();
  }

  /** Decodes percent-escapes as UTF-8 (a plus stays a plus); fails on a malformed escape. */
  static String decode(String text) {
    String decoded = decodeOrNull(text);
    if (decoded == null) {
      throw new AssertionError("the test expected no malformed escape in " + text);
    }
    return decoded;
  }

  private static String decodeOrNull(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= text.length() || !isHex(text.charAt(i + 1)) || !isHex(text.charAt(i + 2))) {
          return null;
        }
        bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean isHex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  private static Optional<URI> uri(String text) {
    try {
      return Optional.of(new URI(text));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }
}
