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
import org.junit.jupiter.api.Test;

/**
 * Wake-up notifications (the {@link WakeUpNotifications} extension): a subscriber hears the queue name when jobs are
 * enqueued, and nothing once unsubscribed. Tests of the extension are skipped, by name, for drivers without it; those
 * drivers must refuse the deprecated {@code subscribe} with {@link UnsupportedOperationException}.
 */
// The fixture captures this::driver while the group is built, and calls it only later, from the test methods.
@SuppressWarnings("this-escape")
public abstract class NotificationContract extends TckGroup implements NotificationRules {

  /**
   * The system property that sets how long a test waits for a notification that must come, in milliseconds; 10,000
   * unless set. Raise it for a driver whose notifications travel far, lower it to fail fast.
   */
  public static final String WAIT_PROPERTY = "taskharbor.tck.notificationWaitMillis";

  /** How long a test listens for a notification that must not come. */
  private static final Duration QUIET = Duration.ofMillis(500);

  private final JobFixture fx = new JobFixture(this::driver, clock);

  protected NotificationContract(DriverTck tck) {
    super(tck);
  }

  private void assumeExtension() {
    Assumptions.assumeTrue(driver().extension(WakeUpNotifications.class).isPresent(),
        "driver offers no extension WakeUpNotifications: test skipped by design");
  }

  /** How long a test waits for a notification that must come: {@link #WAIT_PROPERTY}, read at each wait. */
  static Duration delivery() {
    return Duration.ofMillis(Long.getLong(WAIT_PROPERTY, 10_000L));
  }

  private static WakeUpNotifications notifications(Driver driver) {
    return driver.extension(WakeUpNotifications.class).orElseThrow();
  }

  /** Waits until {@code heard} receives {@code queue}, skipping other (spurious) names; fails after the timeout. */
  private static void awaitQueue(BlockingQueue<String> heard, String queue) throws InterruptedException {
    Duration delivery = delivery();
    long deadline = System.nanoTime() + delivery.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String name = heard.poll(Math.max(left, 0), TimeUnit.NANOSECONDS);
      if (name == null) {
        throw new AssertionError("no notification for queue " + queue + " within " + delivery);
      }
      if (name.equals(queue)) {
        return;
      }
    }
  }

  @Override
  @Test
  public void optional_ntf01_aSubscriberHearsOfAnEnqueuedJob() throws InterruptedException {
    assumeExtension();
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
  public void optional_ntf02_everySubscriberIsTold() throws InterruptedException {
    assumeExtension();
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
  public void optional_ntf03_aClosedSubscriptionHearsNothing() throws InterruptedException {
    assumeExtension();
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
  public void optional_ntf04_closingASubscriptionIsIdempotent() {
    assumeExtension();
    Driver.Subscription subscription = notifications(driver()).subscribe(name -> { });

    subscription.close();
    assertThatCode(subscription::close).doesNotThrowAnyException();
  }

  @Override
  @Test
  public void optional_ntf05_subscribeRefusesANullListener() {
    assumeExtension();
    assertThat(catchThrowable(() -> notifications(driver()).subscribe(null)))
        .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
  }

  @Override
  @Test
  public void optional_ntf06_subscribeOnAClosedDriverIsIllegalState() {
    assumeExtension();
    driver().close();
    assertThat(catchThrowable(() -> notifications(driver()).subscribe(name -> { })))
        .isInstanceOf(IllegalStateException.class);
  }

  @Override
  @Test
  @SuppressWarnings("deprecation")
  public void required_ntf07_theExtensionIsStableAndTheDeprecatedSubscribeAgrees() {
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

  @Override
  @Test
  public void optional_ntf08_aCancelOfARunningJobIsTold() throws InterruptedException {
    assumeExtension();
    Assumptions.assumeTrue(driver().extension(io.taskharbor.spi.JobControls.class).isPresent(),
        "driver offers no extension JobControls: test skipped by design");
    BlockingQueue<io.taskharbor.api.JobId> here = new LinkedBlockingQueue<>();
    BlockingQueue<io.taskharbor.api.JobId> there = new LinkedBlockingQueue<>();
    Driver.Subscription a = notifications(driver()).subscribeCancels(here::add);
    Driver.Subscription b = notifications(secondClient()).subscribeCancels(there::add);
    try {
      io.taskharbor.api.JobId id = fx.enqueueOne(Jobs.job(QUEUE));
      fx.reserve(QUEUE, 1);
      driver().extension(io.taskharbor.spi.JobControls.class).orElseThrow().requestCancel(id, clock.instant());
      for (BlockingQueue<io.taskharbor.api.JobId> heard : List.of(here, there)) {
        long deadline = System.nanoTime() + delivery().toNanos();
        io.taskharbor.api.JobId told;
        do { // skipping other (spurious or earlier) ids: notifications are hints
          told = heard.poll(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
        } while (told != null && !told.equals(id));
        assertThat(told).as("the id a cancel subscriber was told within %s", delivery()).isEqualTo(id);
      }
    } finally {
      a.close();
      b.close();
    }
  }
}
