package io.taskharbor.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.taskharbor.api.JobId;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.tck.Action.TokenChoice;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The property machinery itself: generation, comparison, shrinking, the report and replay by seed. */
class DifferentialCheckTest {

  static final Duration LEASE = Actions.LEASE;

  static Action.Enqueue enqueue(int id) {
    return new Action.Enqueue(List.of(new Action.JobSpec(Actions.JOB_IDS.get(id), "q-a", "t1", "{}", 0, null, null,
        2, null)));
  }

  static final Action RESERVE = new Action.Reserve("q-a", 1, LEASE);

  @Test
  void theModelAgreesWithItselfAndSequencesReachEveryRuleWorthReaching() {
    DifferentialCheck.Summary summary =
        DifferentialCheck.between(ModelDriver::new, ModelDriver::new).sequences(600).seed(7).check();
    assertThat(summary.seed()).isEqualTo(7);
    assertThat(summary.coverage()).containsKeys(
        "step Enqueue", "step Reserve", "step ExtendLease", "step Complete", "step Cancel", "step Requeue",
        "step Delete", "step Purge", "step Get", "step ListJobs", "step Stats", "step FindByKey",
        "Complete refused LeaseExpiredException", "Complete refused LeaseMismatchException",
        "Complete refused JobNotInflightException", "Complete refused JobNotFoundException",
        "ExtendLease refused LeaseExpiredException", "ExtendLease refused LeaseMismatchException",
        "Enqueue refused DuplicateJobException", "enqueue deduplicated by key",
        "Cancel refused InvalidJobStatusException", "Requeue refused InvalidJobStatusException",
        "Delete refused InvalidJobStatusException", "status DONE", "status DLQ", "status CANCELED",
        "status INFLIGHT", "DLQ by expired last attempt", "purge deleted jobs", "list paged", "reserve leased 2");
    // completions both succeed and are refused often
    long accepted = summary.coverage().get("Complete ok");
    long refused = summary.coverage().entrySet().stream()
        .filter(e -> e.getKey().startsWith("Complete refused")).mapToLong(e -> e.getValue()).sum();
    assertThat(accepted).isBetween((accepted + refused) / 10, (accepted + refused) / 2);
  }

  @Test
  void theLeaseBoundaryProfileHitsExpiryAndTheLastAttemptSweep() {
    DifferentialCheck.Summary summary = DifferentialCheck.between(ModelDriver::new, ModelDriver::new)
        .profile(DifferentialCheck.Profile.LEASE_BOUNDARIES).sequences(300).seed(11).check();
    assertThat(summary.coverage()).containsKeys("Complete refused LeaseExpiredException",
        "ExtendLease refused LeaseExpiredException", "DLQ by expired last attempt", "status DONE");
  }

  @Test
  void aBrokenDriverIsCaughtWithAMinimalSequenceAndTheSeedThatReplaysIt() {
    AssertionError failure = catchThrowableOfType(AssertionError.class,
        () -> DifferentialCheck.againstModel(IgnoresLeaseExpiryDriver::new).sequences(1000).seed(42).check());
    String report = failure.getMessage();
    assertThat(report)
        .contains("disagrees with the reference 'model'")
        .contains("Seed: 42. Replay with -Dtaskharbor.tck.seed=42 -Dtaskharbor.tck.sequences=1000")
        .contains("J0 = 00000000-0000-7000-8000-000000000001");
    assertThat(stepCount(report)).isBetween(3, 6);

    AssertionError again = catchThrowableOfType(AssertionError.class,
        () -> DifferentialCheck.againstModel(IgnoresLeaseExpiryDriver::new).sequences(1000).seed(42).check());
    assertThat(again.getMessage()).isEqualTo(report);
  }

  @Test
  void aStaleWorkersAckAfterExpiryIsTheMinimalCounterexample() {
    List<Action> steps = List.of(enqueue(0), RESERVE, new Action.AdvanceClock(LEASE),
        new Action.Complete(List.of(new Action.Ack(new Action.Reserved(0), TokenChoice.CURRENT, null))));
    DifferentialCheck check = DifferentialCheck.againstModel(IgnoresLeaseExpiryDriver::new);
    assertThat(check.disagreement(steps)).hasValueSatisfying(report -> assertThat(report)
        .contains("on the result of step 4 of 4")
        .contains("Subject:   [ok J0]")
        .contains("Reference: [refused LeaseExpiredException{job=J0, expiredAt=T+10s, now=T+10s}]"));
    assertThatThrownBy(() -> check.replay(steps)).isInstanceOf(AssertionError.class);
    DifferentialCheck.againstModel(ModelDriver::new).replay(steps);
  }

  @Test
  void aStateDifferenceIsReportedFieldByField() {
    List<Action> steps = List.of(enqueue(0), RESERVE, RESERVE);
    assertThat(DifferentialCheck.againstModel(LeasesTwiceDriver::new).disagreement(steps))
        .hasValueSatisfying(report -> assertThat(report).contains("on the result of step 3"));
    List<Action> keys = List.of(
        new Action.Enqueue(List.of(new Action.JobSpec(Actions.JOB_IDS.get(0), "q-a", "t1", "{}", 0, null, "k1", 2,
            null))),
        new Action.Enqueue(List.of(new Action.JobSpec(Actions.JOB_IDS.get(1), "q-b", "t1", "{}", 0, null, "k1", 2,
            null))));
    assertThat(DifferentialCheck.againstModel(GlobalIdempotencyKeysDriver::new).disagreement(keys))
        .hasValueSatisfying(report -> assertThat(report)
            .contains("Subject:   [J0 existing]")
            .contains("Reference: [J1 created]"));
  }

  @Test
  void tokensAreComparedByTheReservationThatIssuedThem() {
    List<Action> steps = List.of(enqueue(0), RESERVE, new Action.AdvanceClock(LEASE), RESERVE,
        new Action.ExtendLease(new Action.Reserved(0), TokenChoice.STALE, LEASE),
        new Action.ExtendLease(new Action.Reserved(0), TokenChoice.CURRENT, LEASE), new Action.Get(
            new Action.Created(0)));
    assertThat(DifferentialCheck.between(ModelDriver::new, ModelDriver::new).disagreement(steps)).isEmpty();
    assertThat(DifferentialCheck.againstModel(ReusesTokensDriver::new).disagreement(steps))
        .hasValueSatisfying(report -> assertThat(report).contains("J0 lease#1").contains("J0 lease#2"));
  }

  @Test
  void theCoordinationProfileReachesEveryKindOfCoordinationOutcome() {
    DifferentialCheck.Summary summary = DifferentialCheck.between(ModelDriver::new, ModelDriver::new)
        .profile(DifferentialCheck.Profile.COORDINATION).sequences(250).maxSteps(30).seed(20301).check();

    System.out.println("coordination profile, model vs model: " + summary.coverage());
    assertThat(summary.coverage()).containsKeys("recoverOrphans recovered jobs", "removeDeadNodes removed nodes",
        "leader purge deleted jobs", "lease passed on with a higher term", "heartbeat of an unregistered node",
        "a dead node listed", "Renew refused StaleTermException", "RecoverOrphans refused StaleTermException",
        "RemoveDeadNodes refused StaleTermException", "step CountLiveJobs", "step Resign", "step ListJobs",
        "Complete refused LeaseExpiredException");
  }

  @Test
  void coordinationStepsAreSkippedWhenASideLacksTheExtension() {
    List<Action> steps = List.of(new Action.Register("n1", List.of("q-a"), 1, Duration.ZERO),
        new Action.Acquire("main", "n1", LEASE), new Action.CountLiveJobs(), enqueue(0),
        new Action.Reserve("q-a", 1, LEASE, "n1"));
    assertThat(DifferentialCheck.againstModel(NoExtensionsDriver::new).disagreement(steps)).isEmpty();
  }

  @Test
  void propertiesAreReadAndCheckedStrictly() {
    assertThatThrownBy(() -> DifferentialCheck.againstModel(ModelDriver::new).sequences(0))
        .isInstanceOf(IllegalArgumentException.class);
    String before = System.getProperty(DifferentialCheck.SEED_PROPERTY);
    try {
      System.setProperty(DifferentialCheck.SEED_PROPERTY, "not-a-seed");
      assertThatThrownBy(DifferentialCheck::configuredSeed).hasMessageContaining("taskharbor.tck.seed");
      System.setProperty(DifferentialCheck.SEED_PROPERTY, "-17");
      assertThat(DifferentialCheck.configuredSeed()).isEqualTo(-17L);
    } finally {
      if (before == null) {
        System.clearProperty(DifferentialCheck.SEED_PROPERTY);
      } else {
        System.setProperty(DifferentialCheck.SEED_PROPERTY, before);
      }
    }
  }

  /** Counts the numbered steps of a report's step list. */
  static int stepCount(String report) {
    Matcher m = Pattern.compile("(?m)^(?:  > |    )\\s*(\\d+)\\. ").matcher(report);
    int last = 0;
    while (m.find()) {
      last = Integer.parseInt(m.group(1));
    }
    return last;
  }

  /** Broken on purpose: a reclaimed job keeps the token of its previous lease. */
  static final class ReusesTokensDriver extends ForwardingDriver {
    private final Map<JobId, LeaseToken> first =
        new HashMap<>();
    private final Map<LeaseToken, LeaseToken> alias =
        new HashMap<>();

    @Override
    public List<LeasedJob> reserve(
        String queue, int max, Instant now, Duration lease, @org.jspecify.annotations.Nullable String holder) {
      return delegate.reserve(queue, max, now, lease, holder).stream().map(l -> {
        LeaseToken shown = first.computeIfAbsent(l.id(), id -> l.token());
        alias.put(shown, l.token());
        return new LeasedJob(l.job().toBuilder().leaseToken(shown).build());
      }).toList();
    }

    @Override
    public Instant extendLease(
        JobId id, LeaseToken token, Instant now, Duration lease) {
      return delegate.extendLease(id, alias.getOrDefault(token, token), now, lease);
    }
  }
}
