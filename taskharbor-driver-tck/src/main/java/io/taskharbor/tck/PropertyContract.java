package io.taskharbor.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.spi.Coordination;
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
    DifferentialCheck.Summary summary = DifferentialCheck.againstModel(this::freshDriver)
        .profile(DifferentialCheck.Profile.LEASE_BOUNDARIES)
        .sequences(Math.max(1, DifferentialCheck.configuredSequences() / 4))
        .maxSteps(30)
        .check();
    assertThat(summary.coverage()).containsKey("step Reserve");
  }

  @Override
  @Test
  public void optional_prp03_coordinationSequencesMatchTheReferenceModel() {
    Driver probe = freshDriver();
    Assumptions.assumeTrue(probe.extension(Coordination.class).isPresent(),
        "driver offers no extension Coordination: test skipped by design");
    probe.close();
    DifferentialCheck.Summary summary = DifferentialCheck.againstModel(this::freshDriver)
        .profile(DifferentialCheck.Profile.COORDINATION)
        .sequences(Math.max(1, DifferentialCheck.configuredSequences() / 4))
        .maxSteps(30)
        .check();
    assertThat(summary.coverage()).containsKeys("step Acquire", "step RecoverOrphans");
  }
}
