package io.taskharbor.tck;

/**
 * A closed driver. Checked by {@link ClosedDriverContract}.
 */
@RuleGroup(id = "CLS", name = "closed driver", summary = "every call is an IllegalStateException, close is idempotent")
public interface ClosedDriverRules {

  @Rule(id = "CLS-01",
      text = "every call on a closed driver is an IllegalStateException",
      ifFails = "that the call named in the case's name checks the closed state first, before its arguments or "
          + "storage")
  void required_cls01_everyCallOnAClosedDriverIsIllegalState(ClosedDriverContract.Call call);

  @Rule(id = "CLS-02",
      text = "close is idempotent: closing again succeeds, and the driver stays closed",
      ifFails = "that a second close neither throws nor reopens")
  void required_cls02_closeIsIdempotent();

  @Rule(id = "CLS-03",
      text = "a driver closed before its first call refuses that call too",
      ifFails = "that the closed state is set by close even when the driver was never used (a lazily opened pool must "
          + "not be opened by a later call)")
  void required_cls03_aDriverClosedBeforeUseRefusesCalls();

  @Rule(id = "CLS-04",
      text = "close releases every resource the driver opened (connections, pools, threads, listeners) and none that "
          + "the application passed in, such as a DataSource",
      ifFails = "that close shuts the pool and the threads the driver started and leaves the application's DataSource "
          + "open; a thread dump or the database's connection list after close shows what is left")
  void untested_cls04_closeReleasesWhatTheDriverOpened();
}
