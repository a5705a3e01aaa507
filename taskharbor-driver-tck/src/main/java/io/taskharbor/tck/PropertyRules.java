package io.taskharbor.tck;

/**
 * Stateful property tests: random action sequences on the driver and on the reference model must agree on every
 * step's answer and on the whole visible state after every step. A failure prints the shortest sequence found, both
 * sides' answers, and the seed to replay it with ({@code -Dtaskharbor.tck.seed=...}). Checked by {@link
 * PropertyContract}.
 */
@RuleGroup(id = "PRP", name = "property", summary = "random action sequences agree with the reference model")
public interface PropertyRules {

  @Rule(id = "PRP-01",
      text = "random sequences of every operation agree with the reference model, step by step",
      ifFails = "first the step the report marks: the Driver javadoc names the rule, and the contract group of the "
          + "same operation usually fails too, with a smaller example; a difference in updated_at, run_at or "
          + "last_error after a retry, release or requeue points at the choices listed in TckRules")
  void required_prp01_randomSequencesMatchTheReferenceModel();

  @Rule(id = "PRP-02",
      text = "sequences around lease expiry (lease - 1µs, lease, lease + 1µs) agree with the reference model",
      ifFails = "the step the report marks, then the strict validity test of a lease (valid iff lease_expires_at > "
          + "now) in reserve, extendLease and every completion")
  void required_prp02_leaseBoundarySequencesMatchTheReferenceModel();

  @Rule(id = "PRP-03",
      text = "sequences of node, leader and job steps (registrations, heartbeats, acquisitions, renewals and "
          + "resignations, recoveries, removals and purges under latest, stale and future terms, reservations by "
          + "those nodes, live-job counts) around the lease, ttl and node-timeout boundaries agree with the reference "
          + "model, step by step, coordination state included",
      ifFails = "the step the report marks, then the CRD rule of the same call (its contract test usually fails too, "
          + "with a smaller example); a difference in leased_by or started_at points at reserve's holder",
      when = "offer the Coordination extension")
  void optional_prp03_coordinationSequencesMatchTheReferenceModel();

  @Rule(id = "PRP-04",
      text = "sequences of queue settings (paused, limits 1 and 2), job pauses, resumes and cancel requests among "
          + "enqueues, reservations, completions (the cancel completion included), lease extensions and requeues, "
          + "around the lease boundary, agree with the reference model step by step, the cancel requests, details "
          + "and the overview of the queues included",
      ifFails = "the step the report marks, then the QUE, PAU or CAN rule of the same call (its contract test "
          + "usually fails too, with a smaller example)",
      when = "offer the QueueControls and JobControls extensions")
  void optional_prp04_controlSequencesMatchTheReferenceModel();
}
