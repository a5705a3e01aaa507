package io.taskharbor.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.api.DefinitionException;
import io.taskharbor.api.DefinitionStatus;
import io.taskharbor.api.Limits;
import io.taskharbor.api.TaskDefinition;
import io.taskharbor.spi.Definitions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The {@link Definitions} extension: task definitions by unique alias. Every test is skipped, by name, for a driver
 * without the extension.
 */
public abstract class DefinitionContract extends TckGroup implements DefinitionRules {

  private static final Instant LONG_AGO = Instant.parse("2001-01-01T00:00:00Z");

  protected DefinitionContract(DriverTck tck) {
    super(tck);
  }

  private Definitions defs() {
    Assumptions.assumeTrue(driver().extension(Definitions.class).isPresent(),
        "driver offers no extension Definitions: test skipped by design");
    return driver().extension(Definitions.class).orElseThrow();
  }

  /** A definition with every text set, carrying instants a driver must not store. */
  private static TaskDefinition sample(String alias) {
    return new TaskDefinition(alias, "Title of " + alias, "Sends the weekly report.\nTwo lines.",
        DefinitionStatus.ACTIVE, "memo: owner ops", LONG_AGO, LONG_AGO, LONG_AGO);
  }

  private TaskDefinition create(Definitions d, String alias) {
    return d.create(sample(alias), clock.instant());
  }

  private static void assertRefused(Throwable refused, String alias, DefinitionException.Reason reason) {
    assertThat(refused).isExactlyInstanceOf(DefinitionException.class);
    DefinitionException e = (DefinitionException) refused;
    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.alias()).isEqualTo(alias);
    assertThat(e.getMessage()).contains("'" + alias + "'");
  }

  @Override
  @Test
  public void optional_def01_createStoresTheDefinition() {
    Definitions d = defs();
    Instant now = clock.instant();
    TaskDefinition canceled = new TaskDefinition("report.old", "", "", DefinitionStatus.CANCELED, "", LONG_AGO,
        LONG_AGO, null);

    TaskDefinition stored = d.create(sample("report.weekly"), now);
    TaskDefinition storedCanceled = d.create(canceled, now);

    TaskDefinition expected = new TaskDefinition("report.weekly", "Title of report.weekly",
        "Sends the weekly report.\nTwo lines.", DefinitionStatus.ACTIVE, "memo: owner ops", now, now, null);
    assertThat(stored).isEqualTo(expected);
    assertThat(storedCanceled).isEqualTo(new TaskDefinition("report.old", "", "", DefinitionStatus.CANCELED, "", now,
        now, null));
    assertThat(d.find("report.weekly")).contains(expected);
    assertThat(secondClient().extension(Definitions.class).orElseThrow().find("report.weekly")).contains(expected);
    assertThat(d.find("report.monthly")).isEmpty();
  }

  @Override
  @Test
  public void optional_def02_aTakenAliasIsRefused() {
    Definitions d = defs();
    create(d, "active");
    create(d, "canceled");
    d.cancel("canceled", clock.instant());
    create(d, "deleted");
    d.delete("deleted", clock.instant());
    List<TaskDefinition> before = d.list(true);
    clock.advance(Duration.ofSeconds(1));

    for (String alias : List.of("active", "canceled", "deleted")) {
      assertRefused(catchThrowable(() -> d.create(TaskDefinition.of(alias, clock.instant()), clock.instant())), alias,
          DefinitionException.Reason.DUPLICATE);
    }
    assertThat(d.list(true)).isEqualTo(before);
  }

  @Override
  @Test
  public void optional_def03_updateReplacesTheTexts() {
    Definitions d = defs();
    TaskDefinition created = create(d, "report");
    Instant later = clock.advance(Duration.ofSeconds(5));

    TaskDefinition changed = new TaskDefinition("report", "New title", "New text", DefinitionStatus.CANCELED,
        "new memo", LONG_AGO, LONG_AGO, null);
    TaskDefinition updated = d.update(changed, later);

    TaskDefinition expected = new TaskDefinition("report", "New title", "New text", DefinitionStatus.CANCELED,
        "new memo", created.createdAt(), later, null);
    assertThat(updated).isEqualTo(expected);
    assertThat(d.find("report")).contains(expected);
    Instant again = clock.advance(Duration.ofSeconds(1));
    assertThat(d.update(sample("report"), again).status()).as("reactivated").isEqualTo(DefinitionStatus.ACTIVE);

    assertRefused(catchThrowable(() -> d.update(sample("missing"), again)), "missing",
        DefinitionException.Reason.NOT_FOUND);
    create(d, "gone");
    TaskDefinition deleted = d.delete("gone", again);
    assertRefused(catchThrowable(() -> d.update(sample("gone"), clock.advance(Duration.ofSeconds(1)))), "gone",
        DefinitionException.Reason.DELETED);
    assertThat(d.find("gone")).contains(deleted);
    assertThat(d.find("missing")).isEmpty();
  }

  @Override
  @Test
  public void optional_def04_cancelMakesItCanceled() {
    Definitions d = defs();
    TaskDefinition created = create(d, "job.a");
    Instant later = clock.advance(Duration.ofSeconds(5));

    TaskDefinition canceled = d.cancel("job.a", later);

    TaskDefinition expected = new TaskDefinition("job.a", created.title(), created.description(),
        DefinitionStatus.CANCELED, created.memo(), created.createdAt(), later, null);
    assertThat(canceled).isEqualTo(expected);
    assertThat(d.find("job.a")).contains(expected);
    assertThat(d.cancel("job.a", clock.advance(Duration.ofSeconds(1)))).as("canceled again").isEqualTo(expected);
    assertThat(d.find("job.a")).contains(expected);
    assertThat(expected.isEnqueueable()).isFalse();

    assertRefused(catchThrowable(() -> d.cancel("job.none", clock.instant())), "job.none",
        DefinitionException.Reason.NOT_FOUND);
    create(d, "job.gone");
    d.delete("job.gone", clock.instant());
    TaskDefinition gone = d.find("job.gone").orElseThrow();
    assertRefused(catchThrowable(() -> d.cancel("job.gone", clock.advance(Duration.ofSeconds(1)))), "job.gone",
        DefinitionException.Reason.DELETED);
    assertThat(d.find("job.gone")).contains(gone);
  }

  @Override
  @Test
  public void optional_def05_deleteIsSoft() {
    Definitions d = defs();
    TaskDefinition created = create(d, "old");
    create(d, "kept");
    Instant later = clock.advance(Duration.ofSeconds(5));

    TaskDefinition deleted = d.delete("old", later);

    TaskDefinition expected = new TaskDefinition("old", created.title(), created.description(), created.status(),
        created.memo(), created.createdAt(), later, later);
    assertThat(deleted).isEqualTo(expected);
    assertThat(d.find("old")).contains(expected);
    assertThat(d.list(false)).extracting(TaskDefinition::alias).containsExactly("kept");
    assertThat(d.list(true)).extracting(TaskDefinition::alias).containsExactly("kept", "old");
    assertThat(d.delete("old", clock.advance(Duration.ofSeconds(1)))).as("deleted again").isEqualTo(expected);
    assertThat(d.find("old")).contains(expected);
    assertRefused(catchThrowable(() -> d.create(sample("old"), clock.instant())), "old",
        DefinitionException.Reason.DUPLICATE);
    assertRefused(catchThrowable(() -> d.delete("never", clock.instant())), "never",
        DefinitionException.Reason.NOT_FOUND);
  }

  @Override
  @Test
  public void optional_def06_listIsOrderedByAlias() {
    Definitions d = defs();
    List<String> inOrder = List.of("T-z", "t-a", "t-b", "t-é", "t-\uFFFD", "t-😀");
    for (String alias : List.of("t-😀", "t-b", "t-\uFFFD", "T-z", "t-é", "t-a")) {
      create(d, alias);
    }
    assertThat(d.list(false)).extracting(TaskDefinition::alias).containsExactlyElementsOf(inOrder);
    d.delete("t-b", clock.instant());
    assertThat(d.list(true)).extracting(TaskDefinition::alias).containsExactlyElementsOf(inOrder);
  }

  @Override
  @Test
  public void optional_def07_badArgumentsAndClosedDriver() {
    Definitions d = defs();
    assertThat(driver().extension(Definitions.class)).get().isSameAs(d);
    create(d, "kept");
    List<TaskDefinition> before = d.list(true);
    Instant badNow = Limits.MIN_INSTANT.minusNanos(1_000);
    String tooLong = "x".repeat(Limits.MAX_TYPE_LENGTH + 1);
    for (String bad : List.of("", " ", tooLong)) {
      assertThat(catchThrowable(() -> d.find(bad))).as("find '%s'", bad).isInstanceOf(IllegalArgumentException.class);
      assertThat(catchThrowable(() -> d.cancel(bad, clock.instant()))).isInstanceOf(IllegalArgumentException.class);
      assertThat(catchThrowable(() -> d.delete(bad, clock.instant()))).isInstanceOf(IllegalArgumentException.class);
    }
    List<Consumer<Definitions>> nulls = List.of(x -> x.find(null), x -> x.cancel(null, clock.instant()),
        x -> x.delete(null, clock.instant()), x -> x.create(null, clock.instant()), x -> x.update(null, clock.instant()),
        x -> x.create(sample("new"), null), x -> x.cancel("kept", null));
    for (Consumer<Definitions> call : nulls) {
      assertThat(catchThrowable(() -> call.accept(d)))
          .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
    }
    QueueControlsContract.assertNamed(catchThrowable(() -> d.create(sample("new"), badNow)), "now");
    QueueControlsContract.assertNamed(catchThrowable(() -> d.update(sample("kept"), badNow)), "now");
    QueueControlsContract.assertNamed(catchThrowable(() -> d.cancel("kept", badNow)), "now");
    QueueControlsContract.assertNamed(catchThrowable(() -> d.delete("kept", badNow)), "now");
    assertThat(d.list(true)).isEqualTo(before);

    driver().close();
    List<Consumer<Definitions>> calls = List.of(x -> x.find("kept"), x -> x.list(true),
        x -> x.create(sample("new"), clock.instant()), x -> x.update(sample("kept"), clock.instant()),
        x -> x.cancel("kept", clock.instant()), x -> x.delete("kept", clock.instant()));
    for (Consumer<Definitions> call : calls) {
      assertThat(catchThrowable(() -> call.accept(d))).isInstanceOf(IllegalStateException.class);
    }
  }
}
