package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.LEASE;
import static io.taskharbor.tck.JobFixture.QUEUE;
import static io.taskharbor.tck.JobFixture.wrongToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.api.JobId;
import io.taskharbor.api.JobNotFoundException;
import io.taskharbor.api.JobNotInflightException;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseExpiredException;
import io.taskharbor.api.LeaseMismatchException;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.spi.LeasedJob;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** extendLease: extends a held lease to now + lease (never shortening it), keeping the token, or refuses strictly. */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class LeaseContract extends TckGroup implements LeaseRules {

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected LeaseContract(DriverTck tck) {
    super(tck);
  }

  private Instant extend(JobId id, LeaseToken token, Duration lease) {
    return driver().extendLease(id, token, clock.instant(), lease);
  }

  /** Calls extendLease expecting a refusal, asserts that the job did not change, and returns the refusal. */
  private Throwable refused(JobId id, LeaseToken token) {
    JobRecord before = driver().get(id).orElse(null);
    Throwable thrown = catchThrowable(() -> extend(id, token, LEASE));
    assertThat(thrown).as("extendLease(%s) at %s should be refused", id, clock.instant()).isNotNull();
    if (before != null) {
      JobRecords.assertJob(fx.get(id), before);
    } else {
      assertThat(driver().get(id)).isEmpty();
    }
    return thrown;
  }

  @Override
  @Test
  public void required_lse01_extendLeaseExtendsToNowPlusLease() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob leased = fx.reserve(id);
    Instant now = clock.advance(Duration.ofSeconds(10));

    Instant expiry = extend(id, leased.token(), Duration.ofSeconds(60));

    assertThat(expiry).isEqualTo(now.plusSeconds(60));
    JobRecords.assertJob(fx.get(id), JobRecords.copy(leased.job()).lease(leased.token(), now.plusSeconds(60))
        .updatedAt(now).build());
  }

  @Override
  @Test
  public void required_lse02_extendLeaseNeverShortensTheLease() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob leased = fx.reserve(id);
    clock.advance(Duration.ofSeconds(10));

    Instant expiry = extend(id, leased.token(), Duration.ofSeconds(5));

    assertThat(expiry).isEqualTo(leased.leaseExpiresAt());
    JobRecord after = fx.get(id);
    assertThat(after.leaseExpiresAt()).isEqualTo(leased.leaseExpiresAt());
    assertThat(after.leaseToken()).isEqualTo(leased.token());
    assertThat(after.status()).isEqualTo(JobStatus.INFLIGHT);
    assertThat(after.attempts()).isEqualTo(1);
  }

  @Override
  @Test
  public void required_lse03_extendLeaseToTheCurrentExpiryKeepsIt() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob leased = fx.reserve(id);
    clock.advance(Duration.ofSeconds(10));

    assertThat(extend(id, leased.token(), LEASE.minusSeconds(10))).isEqualTo(leased.leaseExpiresAt());
    assertThat(fx.get(id).leaseExpiresAt()).isEqualTo(leased.leaseExpiresAt());
  }

  @Override
  @Test
  public void required_lse04_extendLeaseOneMicrosecondBeforeExpirySucceeds() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob leased = fx.reserve(id);
    Instant now = leased.leaseExpiresAt().minusNanos(1_000);
    clock.set(now);

    assertThat(extend(id, leased.token(), LEASE)).isEqualTo(now.plus(LEASE));
    assertThat(fx.get(id).leaseToken()).isEqualTo(leased.token());
  }

  @Override
  @Test
  public void required_lse05_anExtendedLeaseIsNotReclaimedAtTheOldExpiry() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob leased = fx.reserve(id);
    clock.advance(Duration.ofSeconds(20));
    Instant extended = extend(id, leased.token(), LEASE);

    clock.set(leased.leaseExpiresAt());
    assertThat(fx.reserve(QUEUE, 10)).isEmpty();
    clock.set(extended.minusNanos(1_000));
    assertThat(fx.reserve(QUEUE, 10)).isEmpty();
    clock.set(extended);
    assertThat(fx.reserve(QUEUE, 10)).extracting(LeasedJob::id).containsExactly(id);
  }

  @Override
  @Test
  public void required_lse06_repeatedExtensionsKeepTheJobLeased() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob leased = fx.reserve(id);
    for (int i = 0; i < 5; i++) {
      Instant now = clock.advance(Duration.ofSeconds(20));
      assertThat(extend(id, leased.token(), LEASE)).isEqualTo(now.plus(LEASE));
    }
    assertThat(fx.get(id).attempts()).isEqualTo(1);
    assertThat(fx.get(id).leaseToken()).isEqualTo(leased.token());
  }

  @Override
  @Test
  public void required_lse07_extendLeaseOfAnUnknownJobIsNotFound() {
    JobId missing = Jobs.nextId();
    fx.enqueue(Jobs.job(QUEUE));

    Throwable thrown = refused(missing, wrongToken());

    assertThat(thrown).isExactlyInstanceOf(JobNotFoundException.class);
    assertThat(((JobNotFoundException) thrown).jobId()).isEqualTo(missing);
  }

  @Override
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = JobFixture.State.class, names = {"READY", "SCHEDULED", "DONE", "DLQ", "CANCELED"})
  public void required_lse08_extendLeaseOfAJobNotInflightIsRefused(JobFixture.State state) {
    JobId id = fx.jobIn(state, QUEUE);
    JobStatus status = fx.get(id).status();

    Throwable thrown = refused(id, wrongToken());

    assertThat(thrown).isExactlyInstanceOf(JobNotInflightException.class);
    assertThat(((JobNotInflightException) thrown).jobId()).isEqualTo(id);
    assertThat(((JobNotInflightException) thrown).status()).isEqualTo(status);
  }

  @Override
  @Test
  public void required_lse09_extendLeaseExactlyAtExpiryIsExpired() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob leased = fx.reserve(id);
    clock.set(leased.leaseExpiresAt());

    Throwable thrown = refused(id, leased.token());

    assertThat(thrown).isExactlyInstanceOf(LeaseExpiredException.class);
    LeaseExpiredException e = (LeaseExpiredException) thrown;
    assertThat(e.jobId()).isEqualTo(id);
    assertThat(e.expiredAt()).isEqualTo(leased.leaseExpiresAt());
    assertThat(e.now()).isEqualTo(leased.leaseExpiresAt());
  }

  @Override
  @Test
  public void required_lse10_extendLeaseAfterExpiryIsExpired() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob leased = fx.reserve(id);
    Instant now = clock.advance(LEASE.plusHours(1));

    Throwable thrown = refused(id, leased.token());

    assertThat(thrown).isExactlyInstanceOf(LeaseExpiredException.class);
    assertThat(((LeaseExpiredException) thrown).expiredAt()).isEqualTo(leased.leaseExpiresAt());
    assertThat(((LeaseExpiredException) thrown).now()).isEqualTo(now);
  }

  @Override
  @Test
  public void required_lse11_anExpiredLeaseWinsOverAWrongToken() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob leased = fx.reserve(id);
    clock.set(leased.leaseExpiresAt());

    assertThat(refused(id, wrongToken())).isExactlyInstanceOf(LeaseExpiredException.class);
  }

  @Override
  @Test
  public void required_lse12_extendLeaseWithAWrongTokenIsAMismatch() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    fx.reserve(id);
    clock.advance(Duration.ofSeconds(1));

    Throwable thrown = refused(id, wrongToken());

    assertThat(thrown).isExactlyInstanceOf(LeaseMismatchException.class);
    assertThat(((LeaseMismatchException) thrown).jobId()).isEqualTo(id);
  }

  @Override
  @Test
  public void required_lse13_extendLeaseWithAFormerTokenAfterReclaimIsAMismatch() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob first = fx.reserve(id);
    clock.set(first.leaseExpiresAt());
    LeasedJob second = fx.reserve(id);
    clock.advance(Duration.ofSeconds(1));

    assertThat(refused(id, first.token())).isExactlyInstanceOf(LeaseMismatchException.class);
    JobRecords.assertJob(fx.get(id), second.job());
  }

  @Override
  @Test
  public void required_lse14_aRefusedExtendLeaseDoesNotExtend() {
    JobId id = fx.enqueueOne(Jobs.job(QUEUE));
    LeasedJob leased = fx.reserve(id);
    clock.advance(Duration.ofSeconds(10));
    refused(id, wrongToken());

    clock.set(leased.leaseExpiresAt());
    assertThat(fx.reserve(QUEUE, 10)).extracting(LeasedJob::id).containsExactly(id);
  }
}
