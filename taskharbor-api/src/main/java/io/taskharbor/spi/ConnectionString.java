package io.taskharbor.spi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A URI-like connection string split into its parts, the same way for parsing and for printing: a driver that parses
 * its URIs with this class shows exactly what it took as the password as {@value #REDACTED}, because {@link
 * #redacted()} is rendered from the same split. Nothing is decoded or validated beyond what finding the parts needs;
 * the driver decodes ({@link #decode}) and checks the parts it uses.
 *
 * <h2>The split</h2>
 *
 * <pre>
 *   scheme ":" [ "//" [ user [ ":" password ] "@" ] hosts ] path [ "?" query ]
 * </pre>
 *
 * <ul>
 *   <li>The scheme is the text before the first {@code :} ({@code postgres}, {@code memory}); a {@code jdbc:} URL's
 *       scheme includes the sub-protocol ({@code jdbc:postgresql}).
 *   <li>User info: after {@code //}, everything before the <em>last</em> {@code @} of the string is the user info, so a
 *       password may hold a raw {@code @ / ? # :}, spaces and any other character; the user is the text before its
 *       first {@code :}, the password everything after it. In consequence the host list, path and query must not hold
 *       a raw {@code @} (write {@code %40}). A {@code jdbc:} URL is the exception: JDBC drivers take credentials from
 *       the query ({@code ?user=...&password=...}), so its user info, if any, is what comes before the last {@code @}
 *       ahead of the first {@code ?}, and its query may hold a raw {@code @} in the {@code user} and password values.
 *   <li>The host list runs from there to the first {@code /} or {@code ?}; the path to the first {@code ?}; the query
 *       is the rest. {@code #} has no meaning (no fragment): it is an ordinary character.
 *   <li>Query parameters are separated by {@code &}. A {@linkplain #isSensitiveKey sensitive} key's value (a password,
 *       secret or token) runs to the next {@code &} that is followed by one of the {@code knownKeys} and {@code =}, or
 *       to the end when none follows; so such a value may hold spaces and raw {@code &}. With no known keys (the
 *       generic split, used by {@link #redact} and {@link DriverConfig#redact}) a sensitive value always runs to the
 *       end: more is hidden, never less.
 * </ul>
 *
 * <h2>When the split is not reliable</h2>
 *
 * Some strings cannot be split as their writer meant, because a raw {@code @} was left in the path or query: a user
 * that holds a raw {@code / ? #} (the {@code @} was not the end of the user info); a password that holds a {@code ?}
 * followed later by {@code =} (a query, not a password, preceded the last {@code @}); in a {@code jdbc:} URL, a raw
 * {@code @} outside the user info, the {@code user} value and sensitive values; without {@code //}, any raw {@code
 * @} in the path, or in the query outside those values. Then {@link #ambiguity()} says why, a driver must refuse the
 * string, and {@link #redacted()} hides everything after the scheme: when the user info cannot be found reliably,
 * more is redacted, never less.
 *
 * <p>Leading and trailing white space of the string is not part of it (encode a password's trailing space as {@code
 * %20}).
 */
public final class ConnectionString {

  /** What {@link #redacted()} shows in place of a password or other sensitive value. */
  public static final String REDACTED = "REDACTED";

  /**
   * A query parameter as written (not decoded).
   *
   * @param rawKey the key, as written
   * @param rawValue the value, as written; null when the parameter has no {@code =}
   * @param sensitive whether the value is a password, secret or token (then it is redacted)
   */
  public record Parameter(String rawKey, @Nullable String rawValue, boolean sensitive) {
    public Parameter {
      Objects.requireNonNull(rawKey, "rawKey");
    }
  }

  private final String scheme;
  private final boolean hierarchical;
  private final @Nullable String rawUser;
  private final @Nullable String rawPassword;
  private final String hosts;
  private final String path;
  private final @Nullable String rawQuery;
  private final List<Parameter> parameters;
  private final @Nullable String ambiguity;

  private ConnectionString(String scheme, boolean hierarchical, @Nullable String rawUser, @Nullable String rawPassword,
      String hosts, String path, @Nullable String rawQuery, List<Parameter> parameters, @Nullable String ambiguity) {
    this.scheme = scheme;
    this.hierarchical = hierarchical;
    this.rawUser = rawUser;
    this.rawPassword = rawPassword;
    this.hosts = hosts;
    this.path = path;
    this.rawQuery = rawQuery;
    this.parameters = Collections.unmodifiableList(parameters);
    this.ambiguity = ambiguity;
  }

  /**
   * Splits {@code text} with no known keys: a sensitive query value runs to the end of the string.
   *
   * @throws IllegalArgumentException if it does not start with a scheme (the message does not echo the text)
   */
  public static ConnectionString parse(String text) {
    return parse(text, key -> false);
  }

  /**
   * Splits {@code text}; a sensitive query value runs to the next {@code &} followed by a key (decoded) that {@code
   * knownKeys} accepts and {@code =}.
   *
   * @throws IllegalArgumentException if it does not start with a scheme (the message does not echo the text)
   */
  public static ConnectionString parse(String text, Predicate<String> knownKeys) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(knownKeys, "knownKeys");
    String s = text.trim();
    int schemeEnd = schemeLength(s, 0);
    if (schemeEnd < 0) {
      throw new IllegalArgumentException("the connection string does not start with a scheme such as postgres:");
    }
    String scheme = s.substring(0, schemeEnd);
    boolean jdbc = scheme.toLowerCase(Locale.ROOT).equals("jdbc");
    int subEnd = jdbc ? schemeLength(s, schemeEnd + 1) : -1;
    if (subEnd > 0) {
      scheme = s.substring(0, subEnd);
      schemeEnd = subEnd;
    }
    String rest = s.substring(schemeEnd + 1);
    boolean hierarchical = rest.startsWith("//");
    @Nullable String user = null;
    @Nullable String password = null;
    String hosts = "";
    String afterHosts;
    @Nullable String ambiguity = null;
    if (hierarchical) {
      String r = rest.substring(2);
      int at = jdbc ? lastAtBefore(r, r.indexOf('?')) : r.lastIndexOf('@');
      if (at >= 0) {
        String userInfo = r.substring(0, at);
        int colon = userInfo.indexOf(':');
        user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        password = colon < 0 ? null : userInfo.substring(colon + 1);
        r = r.substring(at + 1);
        if (indexOfAny(user, "/?#") >= 0) {
          ambiguity = "holds a raw '/', '?' or '#' in the user name, the text before the last '@' (was an '@' left in "
              + "the database name or query? write it there as %40; a '/', '?' or '#' of the user name as %2F, %3F or "
              + "%23)";
        } else if (password != null && looksLikeAQuery(password)) {
          ambiguity = "holds what looks like a query ('?' then '=') in the password, the text before the last '@' "
              + "(was an '@' left in the query? write it as %40; a '?' of the password as %3F)";
        }
      }
      int end = indexOfAny(r, "/?");
      hosts = end < 0 ? r : r.substring(0, end);
      afterHosts = end < 0 ? "" : r.substring(end);
    } else {
      afterHosts = rest;
    }
    int q = afterHosts.indexOf('?');
    String path = q < 0 ? afterHosts : afterHosts.substring(0, q);
    @Nullable String query = q < 0 ? null : afterHosts.substring(q + 1);
    List<Parameter> parameters = query == null ? List.of() : split(query, knownKeys);
    if (ambiguity == null && !hierarchical && path.indexOf('@') >= 0) {
      ambiguity = "holds a raw '@' but no '//' after the scheme (write scheme://user:password@host/...)";
    }
    if (ambiguity == null && (jdbc || !hierarchical) && (hosts.indexOf('@') >= 0 || strayAt(parameters))) {
      ambiguity = "holds a raw '@' outside the user info, the user and the password (write it as %40)";
    }
    return new ConnectionString(scheme, hierarchical, user, password, hosts, path, query, parameters, ambiguity);
  }

  /** Returns the length of the scheme at {@code from} ({@code [A-Za-z][A-Za-z0-9+.-]*} then ':'), or -1. */
  private static int schemeLength(String s, int from) {
    if (from >= s.length() || !isAsciiLetter(s.charAt(from))) {
      return -1;
    }
    int i = from + 1;
    while (i < s.length() && (isAsciiLetter(s.charAt(i)) || Character.isDigit(s.charAt(i)) && s.charAt(i) < 128
        || "+.-".indexOf(s.charAt(i)) >= 0)) {
      i++;
    }
    return i < s.length() && s.charAt(i) == ':' ? i : -1;
  }

  private static boolean isAsciiLetter(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
  }

  private static int lastAtBefore(String s, int end) {
    return (end < 0 ? s : s.substring(0, end)).lastIndexOf('@');
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static boolean looksLikeAQuery(String password) {
    int q = password.indexOf('?');
    return q >= 0 && password.indexOf('=', q) > q;
  }

  private static boolean strayAt(List<Parameter> parameters) {
    for (Parameter p : parameters) {
      if (p.rawKey().indexOf('@') >= 0) {
        return true;
      }
      boolean mayHoldAt = p.sensitive() || lenientDecode(p.rawKey()).equalsIgnoreCase("user");
      if (!mayHoldAt && p.rawValue() != null && p.rawValue().indexOf('@') >= 0) {
        return true;
      }
    }
    return false;
  }

  /** Splits a query into parameters; see the class comment for where a sensitive value ends. */
  private static List<Parameter> split(String query, Predicate<String> knownKeys) {
    List<Parameter> result = new ArrayList<>();
    int i = 0;
    while (i <= query.length()) {
      int amp = query.indexOf('&', i);
      int end = amp < 0 ? query.length() : amp;
      int eq = query.indexOf('=', i);
      if (eq < 0 || eq > end) {
        String key = query.substring(i, end);
        result.add(new Parameter(key, null, isSensitiveKey(lenientDecode(key))));
        i = end + 1;
        continue;
      }
      String key = query.substring(i, eq);
      boolean sensitive = isSensitiveKey(lenientDecode(key));
      if (sensitive) {
        end = nextKnownKey(query, eq + 1, knownKeys);
      }
      result.add(new Parameter(key, query.substring(eq + 1, end), sensitive));
      i = end + 1;
    }
    return result;
  }

  /** Returns the index of the first {@code &} at or after {@code from} that starts {@code known=}, else the length. */
  private static int nextKnownKey(String query, int from, Predicate<String> knownKeys) {
    for (int amp = query.indexOf('&', from); amp >= 0; amp = query.indexOf('&', amp + 1)) {
      int eq = query.indexOf('=', amp + 1);
      int nextAmp = query.indexOf('&', amp + 1);
      boolean startsAKey = eq > amp + 1 && (nextAmp < 0 || eq < nextAmp);
      if (startsAKey && knownKeys.test(lenientDecode(query.substring(amp + 1, eq)))) {
        return amp;
      }
    }
    return query.length();
  }

  /**
   * Returns whether a query key or option names a secret: it contains {@code password}, {@code secret} or {@code
   * token}, in any case.
   */
  public static boolean isSensitiveKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("secret") || k.contains("token");
  }

  /** The scheme as written: {@code postgres}, {@code memory}, {@code jdbc:postgresql}. */
  public String scheme() {
    return scheme;
  }

  /** Whether {@code //} follows the scheme. */
  public boolean hierarchical() {
    return hierarchical;
  }

  /** The user name as written (not decoded), if there is user info. */
  public Optional<String> rawUser() {
    return Optional.ofNullable(rawUser);
  }

  /** The password as written (not decoded), if the user info holds a {@code :}. */
  public Optional<String> rawPassword() {
    return Optional.ofNullable(rawPassword);
  }

  /** The host list as written, such as {@code db:5432} or {@code h1,h2:5433}; empty when absent. */
  public String hosts() {
    return hosts;
  }

  /** The path as written: {@code /orders} after a host list, the whole opaque part otherwise; may be empty. */
  public String path() {
    return path;
  }

  /** The query string as written, without its {@code ?}, if there is one. */
  public Optional<String> rawQuery() {
    return Optional.ofNullable(rawQuery);
  }

  /** The query parameters in order, as written. */
  public List<Parameter> parameters() {
    return parameters;
  }

  /**
   * Why the string cannot be split reliably (a sentence fragment such as {@code "holds a raw '@' ..."} that names
   * the part but never shows it), or empty when it can. A driver must refuse a string with an ambiguity.
   */
  public Optional<String> ambiguity() {
    return Optional.ofNullable(ambiguity);
  }

  /**
   * Returns the string with the password and every sensitive query value replaced by {@value #REDACTED}, and
   * everything after the scheme replaced when the split is not reliable. All else is shown as written.
   */
  public String redacted() {
    StringBuilder b = new StringBuilder(scheme).append(':');
    if (ambiguity != null) {
      return b.append(hierarchical ? "//" : "").append(REDACTED).toString();
    }
    if (hierarchical) {
      b.append("//");
      if (rawUser != null) {
        b.append(rawUser);
        if (rawPassword != null) {
          b.append(':').append(REDACTED);
        }
        b.append('@');
      }
      b.append(hosts);
    }
    b.append(path);
    if (rawQuery != null) {
      b.append('?');
      for (int i = 0; i < parameters.size(); i++) {
        Parameter p = parameters.get(i);
        if (i > 0) {
          b.append('&');
        }
        b.append(p.rawKey());
        if (p.rawValue() != null) {
          b.append('=').append(p.sensitive() ? REDACTED : p.rawValue());
        }
      }
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return redacted();
  }

  /**
   * Returns {@code text}, meant as a connection string, redacted: {@link #redacted()} when it splits, after which
   * whatever follows {@code password=}, {@code secret=} or {@code token=} (in any case) is hidden to the end as well
   * (a driver's own syntax, such as {@code jdbc:sqlserver://h;password=...}). Without a scheme the split cannot say
   * where the user info is, so more is hidden: a string starting with {@code //} is split as if it had a scheme, and
   * otherwise what lies between the first {@code :} and the last {@code @} is redacted, where a user info's password
   * would be. Never throws.
   */
  public static String redact(String text) {
    Objects.requireNonNull(text, "text");
    String s = text.trim();
    if (schemeLength(s, 0) >= 0) {
      return redactAssignments(parse(s).redacted());
    }
    if (s.startsWith("//")) {
      return redactAssignments(parse("x:" + s).redacted().substring(2));
    }
    int at = s.lastIndexOf('@');
    int colon = s.indexOf(':');
    if (at >= 0 && colon >= 0 && colon < at) {
      s = s.substring(0, colon + 1) + REDACTED + s.substring(at);
    }
    return redactAssignments(s);
  }

  /** Returns {@code text} with everything after its first {@code password=}, {@code secret=} or {@code token=} hidden. */
  static String redactAssignments(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    int cut = -1;
    for (String key : new String[] {"password=", "secret=", "token="}) {
      int i = lower.indexOf(key);
      if (i >= 0 && (cut < 0 || i + key.length() < cut)) {
        cut = i + key.length();
      }
    }
    return cut < 0 || text.substring(cut).equals(REDACTED) ? text : text.substring(0, cut) + REDACTED;
  }


  /**
   * Returns the string in a form {@link java.net.URI} accepts, when what it refuses are characters it cannot hold
   * raw: in the user and password every character but ASCII letters and digits, {@code -._~!$&'()*+,;=:} and
   * percent-escapes is percent-encoded (as UTF-8); in the path and query, white space, control characters and {@code
   * "<>\^`{|}[]#}. A parser that decodes percent-escapes in each part, as {@link #decode} does, reads the same values
   * from either form. Empty when the split is not reliable ({@link #ambiguity()}).
   */
  public Optional<String> uriSafe() {
    if (ambiguity != null) {
      return Optional.empty();
    }
    StringBuilder b = new StringBuilder(scheme).append(':');
    if (hierarchical) {
      b.append("//");
      if (rawUser != null) {
        b.append(encodeUserInfo(rawUser));
        if (rawPassword != null) {
          b.append(':').append(encodeUserInfo(rawPassword));
        }
        b.append('@');
      }
      b.append(hosts);
    }
    b.append(encodeIllegal(path));
    if (rawQuery != null) {
      b.append('?').append(encodeIllegal(rawQuery));
    }
    return Optional.of(b.toString());
  }

  private static String encodeUserInfo(String raw) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      boolean escape = c == '%' && i + 2 < raw.length() && isHex(raw.charAt(i + 1)) && isHex(raw.charAt(i + 2));
      if (c < 128 && (isAsciiLetter(c) || c >= '0' && c <= '9' || "-._~!$&'()*+,;=:".indexOf(c) >= 0) || escape) {
        b.append(c);
      } else {
        i = appendEscaped(b, raw, i);
      }
    }
    return b.toString();
  }

  private static String encodeIllegal(String raw) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)
          || "\"<>\\^`{|}[]#".indexOf(c) >= 0) {
        i = appendEscaped(b, raw, i);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Appends the UTF-8 escapes of the character at {@code i} (a surrogate pair: two); returns its last index. */
  private static int appendEscaped(StringBuilder b, String raw, int i) {
    int end = Character.isHighSurrogate(raw.charAt(i)) && i + 1 < raw.length() ? i + 2 : i + 1;
    for (byte octet : raw.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
      b.append('%').append(Character.toUpperCase(Character.forDigit((octet >> 4) & 0xF, 16)))
          .append(Character.toUpperCase(Character.forDigit(octet & 0xF, 16)));
    }
    return end - 1;
  }

  private static boolean isHex(char c) {
    return c < 128 && Character.digit(c, 16) >= 0;
  }


  /**
   * Decodes percent-escapes as UTF-8; {@code +} stays a plus.
   *
   * @param raw the text as written
   * @param what the part it is, for the message ("password", "value of sslmode")
   * @throws IllegalArgumentException for a {@code %} not followed by two hex digits, or bytes that are not UTF-8; the
   *     message names {@code what} and never shows {@code raw}
   */
  public static String decode(String raw, String what) {
    String decoded = decodeOrNull(raw);
    if (decoded == null) {
      throw new IllegalArgumentException("malformed percent-escape in the " + what + ": write % as %25, and use "
          + "escapes of UTF-8 bytes such as %C3%A9 for é");
    }
    return decoded;
  }

  /** Decodes like {@link #decode}, but returns {@code raw} unchanged when it is malformed. */
  private static String lenientDecode(String raw) {
    String decoded = decodeOrNull(raw);
    return decoded == null ? raw : decoded;
  }

  private static @Nullable String decodeOrNull(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0 || raw.charAt(i + 1) > 127 || raw.charAt(i + 2) > 127) {
          return null;
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        int end = Character.isHighSurrogate(c) && i + 1 < raw.length() ? i + 2 : i + 1;
        byte[] utf8 = raw.substring(i, end).getBytes(StandardCharsets.UTF_8);
        bytes.write(utf8, 0, utf8.length);
        i = end - 1;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }
}
