package io.taskharbor.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One Prometheus text exposition, as {@link PrometheusMeterRegistry#scrape()} returns it, read line by line: each
 * sample as its series ({@code name{label="value",...}}, exactly as printed) and its value as printed, and each
 * family's HELP and TYPE.
 */
final class Scrape {
  final String text;
  /** Series to value, in series order. */
  final Map<String, String> samples = new TreeMap<>();
  final Map<String, String> help = new HashMap<>();
  final Map<String, String> type = new HashMap<>();

  private Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.startsWith("# HELP ")) {
        String[] parts = line.substring(7).split(" ", 2);
        help.put(parts[0], parts.length > 1 ? parts[1] : "");
      } else if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ", 2);
        type.put(parts[0], parts[1]);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        int space = line.lastIndexOf(' ');
        String previous = samples.put(line.substring(0, space), line.substring(space + 1));
        assertThat(previous).as("series %s printed twice in%n%s", line.substring(0, space), text).isNull();
      }
    }
  }

  static Scrape of(PrometheusMeterRegistry registry) {
    return new Scrape(registry.scrape());
  }

  /** The metric name of a series: up to its labels. */
  static String name(String series) {
    int brace = series.indexOf('{');
    return brace < 0 ? series : series.substring(0, brace);
  }

  /** The samples whose metric name is one of {@code names}. */
  Map<String, String> of(String... names) {
    Set<String> wanted = Set.of(names);
    return filter(series -> wanted.contains(name(series)));
  }

  /** The samples whose series passes {@code test}. */
  Map<String, String> filter(Predicate<String> test) {
    Map<String, String> out = new TreeMap<>();
    samples.forEach((series, value) -> {
      if (test.test(series)) {
        out.put(series, value);
      }
    });
    return out;
  }

  /** The value of one series, which must be printed. */
  double value(String series) {
    assertThat(samples).as("the scrape%n%s", text).containsKey(series);
    return Double.parseDouble(samples.get(series));
  }

  /** Whether any series of this metric name is printed. */
  boolean has(String name) {
    return samples.keySet().stream().anyMatch(s -> name(s).equals(name));
  }

  /** The {@code le} values of a histogram's buckets for the series with these other labels, in printed order. */
  List<String> bucketBounds(String name, String otherLabels) {
    String prefix = name + "_bucket{" + (otherLabels.isEmpty() ? "" : otherLabels + ",") + "le=\"";
    return Arrays.stream(text.split("\n")).filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length(), l.indexOf('"', prefix.length()))).toList();
  }

  /** Scrapes until {@code condition} holds of a scrape; fails after 20 s, saying what it waited for. */
  static Scrape await(String what, Supplier<Scrape> scrape, Predicate<Scrape> condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      Scrape s = scrape.get();
      if (condition.test(s)) {
        return s;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what + "; last scrape:\n" + s.text);
      }
      Thread.sleep(5);
    }
  }
}
