package io.taskharbor.tck;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Stateful property tests: random action sequences on the driver and on the reference model ({@link ModelDriver})
 * must agree on every step's result and on the full visible state after every step. A failure prints the minimal
 * sequence it found, step by step, both sides' answers, and the seed to replay it with {@code
 * -Dtaskharbor.tck.seed=...}. {@code -Dtaskharbor.tck.sequences=20000} makes a deep run (default 1000).
 *
 * <p>If this fails, check first the step the report marks: the {@code Driver} javadoc names the rule, and the
 * contract group of the same operation usually fails too, with a smaller example. A state difference on updated_at,
 * run_at or last_error after a retry, release or requeue points at the choices listed on {@link ModelDriver}'s model.
 */
public abstract class PropertyContract extends TckGroup {

  protected PropertyContract(DriverTck tck) {
    super(tck);
  }

  @Test
  @DisplayName("required: random sequences of every operation agree with the reference model, step by step")
  void required_randomSequencesMatchTheReferenceModel() {
    DifferentialCheck.Summary summary = DifferentialCheck.againstModel(this::freshDriver)
        .profile(DifferentialCheck.Profile.GENERAL)
        .check();
    assertThat(summary.coverage()).containsKey("step Reserve");
  }

  @Test
  @DisplayName("required: sequences around lease expiry (lease − 1µs, lease, lease + 1µs) agree with the reference "
      + "model")
  void required_leaseBoundarySequencesMatchTheReferenceModel() {
    DifferentialCheck.Summary summary = DifferentialCheck.againstModel(this::freshDriver)
        .profile(DifferentialCheck.Profile.LEASE_BOUNDARIES)
        .sequences(Math.max(1, DifferentialCheck.configuredSequences() / 4))
        .maxSteps(30)
        .check();
    assertThat(summary.coverage()).containsKey("step Reserve");
  }
}
