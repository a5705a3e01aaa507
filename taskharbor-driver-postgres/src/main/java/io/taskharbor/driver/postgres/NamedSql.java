package io.taskharbor.driver.postgres;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SQL with {@code :name} placeholders, turned into JDBC's {@code ?} once, when the driver is built. A name may occur
 * many times (the statements use {@code :now} in several places); {@code ::} casts and quoted literals are left alone.
 */
final class NamedSql {

  private final String jdbc;
  private final Map<String, int[]> positions;

  private NamedSql(String jdbc, Map<String, int[]> positions) {
    this.jdbc = jdbc;
    this.positions = positions;
  }

  static NamedSql of(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    Map<String, List<Integer>> found = new LinkedHashMap<>();
    int index = 0;
    boolean quoted = false;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == ':' && i + 1 < sql.length() && sql.charAt(i + 1) == ':') {
        out.append("::");
        i++;
        continue;
      } else if (!quoted && c == ':' && i + 1 < sql.length() && Character.isLetter(sql.charAt(i + 1))) {
        int end = i + 1;
        while (end < sql.length() && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
          end++;
        }
        found.computeIfAbsent(sql.substring(i + 1, end), k -> new ArrayList<>()).add(++index);
        out.append('?');
        i = end - 1;
        continue;
      }
      out.append(c);
    }
    Map<String, int[]> positions = new LinkedHashMap<>();
    found.forEach((name, list) -> positions.put(name, list.stream().mapToInt(Integer::intValue).toArray()));
    return new NamedSql(out.toString(), positions);
  }

  /** Returns the SQL with {@code ?} placeholders. */
  String jdbc() {
    return jdbc;
  }

  /** Returns the 1-based parameter positions of {@code name}. */
  int[] positions(String name) {
    int[] p = positions.get(name);
    if (p == null) {
      throw new IllegalStateException("no parameter :" + name + " in " + jdbc);
    }
    return p;
  }

  @Override
  public String toString() {
    return jdbc;
  }
}
