package io.taskharbor.engine.internal;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStateException;
import io.taskharbor.engine.event.TaskHarborListener;
import io.taskharbor.engine.event.WorkerListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one worker (or client), told of each event in registration order. A listener that throws is
 * logged, at WARN with its stack the first time for each listener and event and at DEBUG after that, and the event
 * goes on to the others: a listener never changes what happens to a job. Thread-safe; the list is fixed when built.
 */
public final class Listeners implements TaskHarborListener {
  private static final Logger log = LoggerFactory.getLogger(Listeners.class);

  private final WorkerListener[] listeners;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /** Makes the composite of {@code listeners}, in order. */
  public Listeners(List<? extends WorkerListener> listeners) {
    this.listeners = listeners.toArray(new WorkerListener[0]);
  }

  /** Returns a composite that tells {@code more} after these. */
  public Listeners with(List<? extends WorkerListener> more) {
    List<WorkerListener> all = new ArrayList<>(List.of(listeners));
    all.addAll(more);
    return new Listeners(all);
  }

  private void each(String event, Consumer<WorkerListener> call) {
    for (WorkerListener listener : listeners) {
      tell(listener, event, () -> call.accept(listener));
    }
  }

  private void tell(WorkerListener listener, String event, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException | LinkageError e) {
      String key = listener.getClass().getName() + "#" + event;
      if (warned.add(key)) {
        log.warn("listener {} threw from {}; ignored (later failures of it are logged at DEBUG)",
            listener.getClass().getName(), event, e);
      } else {
        log.debug("listener {} threw from {}; ignored: {}", listener.getClass().getName(), event, e.toString());
      }
    }
  }

  @Override
  public void enqueued(String queue, String type, EnqueueResult result) {
    for (WorkerListener listener : listeners) {
      if (listener instanceof TaskHarborListener client) {
        tell(listener, "enqueued", () -> client.enqueued(queue, type, result));
      }
    }
  }

  @Override
  public void leadershipChanged(String nodeId, boolean leader, long term) {
    for (WorkerListener listener : listeners) {
      if (listener instanceof TaskHarborListener client) {
        tell(listener, "leadershipChanged", () -> client.leadershipChanged(nodeId, leader, term));
      }
    }
  }

  @Override
  public void maintained(String nodeId, long term, int recoveredJobs, int removedNodes, long purgedJobs) {
    for (WorkerListener listener : listeners) {
      if (listener instanceof TaskHarborListener client) {
        tell(listener, "maintained", () -> client.maintained(nodeId, term, recoveredJobs, removedNodes, purgedJobs));
      }
    }
  }

  @Override
  public void reserved(String queue, List<JobRecord> jobs, Duration claimDuration) {
    each("reserved", l -> l.reserved(queue, jobs, claimDuration));
  }

  @Override
  public void started(JobRecord job) {
    each("started", l -> l.started(job));
  }

  @Override
  public void executed(JobRecord job, Duration duration) {
    each("executed", l -> l.executed(job, duration));
  }

  @Override
  public void executionFailed(JobRecord job, Throwable error) {
    each("executionFailed", l -> l.executionFailed(job, error));
  }

  @Override
  public void canceled(JobRecord job) {
    each("canceled", l -> l.canceled(job));
  }

  @Override
  public void succeeded(JobRecord job) {
    each("succeeded", l -> l.succeeded(job));
  }

  @Override
  public void retried(JobRecord job, int attempt, Instant runAt, @Nullable String error) {
    each("retried", l -> l.retried(job, attempt, runAt, error));
  }

  @Override
  public void deadLettered(JobRecord job, String reason) {
    each("deadLettered", l -> l.deadLettered(job, reason));
  }

  @Override
  public void snoozed(JobRecord job, Instant until) {
    each("snoozed", l -> l.snoozed(job, until));
  }

  @Override
  public void released(JobRecord job) {
    each("released", l -> l.released(job));
  }

  @Override
  public void leaseLost(JobRecord job) {
    each("leaseLost", l -> l.leaseLost(job));
  }

  @Override
  public void completionRefused(JobRecord job, JobStateException refusal) {
    each("completionRefused", l -> l.completionRefused(job, refusal));
  }

  @Override
  public void storageError(String operation, RuntimeException error) {
    each("storageError", l -> l.storageError(operation, error));
  }
}
