package io.taskharbor.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The TCK has teeth: run whole against drivers broken on purpose, one rule each, it fails, on the tests of that rule,
 * and leaves the groups that have nothing to do with the rule passing.
 */
class TckTeethTest {

  static final String RANDOM_SEQUENCES = "required_randomSequencesMatchTheReferenceModel";
  static final String LEASE_BOUNDARIES = "required_leaseBoundarySequencesMatchTheReferenceModel";

  /** One finished test of a TCK run. */
  record Finished(String group, String method, TestExecutionResult.Status status, Optional<Throwable> failure) {
    boolean failed() {
      return status == TestExecutionResult.Status.FAILED;
    }
  }

  static List<Finished> run(Class<? extends DriverTck> tck) {
    List<Finished> finished = new ArrayList<>();
    for (Event e : EngineTestKit.engine("junit-jupiter").selectors(selectClass(tck)).execute().testEvents()
        .finished().list()) {
      TestExecutionResult result = e.getPayload(TestExecutionResult.class).orElseThrow();
      Optional<MethodSource> source = e.getTestDescriptor().getSource()
          .filter(MethodSource.class::isInstance).map(MethodSource.class::cast);
      String group = source.map(MethodSource::getClassName).orElse("?");
      finished.add(new Finished(group.substring(group.lastIndexOf('.') + 1),
          source.map(MethodSource::getMethodName).orElse(e.getTestDescriptor().getDisplayName()),
          result.getStatus(), result.getThrowable()));
    }
    return finished;
  }

  static Set<String> failedMethods(List<Finished> run) {
    return run.stream().filter(Finished::failed).map(Finished::method).collect(Collectors.toSet());
  }

  static Set<String> failedGroups(List<Finished> run) {
    return run.stream().filter(Finished::failed).map(Finished::group).collect(Collectors.toSet());
  }

  static String failure(List<Finished> run, String method) {
    return run.stream().filter(f -> f.method().equals(method)).findFirst().orElseThrow().failure()
        .map(Throwable::getMessage).orElse("");
  }

  /** The group of a nested TCK class as its class name ends: {@code DriverTck$Lease} is "Lease". */
  static String group(String nested) {
    return "DriverTck$" + nested;
  }

  static Set<String> groups(String... nested) {
    return Stream.of(nested).map(TckTeethTest::group).collect(Collectors.toSet());
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  @DisplayName("a driver that ignores lease expiry fails the lease-expiry rules and both property tests, and nothing "
      + "else")
  void ignoringLeaseExpiryIsCaught() {
    List<Finished> run = run(IgnoresLeaseExpiryTck.class);
    assertThat(failedMethods(run)).contains(RANDOM_SEQUENCES, LEASE_BOUNDARIES,
        "required_extendLeaseAfterExpiryIsExpired", "required_extendLeaseExactlyAtExpiryIsExpired",
        "required_anExpiredLeaseWinsOverAWrongToken", "required_aLateCompletionBeforeAnyReclaimIsExpired",
        "required_leaseOperationMatrix");
    assertThat(failedGroups(run)).isSubsetOf(groups("Properties", "Lease", "Completions", "Matrix", "Worker"));
    assertThat(run).filteredOn(f -> !f.failed()).hasSizeGreaterThan(run.size() / 2);
    assertThat(failure(run, LEASE_BOUNDARIES))
        .contains("refused LeaseExpiredException")
        .contains("Replay with -Dtaskharbor.tck.seed=");
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  @DisplayName("a driver that hands a leased job out twice fails the reserve, ordering and concurrency rules and both "
      + "property tests, and nothing else")
  void leasingTwiceIsCaught() {
    List<Finished> run = run(LeasesTwiceTck.class);
    assertThat(failedMethods(run)).contains(RANDOM_SEQUENCES, LEASE_BOUNDARIES,
        "required_aLeasedJobIsNotReservableWhileItsLeaseIsValid", "required_reserveReturnsAtMostMax",
        "required_exactlyOneReserverWinsAReadyJob");
    assertThat(failedGroups(run))
        .isSubsetOf(groups("Properties", "Reserve", "Ordering", "Lease", "Concurrency", "Worker"));
    assertThat(run).filteredOn(f -> !f.failed()).hasSizeGreaterThan(run.size() / 2);
    assertThat(failure(run, RANDOM_SEQUENCES)).contains("reserve");
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  @DisplayName("a driver that deduplicates idempotency keys across queues fails the per-queue key rule and the "
      + "general property test, and nothing else")
  void globalIdempotencyKeysAreCaught() {
    List<Finished> run = run(GlobalIdempotencyKeysTck.class);
    assertThat(failedMethods(run))
        .containsExactlyInAnyOrder(RANDOM_SEQUENCES, "required_theSameKeyInAnotherQueueCreatesAJob");
    assertThat(failedGroups(run)).isSubsetOf(groups("Properties", "Idempotency"));
    assertThat(failure(run, RANDOM_SEQUENCES)).contains(" existing");
  }
}
