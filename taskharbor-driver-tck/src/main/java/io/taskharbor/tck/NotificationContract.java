package io.taskharbor.tck;

import static io.taskharbor.tck.JobFixture.QUEUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.taskharbor.spi.Driver;
import io.taskharbor.spi.WakeUpNotifications;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Wake-up notifications (the {@link WakeUpNotifications} extension): a subscriber hears the queue name when jobs are
 * enqueued, and nothing once unsubscribed. Tests of the extension are skipped, by name, for drivers without it; those
 * drivers must refuse the deprecated {@code subscribe} with {@link UnsupportedOperationException}.
 */
@DisplayName("notifications: subscribers hear of new jobs (extension WakeUpNotifications)")
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class NotificationContract extends TckGroup implements TckRules.Notifications {

  /** How long a test waits for a notification that must come. */
  private static final Duration DELIVERY = Duration.ofSeconds(10);

  /** How long a test listens for a notification that must not come. */
  private static final Duration QUIET = Duration.ofMillis(500);

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected NotificationContract(DriverTck tck) {
    super(tck);
  }

  private void assumeCapability() {
    Assumptions.assumeTrue(driver().extension(WakeUpNotifications.class).isPresent(),
        "driver offers no extension WakeUpNotifications: test skipped by design");
  }

  private static WakeUpNotifications notifications(Driver driver) {
    return driver.extension(WakeUpNotifications.class).orElseThrow();
  }

  /** Waits until {@code heard} receives {@code queue}, skipping other (spurious) names; fails after the timeout. */
  private static void awaitQueue(BlockingQueue<String> heard, String queue) throws InterruptedException {
    long deadline = System.nanoTime() + DELIVERY.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String name = heard.poll(Math.max(left, 0), TimeUnit.NANOSECONDS);
      if (name == null) {
        throw new AssertionError("no notification for queue " + queue + " within " + DELIVERY);
      }
      if (name.equals(queue)) {
        return;
      }
    }
  }

  @Override
  @Test
  @DisplayName("a subscriber is told the queue's name after a job is enqueued to it")
  public void optional_aSubscriberHearsOfAnEnqueuedJob() throws InterruptedException {
    assumeCapability();
    BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    Driver.Subscription subscription = notifications(driver()).subscribe(heard::add);
    try {
      fx.enqueue(Jobs.job("tck.wake"));
      awaitQueue(heard, "tck.wake");
    } finally {
      subscription.close();
    }
  }

  @Override
  @Test
  @DisplayName("every subscriber is told, including one subscribed through a second client")
  public void optional_everySubscriberIsTold() throws InterruptedException {
    assumeCapability();
    BlockingQueue<String> first = new LinkedBlockingQueue<>();
    BlockingQueue<String> second = new LinkedBlockingQueue<>();
    Driver.Subscription a = notifications(driver()).subscribe(first::add);
    Driver.Subscription b = notifications(secondClient()).subscribe(second::add);
    try {
      fx.enqueue(Jobs.job(QUEUE));
      awaitQueue(first, QUEUE);
      awaitQueue(second, QUEUE);
    } finally {
      a.close();
      b.close();
    }
  }

  @Override
  @Test
  @DisplayName("a closed subscription hears nothing more")
  public void optional_aClosedSubscriptionHearsNothing() throws InterruptedException {
    assumeCapability();
    BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    Driver.Subscription subscription = notifications(driver()).subscribe(heard::add);
    fx.enqueue(Jobs.job("tck.before"));
    awaitQueue(heard, "tck.before");

    subscription.close();
    Thread.sleep(QUIET.toMillis());
    fx.enqueue(Jobs.job("tck.after"));
    Thread.sleep(QUIET.toMillis());

    assertThat(List.copyOf(heard)).doesNotContain("tck.after");
  }

  @Override
  @Test
  @DisplayName("closing a subscription twice succeeds")
  public void optional_closingASubscriptionIsIdempotent() {
    assumeCapability();
    Driver.Subscription subscription = notifications(driver()).subscribe(name -> { });

    subscription.close();
    assertThatCode(subscription::close).doesNotThrowAnyException();
  }

  @Override
  @Test
  @DisplayName("subscribe with a null listener is a NullPointerException or an IllegalArgumentException")
  public void optional_subscribeRefusesANullListener() {
    assumeCapability();
    assertThat(catchThrowable(() -> notifications(driver()).subscribe(null)))
        .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
  }

  @Override
  @Test
  @DisplayName("subscribe on a closed driver is an IllegalStateException")
  public void optional_subscribeOnAClosedDriverIsIllegalState() {
    assumeCapability();
    driver().close();
    assertThat(catchThrowable(() -> notifications(driver()).subscribe(name -> { }))).isInstanceOf(IllegalStateException.class);
  }

  @Override
  @Test
  @DisplayName("the extension is the same object on every call, and the deprecated subscribe agrees with it")
  @SuppressWarnings("deprecation")
  public void required_subscribeIsSupportedExactlyWithTheCapability() {
    var first = driver().extension(WakeUpNotifications.class);
    assertThat(driver().extension(WakeUpNotifications.class)).isEqualTo(first);
    if (first.isPresent()) {
      Driver.Subscription subscription = driver().subscribe(name -> { });
      assertThat(subscription).isNotNull();
      subscription.close();
    } else {
      assertThat(catchThrowable(() -> driver().subscribe(name -> { })))
          .isInstanceOf(UnsupportedOperationException.class);
    }
  }
}
