package io.taskharbor.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.JobControls;
import io.taskharbor.spi.QueueControls;
import io.taskharbor.spi.Driver;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Stateful property tests: random action sequences on the driver and on the reference model ({@link ModelDriver})
 * must agree on every step's result and on the full visible state after every step. A failure prints the minimal
 * sequence it found, step by step, both sides' answers, and the seed to replay it with {@code
 * -Dtaskharbor.tck.seed=...}. {@code -Dtaskharbor.tck.sequences=20000} makes a deep run (default 1000).
 */
public abstract class PropertyContract extends TckGroup implements PropertyRules {

  protected PropertyContract(DriverTck tck) {
    super(tck);
  }

  /** A quarter of the configured sequences of {@code profile}, of at most 30 steps each, against the model. */
  private DifferentialCheck.Summary shortSequences(DifferentialCheck.Profile profile) {
    return DifferentialCheck.againstModel(this::freshDriver)
        .profile(profile)
        .sequences(Math.max(1, DifferentialCheck.configuredSequences() / 4))
        .maxSteps(30)
        .check();
  }

  /** Skips the test, by name, unless the driver offers every one of {@code extensions}. */
  private void assumeExtensions(Class<?>... extensions) {
    Driver probe = freshDriver();
    java.util.List<String> missing = java.util.Arrays.stream(extensions)
        .filter(e -> probe.extension(e).isEmpty()).map(Class::getSimpleName).toList();
    probe.close();
    Assumptions.assumeTrue(missing.isEmpty(),
        "driver offers no extension " + String.join(" and ", missing) + ": test skipped by design");
  }

  @Override
  @Test
  public void required_prp01_randomSequencesMatchTheReferenceModel() {
    DifferentialCheck.Summary summary = DifferentialCheck.againstModel(this::freshDriver)
        .profile(DifferentialCheck.Profile.GENERAL)
        .check();
    assertThat(summary.coverage()).containsKey("step Reserve");
  }

  @Override
  @Test
  public void required_prp02_leaseBoundarySequencesMatchTheReferenceModel() {
    DifferentialCheck.Summary summary = shortSequences(DifferentialCheck.Profile.LEASE_BOUNDARIES);
    assertThat(summary.coverage()).containsKey("step Reserve");
  }

  @Override
  @Test
  public void optional_prp03_coordinationSequencesMatchTheReferenceModel() {
    assumeExtensions(Coordination.class);
    DifferentialCheck.Summary summary = shortSequences(DifferentialCheck.Profile.COORDINATION);
    assertThat(summary.coverage()).containsKeys("step Acquire", "step RecoverOrphans");
  }

  @Override
  @Test
  public void optional_prp04_controlSequencesMatchTheReferenceModel() {
    assumeExtensions(QueueControls.class, JobControls.class);
    DifferentialCheck.Summary summary = shortSequences(DifferentialCheck.Profile.CONTROLS);
    assertThat(summary.coverage()).containsKeys("step SetQueue", "step RequestCancel", "status PAUSED",
        "status CANCELED");
  }
}
