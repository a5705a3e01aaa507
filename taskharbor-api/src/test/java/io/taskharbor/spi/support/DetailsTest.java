package io.taskharbor.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskharbor.api.DefinitionException;
import io.taskharbor.api.DefinitionStatus;
import io.taskharbor.api.Detail;
import io.taskharbor.api.QueueSettings;
import io.taskharbor.api.TaskDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The details log's bounds, and the values queue settings and task definitions accept. */
class DetailsTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private static List<Detail> lines(int from, int count, int width) {
    List<Detail> lines = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      String text = ("line " + i + " ").repeat(Math.max(1, width / 8));
      lines.add(new Detail(T0.plusSeconds(i), text.substring(0, Math.min(text.length(), width))));
    }
    return lines;
  }

  @Test
  @DisplayName("lines are appended in order while they fit; nothing is added for no lines")
  void appendsWhileTheyFit() {
    List<Detail> stored = lines(0, 3, 10);
    List<Detail> after = DriverRules.appendDetails(stored, lines(3, 2, 10));
    assertThat(after).extracting(Detail::at).containsExactly(T0, T0.plusSeconds(1), T0.plusSeconds(2),
        T0.plusSeconds(3), T0.plusSeconds(4));
    assertThat(DriverRules.appendDetails(stored, List.of())).isSameAs(stored);
  }

  @Test
  @DisplayName("beyond the line bound the oldest lines go, and a first marker line counts every line dropped so far")
  void dropsTheOldestLinesWithAMarker() {
    List<Detail> after = DriverRules.appendDetails(List.of(), lines(0, Detail.MAX_LINES + 10, 10));
    assertThat(after).hasSize(Detail.MAX_LINES);
    assertThat(after.get(0).text()).isEqualTo(DriverRules.droppedDetailsMarker(11));
    assertThat(after.get(after.size() - 1).at()).isEqualTo(T0.plusSeconds(Detail.MAX_LINES + 9));
    List<Detail> again = DriverRules.appendDetails(after, lines(1000, 5, 10));
    assertThat(again).hasSize(Detail.MAX_LINES);
    assertThat(again.get(0).text()).as("the count goes on across completions")
        .isEqualTo(DriverRules.droppedDetailsMarker(16));
  }

  @Test
  @DisplayName("beyond the byte bound the oldest lines go, so the log stays within it")
  void keepsWithinTheByteBound() {
    List<Detail> after = DriverRules.appendDetails(List.of(), lines(0, 100, 900));
    long bytes = after.stream().mapToLong(d -> Validation.utf8Length(d.text())).sum();
    assertThat(bytes).isLessThanOrEqualTo(Detail.MAX_BYTES);
    assertThat(after.get(0).text()).startsWith("... ").endsWith(" earlier line(s) dropped");
    assertThat(after.get(after.size() - 1).at()).isEqualTo(T0.plusSeconds(99));
  }

  @Test
  @DisplayName("a detail line refuses NUL and over-long text; settings and definitions name the bad field")
  void badValues() {
    assertThatThrownBy(() -> new Detail(T0, "a\u0000b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("text");
    assertThatThrownBy(() -> new Detail(T0, "x".repeat(Detail.MAX_LINE_LENGTH + 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new QueueSettings(false, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("concurrencyLimit");
    assertThat(QueueSettings.DEFAULT.isDefault()).isTrue();
    assertThat(QueueSettings.DEFAULT.withConcurrencyLimit(1).isDefault()).isFalse();
    assertThatThrownBy(() -> TaskDefinition.of(" ", T0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("type");
    assertThatThrownBy(() -> TaskDefinition.of("report.build", T0).withMemo("m".repeat(4001)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memo");
    TaskDefinition d = TaskDefinition.of("report.build", T0).withTitle("Reports");
    assertThat(d.isEnqueueable()).isTrue();
    assertThat(new TaskDefinition("a", "", "", DefinitionStatus.CANCELED, "", T0, T0, null).isEnqueueable()).isFalse();
    assertThat(new DefinitionException("report.build", DefinitionException.Reason.CANCELED, "enqueueByAlias"))
        .hasMessageContaining("report.build").hasMessageContaining("CANCELED")
        .satisfies(e -> assertThat(e.reason()).isEqualTo(DefinitionException.Reason.CANCELED));
  }
}
