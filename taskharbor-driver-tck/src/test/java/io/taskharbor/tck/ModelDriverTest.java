package io.taskharbor.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskharbor.api.DuplicateJobException;
import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.InvalidJobStatusException;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobNotFoundException;
import io.taskharbor.api.JobNotInflightException;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseExpiredException;
import io.taskharbor.api.LeaseMismatchException;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Page;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The reference model on its own, rule by rule, independent of the TCK's contract groups. */
class ModelDriverTest {
  static final Instant T = TestClock.START;
  static final Duration LEASE = Duration.ofSeconds(10);
  static final Duration MICRO = Actions.MICRO;
  static final JobId J0 = Actions.JOB_IDS.get(0);
  static final JobId J1 = Actions.JOB_IDS.get(1);
  static final JobId J2 = Actions.JOB_IDS.get(2);
  static final JobId J3 = Actions.JOB_IDS.get(3);
  static final JobId J5 = Actions.JOB_IDS.get(5);

  final ModelDriver driver = new ModelDriver();

  @AfterEach
  void close() {
    driver.close();
  }

  static NewJob job(JobId id, String queue) {
    return NewJob.of(id, queue, "t1", "{}");
  }

  static NewJob job(JobId id, String queue, int priority, Instant runAt, String key, int maxAttempts) {
    return new NewJob(id, queue, "t1", "{}", priority, runAt, key, maxAttempts, null);
  }

  JobRecord stored(JobId id) {
    return driver.get(id).orElseThrow();
  }

  LeasedJob reserveOne(String queue, Instant now) {
    List<LeasedJob> leased = driver.reserve(queue, 1, now, LEASE);
    assertThat(leased).hasSize(1);
    return leased.get(0);
  }

  @Nested
  class LeaseValidation {
    @Test
    void unknownJobIsNotFound() {
      assertThatThrownBy(() -> driver.extendLease(J0, LeaseToken.random(), T, LEASE))
          .isInstanceOf(JobNotFoundException.class);
      assertThat(driver.complete(List.of(new Completion.Ack(J0, LeaseToken.random(), null)), T))
          .singleElement().satisfies(o -> assertThat(o.refusal()).isInstanceOf(JobNotFoundException.class));
    }

    @Test
    void readyJobIsNotInflight() {
      driver.enqueue(List.of(job(J0, "q")), T);
      assertThatThrownBy(() -> driver.extendLease(J0, LeaseToken.random(), T, LEASE))
          .isInstanceOfSatisfying(JobNotInflightException.class, e -> {
            assertThat(e.status()).isEqualTo(JobStatus.READY);
            assertThat(e.operation()).isEqualTo("extendLease");
          });
    }

    @Test
    void leaseIsValidUpToOneMicrosecondBeforeExpiryAndExpiredAtExpiry() {
      driver.enqueue(List.of(job(J0, "q")), T);
      LeasedJob leased = reserveOne("q", T);
      Instant expiry = T.plus(LEASE);
      assertThat(driver.extendLease(J0, leased.token(), expiry.minus(MICRO), Duration.ofNanos(1000)))
          .isEqualTo(expiry);
      assertThatThrownBy(() -> driver.extendLease(J0, leased.token(), expiry, LEASE))
          .isInstanceOfSatisfying(LeaseExpiredException.class, e -> {
            assertThat(e.expiredAt()).isEqualTo(expiry);
            assertThat(e.now()).isEqualTo(expiry);
          });
    }

    @Test
    void expiryWinsOverAWrongToken() {
      driver.enqueue(List.of(job(J0, "q")), T);
      reserveOne("q", T);
      List<Outcome> outcomes =
          driver.complete(List.of(new Completion.Ack(J0, LeaseToken.random(), null)), T.plus(LEASE));
      assertThat(outcomes.get(0).refusal()).isInstanceOf(LeaseExpiredException.class);
    }

    @Test
    void wrongTokenOnAValidLeaseIsAMismatchAndChangesNothing() {
      driver.enqueue(List.of(job(J0, "q")), T);
      reserveOne("q", T);
      JobRecord before = stored(J0);
      assertThat(driver.complete(List.of(new Completion.Fail(J0, LeaseToken.random(), "x", "e")), T.plus(MICRO))
          .get(0).refusal()).isInstanceOf(LeaseMismatchException.class);
      assertThat(stored(J0)).isEqualTo(before);
    }

    @Test
    void extendLeaseNeverMovesTheExpiryEarlierAndKeepsTheToken() {
      driver.enqueue(List.of(job(J0, "q")), T);
      LeasedJob leased = reserveOne("q", T);
      assertThat(driver.extendLease(J0, leased.token(), T.plusSeconds(1), Duration.ofSeconds(1)))
          .isEqualTo(T.plus(LEASE));
      assertThat(driver.extendLease(J0, leased.token(), T.plusSeconds(5), LEASE)).isEqualTo(T.plusSeconds(15));
      assertThat(stored(J0).leaseToken()).isEqualTo(leased.token());
      assertThat(stored(J0).updatedAt()).isEqualTo(T.plusSeconds(5));
    }
  }

  @Nested
  class TerminalIdempotency {
    @Test
    void ackOfADoneJobSucceedsAndChangesNothing() {
      driver.enqueue(List.of(job(J0, "q")), T);
      LeasedJob leased = reserveOne("q", T);
      driver.complete(List.of(new Completion.Ack(J0, leased.token(), "{\"a\":1}")), T.plusSeconds(1));
      JobRecord done = stored(J0);
      List<Outcome> again = driver.complete(
          List.of(new Completion.Ack(J0, LeaseToken.random(), "{\"b\":2}")), T.plusSeconds(30));
      assertThat(again.get(0).isOk()).isTrue();
      assertThat(stored(J0)).isEqualTo(done);
      assertThat(done.result()).isEqualTo("{\"a\":1}");
      assertThat(done.finishedAt()).isEqualTo(T.plusSeconds(1));
    }

    @Test
    void failOfADoneOrDlqJobSucceedsAndChangesNothing() {
      driver.enqueue(List.of(job(J0, "q"), job(J1, "q")), T);
      List<LeasedJob> leased = driver.reserve("q", 2, T, LEASE);
      driver.complete(List.of(new Completion.Ack(J0, leased.get(0).token(), null),
          new Completion.Fail(J1, leased.get(1).token(), "first", "e1")), T.plusSeconds(1));
      JobRecord done = stored(J0);
      JobRecord dead = stored(J1);
      List<Outcome> outcomes = driver.complete(List.of(new Completion.Fail(J0, LeaseToken.random(), "x", null),
          new Completion.Fail(J1, LeaseToken.random(), "second", "e2")), T.plusSeconds(2));
      assertThat(outcomes).allMatch(Outcome::isOk);
      assertThat(stored(J0)).isEqualTo(done);
      assertThat(stored(J1)).isEqualTo(dead);
      assertThat(dead.dlqReason()).isEqualTo("first");
    }

    @Test
    void retryReleaseAndExtendOfATerminalJobAreNotInflight() {
      driver.enqueue(List.of(job(J0, "q")), T);
      LeasedJob leased = reserveOne("q", T);
      driver.complete(List.of(new Completion.Ack(J0, leased.token(), null)), T);
      List<Outcome> outcomes = driver.complete(List.of(new Completion.Retry(J0, leased.token(), null, "e"),
          new Completion.Release(J0, leased.token(), null)), T);
      assertThat(outcomes).allSatisfy(o -> assertThat(o.refusal()).isInstanceOf(JobNotInflightException.class));
      assertThatThrownBy(() -> driver.extendLease(J0, leased.token(), T, LEASE))
          .isInstanceOf(JobNotInflightException.class);
    }

    @Test
    void ackOfADlqJobIsNotInflight() {
      driver.enqueue(List.of(job(J0, "q")), T);
      LeasedJob leased = reserveOne("q", T);
      driver.complete(List.of(new Completion.Fail(J0, leased.token(), "x", null)), T);
      assertThat(driver.complete(List.of(new Completion.Ack(J0, leased.token(), null)), T).get(0).refusal())
          .isInstanceOfSatisfying(JobNotInflightException.class,
              e -> assertThat(e.status()).isEqualTo(JobStatus.DLQ));
    }
  }

  @Nested
  class Reserve {
    @Test
    void ordersByPriorityThenClaimableInstantThenUnsignedId() {
      driver.enqueue(List.of(job(J5, "q"), job(J0, "q"), job(J3, "q"), job(J2, "q")), T);
      driver.enqueue(List.of(job(J1, "q", 1, null, null, 25)), T.plusSeconds(1));
      List<LeasedJob> leased = driver.reserve("q", 5, T.plusSeconds(1), LEASE);
      assertThat(leased).extracting(LeasedJob::id).containsExactly(J1, J5, J0, J2, J3);
    }

    @Test
    void aDueScheduledJobAndAnExpiredLeaseGoBeforeNewerJobs() {
      driver.enqueue(List.of(job(J0, "q")), T);
      reserveOne("q", T);
      driver.enqueue(List.of(job(J1, "q", 0, T.plusSeconds(5), null, 25)), T);
      driver.enqueue(List.of(job(J2, "q")), T.plusSeconds(8));
      List<LeasedJob> leased = driver.reserve("q", 3, T.plusSeconds(12), LEASE);
      assertThat(leased).extracting(LeasedJob::id).containsExactly(J1, J2, J0);
      assertThat(leased.get(2).job().attempts()).isEqualTo(2);
    }

    @Test
    void skipsJobsNotYetDueAndOtherQueues() {
      driver.enqueue(List.of(job(J0, "q", 0, T.plus(MICRO), null, 25), job(J1, "other")), T);
      assertThat(driver.reserve("q", 5, T, LEASE)).isEmpty();
      assertThat(driver.reserve("q", 5, T.plus(MICRO), LEASE)).extracting(LeasedJob::id).containsExactly(J0);
    }

    @Test
    void leasesWithAFreshTokenExpiryAndAttempt() {
      driver.enqueue(List.of(job(J0, "q")), T);
      LeasedJob first = reserveOne("q", T);
      LeasedJob second = reserveOne("q", T.plus(LEASE));
      assertThat(second.token()).isNotEqualTo(first.token());
      assertThat(second.leaseExpiresAt()).isEqualTo(T.plus(LEASE).plus(LEASE));
      assertThat(second.job().attempts()).isEqualTo(2);
      assertThat(second.job().updatedAt()).isEqualTo(T.plus(LEASE));
    }

    @Test
    void sweepsEveryExpiredLastAttemptOfTheQueueToTheDlqFirst() {
      driver.enqueue(List.of(job(J0, "q", 0, null, null, 1), job(J1, "q", 0, null, null, 1),
          job(J2, "other", 0, null, null, 1), job(J3, "q")), T);
      driver.reserve("q", 2, T, LEASE);
      driver.reserve("other", 1, T, LEASE);
      List<LeasedJob> leased = driver.reserve("q", 1, T.plus(LEASE), LEASE);
      assertThat(leased).extracting(LeasedJob::id).containsExactly(J3);
      for (JobId id : List.of(J0, J1)) {
        JobRecord dead = stored(id);
        assertThat(dead.status()).isEqualTo(JobStatus.DLQ);
        assertThat(dead.dlqReason()).isEqualTo("lease expired on the last attempt");
        assertThat(dead.dlqFailedAt()).isEqualTo(T.plus(LEASE));
        assertThat(dead.finishedAt()).isEqualTo(T.plus(LEASE));
        assertThat(dead.leaseToken()).isNull();
        assertThat(dead.attempts()).isEqualTo(1);
      }
      assertThat(stored(J2).status()).isEqualTo(JobStatus.INFLIGHT);
    }
  }

  @Nested
  class Completions {
    @Test
    void retryAndReleaseReturnTheJobToReady() {
      driver.enqueue(List.of(job(J0, "q"), job(J1, "q")), T);
      List<LeasedJob> leased = driver.reserve("q", 2, T, LEASE);
      driver.complete(List.of(new Completion.Retry(J0, leased.get(0).token(), null, "e1")), T.plusSeconds(1));
      driver.complete(List.of(new Completion.Release(J1, leased.get(1).token(), T.plusSeconds(9))),
          T.plusSeconds(2));
      JobRecord retried = stored(J0);
      assertThat(retried.status()).isEqualTo(JobStatus.READY);
      assertThat(retried.runAt()).isEqualTo(T.plusSeconds(1));
      assertThat(retried.attempts()).isEqualTo(1);
      assertThat(retried.lastError()).isEqualTo("e1");
      assertThat(retried.leaseToken()).isNull();
      assertThat(retried.leaseExpiresAt()).isNull();
      JobRecord released = stored(J1);
      assertThat(released.runAt()).isEqualTo(T.plusSeconds(9));
      assertThat(released.attempts()).isZero();
      assertThat(released.updatedAt()).isEqualTo(T.plusSeconds(2));
    }

    @Test
    void failMovesToTheDlqWithReasonTimeAndError() {
      driver.enqueue(List.of(job(J0, "q")), T);
      LeasedJob leased = reserveOne("q", T);
      driver.complete(List.of(new Completion.Fail(J0, leased.token(), "bad input", "boom")), T.plusSeconds(3));
      JobRecord dead = stored(J0);
      assertThat(dead.status()).isEqualTo(JobStatus.DLQ);
      assertThat(dead.dlqReason()).isEqualTo("bad input");
      assertThat(dead.dlqFailedAt()).isEqualTo(T.plusSeconds(3));
      assertThat(dead.finishedAt()).isEqualTo(T.plusSeconds(3));
      assertThat(dead.lastError()).isEqualTo("boom");
    }

    @Test
    void aBatchIsAppliedItemByItemInOrder() {
      driver.enqueue(List.of(job(J0, "q")), T);
      LeasedJob leased = reserveOne("q", T);
      List<Outcome> outcomes = driver.complete(List.of(new Completion.Ack(J0, leased.token(), null),
          new Completion.Retry(J0, leased.token(), null, null), new Completion.Ack(J0, leased.token(), null),
          new Completion.Ack(J1, leased.token(), null)), T);
      assertThat(outcomes.get(0).isOk()).isTrue();
      assertThat(outcomes.get(1).refusal()).isInstanceOf(JobNotInflightException.class);
      assertThat(outcomes.get(2).isOk()).isTrue();
      assertThat(outcomes.get(3).refusal()).isInstanceOf(JobNotFoundException.class);
      assertThat(outcomes.get(3).id()).isEqualTo(J1);
    }
  }

  @Nested
  class Enqueue {
    @Test
    void keysArePerQueueAndStayTakenUntilTheJobIsDeleted() {
      List<EnqueueResult> results = driver.enqueue(List.of(job(J0, "a", 0, null, "k", 25),
          job(J1, "b", 0, null, "k", 25), job(J2, "a", 0, null, "k", 25)), T);
      assertThat(results).containsExactly(new EnqueueResult(J0, true), new EnqueueResult(J1, true),
          new EnqueueResult(J0, false));
      assertThat(driver.get(J2)).isEmpty();
      driver.delete(J0);
      assertThat(driver.enqueue(List.of(job(J2, "a", 0, null, "k", 25)), T))
          .containsExactly(new EnqueueResult(J2, true));
      assertThat(driver.findByIdempotencyKey("a", "k")).map(JobRecord::id).contains(J2);
    }

    @Test
    void aDuplicateIdStoresNothingOfTheBatch() {
      driver.enqueue(List.of(job(J0, "q")), T);
      assertThatThrownBy(() -> driver.enqueue(List.of(job(J1, "q"), job(J0, "q")), T))
          .isInstanceOfSatisfying(DuplicateJobException.class, e -> assertThat(e.jobId()).isEqualTo(J0));
      assertThatThrownBy(() -> driver.enqueue(List.of(job(J1, "q"), job(J1, "b")), T))
          .isInstanceOf(DuplicateJobException.class);
      assertThat(driver.get(J1)).isEmpty();
    }

    @Test
    void resendingARequestWithItsKeyIsDeduplicatedNotADuplicate() {
      NewJob keyed = job(J0, "q", 0, null, "k", 25);
      driver.enqueue(List.of(keyed), T);
      assertThat(driver.enqueue(List.of(keyed), T.plusSeconds(1))).containsExactly(new EnqueueResult(J0, false));
      assertThat(stored(J0).createdAt()).isEqualTo(T);
    }
  }

  @Nested
  class Admin {
    @Test
    void requeueMovesADlqJobBackToReadyDueNow() {
      driver.enqueue(List.of(job(J0, "q")), T);
      LeasedJob leased = reserveOne("q", T);
      driver.complete(List.of(new Completion.Fail(J0, leased.token(), "x", "e")), T);
      driver.requeue(J0, false, T.plusSeconds(5));
      JobRecord back = stored(J0);
      assertThat(back.status()).isEqualTo(JobStatus.READY);
      assertThat(back.runAt()).isEqualTo(T.plusSeconds(5));
      assertThat(back.attempts()).isEqualTo(1);
      assertThat(back.dlqReason()).isNull();
      assertThat(back.dlqFailedAt()).isNull();
      assertThat(back.finishedAt()).isNull();
      assertThat(back.lastError()).isEqualTo("e");
      driver.reserve("q", 1, T.plusSeconds(5), LEASE);
      driver.complete(List.of(new Completion.Fail(J0, stored(J0).leaseToken(), "x", null)), T.plusSeconds(5));
      driver.requeue(J0, true, T.plusSeconds(6));
      assertThat(stored(J0).attempts()).isZero();
      assertThatThrownBy(() -> driver.requeue(J0, true, T)).isInstanceOfSatisfying(InvalidJobStatusException.class,
          e -> assertThat(e.status()).isEqualTo(JobStatus.READY));
      assertThatThrownBy(() -> driver.requeue(J1, true, T)).isInstanceOf(JobNotFoundException.class);
    }

    @Test
    void cancelOnlyReadyJobsAndCancelingTwiceIsANoOp() {
      driver.enqueue(List.of(job(J0, "q"), job(J1, "q", 0, T.plusSeconds(60), null, 25)), T);
      reserveOne("q", T);
      assertThatThrownBy(() -> driver.cancel(J0, T)).isInstanceOf(InvalidJobStatusException.class);
      driver.cancel(J1, T.plusSeconds(1));
      JobRecord canceled = stored(J1);
      assertThat(canceled.status()).isEqualTo(JobStatus.CANCELED);
      assertThat(canceled.finishedAt()).isEqualTo(T.plusSeconds(1));
      driver.cancel(J1, T.plusSeconds(2));
      assertThat(stored(J1)).isEqualTo(canceled);
    }

    @Test
    void deleteRefusesInflightJobs() {
      driver.enqueue(List.of(job(J0, "q")), T);
      reserveOne("q", T);
      assertThatThrownBy(() -> driver.delete(J0)).isInstanceOfSatisfying(InvalidJobStatusException.class,
          e -> assertThat(e.status()).isEqualTo(JobStatus.INFLIGHT));
      assertThatThrownBy(() -> driver.delete(J1)).isInstanceOf(JobNotFoundException.class);
    }

    @Test
    void purgeDeletesTerminalJobsFinishedStrictlyBefore() {
      driver.enqueue(List.of(job(J0, "q", 0, null, "k", 25), job(J1, "q")), T);
      driver.cancel(J0, T.plusSeconds(1));
      driver.cancel(J1, T.plusSeconds(2));
      assertThat(driver.purge(Set.of(JobStatus.DONE), T.plusSeconds(9))).isZero();
      assertThat(driver.purge(Set.of(JobStatus.CANCELED), T.plusSeconds(1))).isZero();
      assertThat(driver.purge(Set.of(JobStatus.CANCELED), T.plusSeconds(1).plus(MICRO))).isEqualTo(1);
      assertThat(driver.get(J0)).isEmpty();
      assertThat(driver.findByIdempotencyKey("q", "k")).isEmpty();
      assertThatThrownBy(() -> driver.purge(Set.of(JobStatus.READY), T)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> driver.purge(Set.of(), T)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Reads {
    @Test
    void listFiltersAndPagesByUnsignedIdWithACursor() {
      driver.enqueue(List.of(job(J3, "a"), job(J0, "a"), job(J5, "a"), job(J2, "b")), T);
      Page<JobRecord> first = driver.list(JobQuery.builder().queue("a").limit(2).build());
      assertThat(first.items()).extracting(JobRecord::id).containsExactly(J5, J0);
      assertThat(first.nextCursor()).isEqualTo(J0.toString());
      Page<JobRecord> second = driver.list(JobQuery.builder().queue("a").limit(2).cursor(first.nextCursor()).build());
      assertThat(second.items()).extracting(JobRecord::id).containsExactly(J3);
      assertThat(second.nextCursor()).isNull();
      assertThat(driver.list(JobQuery.builder().limit(4).build()).nextCursor()).isNull();
      assertThat(driver.list(JobQuery.builder().status(JobStatus.DONE).build()).items()).isEmpty();
    }

    @Test
    void statsTellDueFromScheduled() {
      driver.enqueue(List.of(job(J0, "q"), job(J1, "q", 0, T.plus(MICRO), null, 25), job(J2, "other")), T);
      assertThat(driver.stats("q", T)).isEqualTo(new QueueStats("q", 1, 1, 0, 0, 0, 0));
      assertThat(driver.stats("q", T.plus(MICRO))).isEqualTo(new QueueStats("q", 2, 0, 0, 0, 0, 0));
    }
  }

  @Nested
  class Arguments {
    @Test
    void badArgumentsAreRefusedBeforeAnythingChanges() {
      assertThatThrownBy(() -> driver.reserve("bad queue", 1, T, LEASE)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> driver.reserve("q", 0, T, LEASE)).hasMessageContaining("max");
      assertThatThrownBy(() -> driver.reserve("q", 1, T, Duration.ZERO)).hasMessageContaining("lease");
      assertThatThrownBy(() -> driver.stats("q", Instant.parse("1969-12-31T23:59:59Z")))
          .hasMessageContaining("now");
    }

    @Test
    @DisplayName("instants and leases are truncated to microseconds")
    void instantsAreTruncatedToMicroseconds() {
      driver.enqueue(List.of(job(J0, "q")), T.plusNanos(999));
      assertThat(stored(J0).createdAt()).isEqualTo(T);
      LeasedJob leased = driver.reserve("q", 1, T, LEASE.plusNanos(999)).get(0);
      assertThat(leased.leaseExpiresAt()).isEqualTo(T.plus(LEASE));
    }

    @Test
    void aClosedDriverRefusesEveryCallAndClosesTwice() {
      driver.close();
      driver.close();
      assertThatThrownBy(() -> driver.get(J0)).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> driver.enqueue(List.of(), T)).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> driver.purge(Set.of(JobStatus.DONE), T)).isInstanceOf(IllegalStateException.class);
    }
  }
}
