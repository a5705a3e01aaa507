package io.taskharbor.tck;

/**
 * Wake-up notifications, the optional {@link io.taskharbor.spi.WakeUpNotifications} extension. Its rules are {@code
 * optional_}: skipped, by name, for a driver that does not offer the extension; only NTF-07, which every driver must
 * keep, is {@code required_}. A notification that must come is awaited for 10 s ({@code
 * -Dtaskharbor.tck.notificationWaitMillis} changes that). Checked by {@link NotificationContract}.
 */
@RuleGroup(id = "NTF", name = "notifications", summary = "subscribers hear of new jobs (extension WakeUpNotifications)")
public interface NotificationRules {

  @Rule(id = "NTF-01",
      text = "a subscriber is told the queue's name after a job is enqueued to it",
      ifFails = "that enqueue publishes the queue's name (for PostgreSQL: NOTIFY in the enqueue's transaction, and a "
          + "LISTEN connection that is polled)",
      when = "offer the WakeUpNotifications extension")
  void optional_ntf01_aSubscriberHearsOfAnEnqueuedJob() throws InterruptedException;

  @Rule(id = "NTF-02",
      text = "every subscriber is told, including one subscribed through a second client",
      ifFails = "that every listener of every client is called, not only the first",
      when = "offer the WakeUpNotifications extension")
  void optional_ntf02_everySubscriberIsTold() throws InterruptedException;

  @Rule(id = "NTF-03",
      text = "a closed subscription hears nothing more",
      ifFails = "that Subscription.close removes the listener",
      when = "offer the WakeUpNotifications extension")
  void optional_ntf03_aClosedSubscriptionHearsNothing() throws InterruptedException;

  @Rule(id = "NTF-04",
      text = "closing a subscription twice succeeds",
      ifFails = "that a second Subscription.close does not throw",
      when = "offer the WakeUpNotifications extension")
  void optional_ntf04_closingASubscriptionIsIdempotent();

  @Rule(id = "NTF-05",
      text = "subscribe with a null listener is a NullPointerException or an IllegalArgumentException",
      ifFails = "that subscribe checks its argument",
      when = "offer the WakeUpNotifications extension")
  void optional_ntf05_subscribeRefusesANullListener();

  @Rule(id = "NTF-06",
      text = "subscribe on a closed driver is an IllegalStateException",
      ifFails = "that subscribe checks the closed state",
      when = "offer the WakeUpNotifications extension")
  void optional_ntf06_subscribeOnAClosedDriverIsIllegalState();

  @Rule(id = "NTF-07",
      text = "the extension is the same object on every call, and the deprecated subscribe agrees with it",
      ifFails = "that extension(WakeUpNotifications.class) returns one object every time (or empty every time), "
          + "and that a driver without the extension keeps the SPI's default subscribe, which throws "
          + "UnsupportedOperationException")
  void required_ntf07_theExtensionIsStableAndTheDeprecatedSubscribeAgrees();

  @Rule(id = "NTF-08",
      text = "a cancel requested for a running job (JobControls.requestCancel) tells every cancel subscriber "
          + "(subscribeCancels), on this client and on another one, the job's id",
      ifFails = "that requestCancel of an INFLIGHT job notifies, after its change is stored, the listeners of "
          + "subscribeCancels on every client (the PostgreSQL driver: a NOTIFY in the same transaction)",
      when = "offer the WakeUpNotifications and JobControls extensions")
  void optional_ntf08_aCancelOfARunningJobIsTold() throws InterruptedException;
}
