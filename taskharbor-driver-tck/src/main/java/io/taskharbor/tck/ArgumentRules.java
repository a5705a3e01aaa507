package io.taskharbor.tck;

/**
 * Argument checks, before storage is touched. Checked by {@link ArgumentContract}.
 */
@RuleGroup(id = "ARG", name = "arguments", summary = "bad values are refused before storage is touched")
public interface ArgumentRules {

  @Rule(id = "ARG-01",
      text = "a bad value is an IllegalArgumentException naming the parameter, and changes nothing",
      ifFails = "that the driver validates the call named in the case's name with "
          + "io.taskharbor.spi.support.Validation (or equivalent) before it touches storage or looks up the job, and "
          + "that the message names the parameter")
  void required_arg01_badValuesAreIllegalArgumentsNamingTheParameter(ArgumentContract.BadCall bad);

  @Rule(id = "ARG-02",
      text = "a null argument is a NullPointerException or an IllegalArgumentException, and changes nothing",
      ifFails = "that the null named in the case's name is refused before storage is touched")
  void required_arg02_nullArgumentsAreRefused(ArgumentContract.BadCall bad);

  @Rule(id = "ARG-03",
      text = "instants at the exact limits 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z are accepted",
      ifFails = "that the storage holds instants from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z (and lease "
          + "expiries a little beyond) without overflow or rounding")
  void required_arg03_instantsAtTheLimitsAreAccepted();

  @Rule(id = "ARG-04",
      text = "a storage failure is a DriverException, marked transient when a retry may help (a lost connection, a "
          + "serialisation failure, a timeout), never the storage library's own exception",
      ifFails = "the mapping of storage errors to DriverException and its transient flag (the PostgreSQL driver's "
          + "SqlErrors is an example): the engine retries transient failures only, and the TCK cannot make storage "
          + "fail")
  void untested_arg04_storageFailuresAreDriverExceptions();
}
