package io.taskharbor.engine.internal;

import io.taskharbor.api.DriverException;
import io.taskharbor.api.JobRecord;
import io.taskharbor.engine.internal.OutcomePolicy.Decision;
import io.taskharbor.engine.internal.OutcomePolicy.Kind;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The completer thread of a worker: it sends decided outcomes to the driver in batches, and tells the listeners what
 * the driver accepted or refused.
 *
 * <p><b>Why it is built this way.</b> It drains whatever outcomes have piled up into one driver call, and while more
 * keep coming (other jobs are running, or a reserve is bringing more) it waits for them to join, up to the fetch
 * cooldown in all and a fifth of it without a new one: one round trip (and one commit) for many outcomes. An idle
 * worker sends at once. Only a transient {@link DriverException} is retried (with backoff); any other failure would
 * repeat for ever, so the batch is resent item by item, and an item refused on its own is replaced by a plain outcome
 * that any driver can store; if even that is refused, the job is let go and its lease expires.
 */
final class Completer {
  private static final Logger log = LoggerFactory.getLogger("io.taskharbor.engine.Worker");

  /** An outcome waiting to be sent; {@code fallback} marks the plain outcome sent after a refused one. */
  private record Pending(RunningJob job, Decision decision, boolean fallback) {}

  private final RuntimeSettings settings;
  private final Driver driver;
  private final Supplier<Instant> now;
  private final Listeners listeners;
  private final IntSupplier activeJobs;
  private final IntSupplier reservesInFlight;
  private final Consumer<RunningJob> finish;
  private final BlockingQueue<Pending> outbox = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean completing = true;

  /**
   * @param activeJobs how many jobs the worker holds (outcomes may still come from them)
   * @param reservesInFlight how many reserves are running (they may bring jobs whose outcomes come soon)
   * @param finish called once a job's outcome is stored, refused or given up
   */
  Completer(RuntimeSettings settings, Driver driver, Supplier<Instant> now, Listeners listeners,
      IntSupplier activeJobs, IntSupplier reservesInFlight, Consumer<RunningJob> finish) {
    this.settings = settings;
    this.driver = driver;
    this.now = now;
    this.listeners = listeners;
    this.activeJobs = activeJobs;
    this.reservesInFlight = reservesInFlight;
    this.finish = finish;
    this.thread = WorkerRuntime.daemon(settings.name() + "-complete", this::completeLoop);
  }

  void start() {
    thread.start();
  }

  /** Sends what is left, then ends the thread. */
  void stop() {
    completing = false;
    WorkerRuntime.joinQuietly(thread);
  }

  void submit(RunningJob job, Decision decision) {
    outbox.add(new Pending(job, decision, false));
  }

  private void completeLoop() {
    List<Pending> batch = new ArrayList<>();
    while (completing || !outbox.isEmpty()) {
      try {
        Pending first = outbox.poll(20, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        outbox.drainTo(batch, settings.completionBatchSize() - 1);
        lingerForMore(batch);
        send(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("{}: unexpected error while sending outcomes", settings.name(), e);
      } finally {
        batch.clear();
      }
    }
  }

  private void lingerForMore(List<Pending> batch) throws InterruptedException {
    long deadline = System.nanoTime() + settings.fetchCooldown().toNanos();
    long quiet = settings.fetchCooldown().toNanos() / 5;
    while (batch.size() < settings.completionBatchSize() && completing
        && (activeJobs.getAsInt() > batch.size() || reservesInFlight.getAsInt() > 0)) {
      long left = Math.min(deadline - System.nanoTime(), quiet);
      if (left <= 0) {
        return;
      }
      Pending next = outbox.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        return;
      }
      batch.add(next);
      outbox.drainTo(batch, settings.completionBatchSize() - batch.size());
    }
  }

  private void send(List<Pending> batch) {
    List<Completion> completions = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      completions.add(p.decision().completion());
    }
    List<Outcome> outcomes = null;
    for (int errors = 1; outcomes == null; errors++) {
      try {
        outcomes = driver.complete(completions, now.get());
      } catch (RuntimeException e) {
        listeners.storageError("complete", e);
        if (!(e instanceof DriverException d && d.isTransient())) {
          sendRefused(batch, e);
          return;
        }
        if (!completing && errors >= 3) {
          log.error("{}: could not send {} outcome(s) while stopping ({}); those jobs run again once their leases "
              + "expire", settings.name(), batch.size(), e.toString());
          batch.forEach(p -> finish.accept(p.job()));
          return;
        }
        Duration pause = WorkerRuntime.errorBackoff(errors);
        log.warn("{}: sending {} outcome(s) failed ({} in a row), retrying in {} ms: {}", settings.name(),
            batch.size(), errors, pause.toMillis(), e.toString());
        sleep(pause);
      }
    }
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      Outcome outcome = outcomes.get(i);
      JobRecord job = p.job().record();
      if (outcome.isOk()) {
        stored(job, p.decision());
      } else {
        log.warn("{}: the driver refused the outcome of job {}: {}", settings.name(), job.id(),
            String.valueOf(outcome.refusal()));
        listeners.completionRefused(job, Objects.requireNonNull(outcome.refusal()));
      }
      finish.accept(p.job());
    }
  }

  private void stored(JobRecord job, Decision decision) {
    Completion completion = decision.completion();
    switch (decision.kind()) {
      case SUCCEEDED -> listeners.succeeded(job);
      case RETRIED -> {
        Completion.Retry retry = (Completion.Retry) completion;
        listeners.retried(job, job.attempts(), Objects.requireNonNull(retry.runAt()), retry.error());
      }
      case DEAD_LETTERED -> listeners.deadLettered(job, ((Completion.Fail) completion).reason());
      case SNOOZED -> listeners.snoozed(job, Objects.requireNonNull(((Completion.Release) completion).runAt()));
      case RELEASED -> listeners.released(job);
      case CANCELED -> listeners.canceled(job);
    }
  }

  /**
   * The driver refused a batch outright (not a transient failure, so sending it again would fail again, and would
   * hold up every later outcome). Sends the items one at a time to find the culprit; an item refused on its own is
   * replaced by a plain outcome that any driver can store (the job then shows why in its record); if even that is
   * refused, the job is let go: its lease expires and it runs again.
   */
  private void sendRefused(List<Pending> batch, RuntimeException e) {
    if (batch.size() > 1) {
      log.warn("{}: the driver refused a batch of {} outcomes ({}); sending them one at a time", settings.name(),
          batch.size(), e.toString());
      for (Pending p : batch) {
        send(List.of(p));
      }
      return;
    }
    Pending p = batch.get(0);
    RunningJob job = p.job();
    if (p.fallback()) {
      log.error("{}: the driver refused even a plain outcome for job {} ({}); letting its lease expire, so it will "
          + "run again", settings.name(), job.id(), e.toString());
      finish.accept(job);
      return;
    }
    String why = ErrorText.clean(ErrorText.summary(e));
    Completion refused = p.decision().completion();
    Decision fallback;
    if (refused instanceof Completion.Retry retry) {
      fallback = new Decision(new Completion.Retry(job.id(), job.token(), retry.runAt(), "the error of this attempt "
          + "could not be stored (" + why + ")"), Kind.RETRIED, e); // details dropped too: they may be the culprit
    } else if (refused instanceof Completion.Release || refused instanceof Completion.Cancel) {
      fallback = new Decision(withoutDetails(refused), p.decision().kind(), e);
    } else {
      String what = refused instanceof Completion.Ack ? "the handler succeeded, but its result could not be stored"
          : "the failure could not be stored as reported";
      fallback = new Decision(new Completion.Fail(job.id(), job.token(), ErrorText.clean(what + ": " + why), null),
          Kind.DEAD_LETTERED, e);
    }
    log.error("{}: the driver refused the outcome of job {} ({}); sending a plain {} instead", settings.name(),
        job.id(), e.toString(), fallback.completion().getClass().getSimpleName().toLowerCase(Locale.ROOT));
    send(List.of(new Pending(job, fallback, true)));
  }

  private static Completion withoutDetails(Completion c) {
    if (c instanceof Completion.Release release) {
      return new Completion.Release(release.id(), release.token(), release.runAt());
    }
    return new Completion.Cancel(c.id(), c.token());
  }

  /** Sleeps between retries of a failed call; while stopping, the retries (three at most) do not wait long. */
  private void sleep(Duration pause) {
    try {
      Thread.sleep(completing ? pause.toMillis() : Math.min(pause.toMillis(), 50));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
