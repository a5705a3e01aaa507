package io.taskharbor.tck;

/**
 * {@link io.taskharbor.spi.Driver#extendLease} and the strict lease validation order. Checked by {@link LeaseContract}.
 */
@RuleGroup(id = "LSE", name = "lease",
    summary = "extendLease extends a held lease and refuses everything else, in the validation order")
public interface LeaseRules {

  @Rule(id = "LSE-01",
      text = "extendLease sets the expiry to now + lease, keeps the token, sets updated_at and returns the expiry",
      ifFails = "that extendLease writes expiry = now + lease and updated_at = now, keeps the token, and returns the "
          + "stored expiry")
  void required_lse01_extendLeaseExtendsToNowPlusLease();

  @Rule(id = "LSE-02",
      text = "extendLease never shortens: a lease shorter than what is left keeps the current expiry",
      ifFails = "that the new expiry is max(current expiry, now + lease)")
  void required_lse02_extendLeaseNeverShortensTheLease();

  @Rule(id = "LSE-03",
      text = "extendLease to exactly the current expiry keeps it",
      ifFails = "the max of the two expiries when they are equal")
  void required_lse03_extendLeaseToTheCurrentExpiryKeepsIt();

  @Rule(id = "LSE-04",
      text = "extendLease 1µs before expiry succeeds",
      ifFails = "that validity is expiry > now, at microsecond precision")
  void required_lse04_extendLeaseOneMicrosecondBeforeExpirySucceeds();

  @Rule(id = "LSE-05",
      text = "an extended lease keeps the job from being reclaimed at the old expiry",
      ifFails = "that reserve reads the extended expiry (an available_at column must move with it)")
  void required_lse05_anExtendedLeaseIsNotReclaimedAtTheOldExpiry();

  @Rule(id = "LSE-06",
      text = "repeated extensions each move the expiry to now + lease",
      ifFails = "that extendLease neither counts an attempt nor changes the token")
  void required_lse06_repeatedExtensionsKeepTheJobLeased();

  @Rule(id = "LSE-07",
      text = "extendLease of an unknown job is a JobNotFoundException naming it",
      ifFails = "that an unknown id is the first check of the validation order")
  void required_lse07_extendLeaseOfAnUnknownJobIsNotFound();

  @Rule(id = "LSE-08",
      text = "extendLease of a job that is not INFLIGHT is a JobNotInflightException with its status",
      ifFails = "that the status check comes second and carries the job's status")
  void required_lse08_extendLeaseOfAJobNotInflightIsRefused(JobFixture.State state);

  @Rule(id = "LSE-09",
      text = "extendLease exactly at expiry is a LeaseExpiredException with the expiry and now",
      ifFails = "the strict validity test (expiry > now) and the fields of LeaseExpiredException")
  void required_lse09_extendLeaseExactlyAtExpiryIsExpired();

  @Rule(id = "LSE-10",
      text = "extendLease after expiry is a LeaseExpiredException",
      ifFails = "that an expired lease is refused even when nobody reclaimed the job")
  void required_lse10_extendLeaseAfterExpiryIsExpired();

  @Rule(id = "LSE-11",
      text = "an expired lease wins over a wrong token: LeaseExpiredException, not LeaseMismatchException",
      ifFails = "the validation order: expiry is checked before the token")
  void required_lse11_anExpiredLeaseWinsOverAWrongToken();

  @Rule(id = "LSE-12",
      text = "extendLease with a wrong token on a valid lease is a LeaseMismatchException",
      ifFails = "that the token is compared last, after the lease is known valid")
  void required_lse12_extendLeaseWithAWrongTokenIsAMismatch();

  @Rule(id = "LSE-13",
      text = "after a reclaim, extendLease with the former token is a LeaseMismatchException and the new holder keeps "
          + "its lease",
      ifFails = "that the reclaim replaced the token")
  void required_lse13_extendLeaseWithAFormerTokenAfterReclaimIsAMismatch();

  @Rule(id = "LSE-14",
      text = "a refused extendLease leaves the lease to expire when it would have",
      ifFails = "that a refused extendLease writes nothing (an UPDATE without the token in its WHERE clause)")
  void required_lse14_aRefusedExtendLeaseDoesNotExtend();
}
