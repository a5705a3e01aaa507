package io.taskharbor.tck;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.Page;
import io.taskharbor.api.QueueOverview;
import io.taskharbor.api.QueueSettings;
import io.taskharbor.api.QueueStats;
import io.taskharbor.api.TaskDefinition;
import io.taskharbor.spi.support.Validation;
import io.taskharbor.spi.Completion;
import io.taskharbor.spi.Coordination;
import io.taskharbor.spi.Definitions;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.JobControls;
import io.taskharbor.spi.LeaderLease;
import io.taskharbor.spi.LeasedJob;
import io.taskharbor.spi.LiveJobs;
import io.taskharbor.spi.NewJob;
import io.taskharbor.spi.NodeInfo;
import io.taskharbor.spi.NodeRecord;
import io.taskharbor.spi.Outcome;
import io.taskharbor.spi.QueueControls;
import io.taskharbor.spi.Statistics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The TCK's reference model as a {@link Driver}: what every driver must answer, computed the slowest and plainest way.
 * The property tests run each random action sequence on the driver under test and on a {@code ModelDriver} and
 * require the same answers and the same visible state after every step; a driver's own tests may use it the same way
 * (see {@link DifferentialCheck}).
 *
 * <p>It is independent of every shipped driver (it shares no code with the memory driver), keeps all jobs in one
 * list, and scans it for every call. Lease tokens are random, as in a real driver. It checks arguments like a real
 * driver (an {@link IllegalArgumentException} naming the field, before anything changes), refuses every call but
 * {@link #close()} once closed, and is thread-safe: every call holds the driver's lock. The choices it makes where
 * the contract leaves room are listed on {@code ReferenceModel}, the class that holds the semantics.
 *
 * <p>It offers the {@link Coordination}, {@link Statistics}, {@link QueueControls}, {@link JobControls} and {@link
 * Definitions} extensions (with the same lock), so that the TCK's CRD, STA, QUE, PAU, CAN and DEF groups and the
 * coordination property test have a reference; it offers no wake-up notifications. Its {@link Coordination#serverTime()} is the JVM's clock.
 */
public final class ModelDriver implements Driver {

  private final ReferenceModel model;
  private final Coordination coordination = new ModelCoordination();
  private final Statistics statistics = this::liveJobs;
  private final ModelControls controls = new ModelControls();
  private final Definitions definitions = new ModelDefinitions();
  private boolean closed;

  /** Returns a model over empty storage with random lease tokens. */
  public ModelDriver() {
    this(LeaseToken::random);
  }

  /** Returns a model over empty storage that draws lease tokens from {@code tokens}. */
  public ModelDriver(Supplier<LeaseToken> tokens) {
    this.model = new ReferenceModel(tokens);
  }

  @Override
  public String name() {
    return "model";
  }

  /** Offers its extensions, each one object for the life of the model. */
  @Override
  public <T> Optional<T> extension(Class<T> type) {
    Objects.requireNonNull(type, "type must not be null");
    if (type == Coordination.class) {
      return Optional.of(type.cast(coordination));
    }
    if (type == Statistics.class) {
      return Optional.of(type.cast(statistics));
    }
    if (type == QueueControls.class || type == JobControls.class) {
      return Optional.of(type.cast(controls));
    }
    if (type == Definitions.class) {
      return Optional.of(type.cast(definitions));
    }
    return Optional.empty();
  }

  @Override
  public synchronized List<EnqueueResult> enqueue(List<NewJob> jobs, Instant now) {
    open();
    Objects.requireNonNull(jobs, "jobs must not be null");
    for (NewJob job : jobs) {
      Objects.requireNonNull(job, "jobs must not contain null");
    }
    return List.copyOf(model.enqueue(jobs, Validation.now(now)));
  }

  @Override
  public List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease) {
    return reserve(queue, max, now, lease, null);
  }

  @Override
  public synchronized List<LeasedJob> reserve(String queue, int max, Instant now, Duration lease,
      @Nullable String holder) {
    open();
    Validation.queue(queue);
    Validation.max(max);
    Instant at = Validation.now(now);
    Duration leaseFor = Validation.lease(lease);
    return List.copyOf(model.reserve(queue, max, at, leaseFor, checkHolder(holder)));
  }

  /** Reserve's holder: null, or a node id as {@link NodeInfo#checkId} accepts it; the message names {@code holder}. */
  static @Nullable String checkHolder(@Nullable String holder) {
    if (holder == null) {
      return null;
    }
    try {
      return NodeInfo.checkId(holder);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("holder is not a valid node id: " + e.getMessage(), e);
    }
  }

  /** A leader lease's name: non-blank, at most 255 characters, valid text. */
  static String checkName(String name) {
    Objects.requireNonNull(name, "name must not be null");
    if (name.isBlank() || name.length() > NodeInfo.MAX_ID_LENGTH) {
      throw new IllegalArgumentException("name of a leader lease must be 1 to " + NodeInfo.MAX_ID_LENGTH
          + " characters and not blank");
    }
    return Validation.text(name, "name");
  }

  /** A presented term: at least 1. */
  static long checkTerm(long term) {
    if (term < 1) {
      throw new IllegalArgumentException("term must be at least 1 (terms are granted from 1) but was " + term);
    }
    return term;
  }

  @Override
  public synchronized Instant extendLease(JobId id, LeaseToken token, Instant now, Duration lease) {
    open();
    Objects.requireNonNull(id, "id must not be null");
    Objects.requireNonNull(token, "token must not be null");
    return model.extendLease(id, token, Validation.now(now), Validation.lease(lease));
  }

  @Override
  public synchronized List<Outcome> complete(List<Completion> completions, Instant now) {
    open();
    Objects.requireNonNull(completions, "completions must not be null");
    for (Completion c : completions) {
      Objects.requireNonNull(c, "completions must not contain null");
    }
    Instant at = Validation.now(now);
    List<Outcome> outcomes = new ArrayList<>();
    for (Completion c : completions) {
      outcomes.add(model.complete(c, at));
    }
    return List.copyOf(outcomes);
  }

  @Override
  public synchronized Optional<JobRecord> get(JobId id) {
    open();
    Objects.requireNonNull(id, "id must not be null");
    return model.get(id);
  }

  @Override
  public synchronized Optional<JobRecord> findByIdempotencyKey(String queue, String key) {
    open();
    Validation.queue(queue);
    Validation.idempotencyKey(key);
    return model.findByIdempotencyKey(queue, key);
  }

  @Override
  public synchronized Page<JobRecord> list(JobQuery query) {
    open();
    Objects.requireNonNull(query, "query must not be null");
    return model.list(query);
  }

  @Override
  public synchronized QueueStats stats(String queue, Instant now) {
    open();
    Validation.queue(queue);
    return model.stats(queue, Validation.now(now));
  }

  @Override
  public synchronized void requeue(JobId id, boolean resetAttempts, Instant now) {
    open();
    Objects.requireNonNull(id, "id must not be null");
    model.requeue(id, resetAttempts, Validation.now(now));
  }

  @Override
  public synchronized void cancel(JobId id, Instant now) {
    open();
    Objects.requireNonNull(id, "id must not be null");
    model.cancel(id, Validation.now(now));
  }

  @Override
  public synchronized void delete(JobId id) {
    open();
    Objects.requireNonNull(id, "id must not be null");
    model.delete(id);
  }

  @Override
  public synchronized long purge(Set<JobStatus> statuses, Instant finishedBefore) {
    open();
    Set<JobStatus> which = Validation.purgeStatuses(statuses);
    return model.purge(which, Validation.instant(finishedBefore, "finishedBefore"));
  }

  private synchronized LiveJobs liveJobs(Instant now) {
    Instant at = Validation.now(now);
    open();
    return model.liveJobs(at);
  }

  /** The model's queue and job controls: arguments checked first, then the model's rule, under the model's lock. */
  private final class ModelControls implements QueueControls, JobControls {
    @Override
    public QueueSettings settings(String queue) {
      Validation.queue(queue);
      return locked(() -> model.settings(queue));
    }

    @Override
    public QueueSettings update(String queue, QueueSettings settings, Instant now) {
      Validation.queue(queue);
      Objects.requireNonNull(settings, "settings must not be null");
      Validation.now(now);
      return locked(() -> model.updateSettings(queue, settings));
    }

    @Override
    public List<QueueOverview> queues(Instant now) {
      Instant at = Validation.now(now);
      return locked(() -> List.copyOf(model.queues(at)));
    }

    @Override
    public void pause(JobId id, Instant now) {
      onJob(id, now, model::pause);
    }

    @Override
    public void resume(JobId id, Instant now) {
      onJob(id, now, model::resume);
    }

    @Override
    public void requestCancel(JobId id, Instant now) {
      onJob(id, now, model::requestCancel);
    }

    private void onJob(JobId id, Instant now, java.util.function.BiConsumer<JobId, Instant> change) {
      Objects.requireNonNull(id, "id must not be null");
      Instant at = Validation.now(now);
      locked(() -> {
        change.accept(id, at);
        return null;
      });
    }

    @Override
    public String toString() {
      return "ModelDriver.controls";
    }
  }

  /** The model's task definitions: arguments checked first, then the model's rule, under the model's lock. */
  private final class ModelDefinitions implements Definitions {
    @Override
    public TaskDefinition create(TaskDefinition definition, Instant now) {
      Objects.requireNonNull(definition, "definition must not be null");
      Instant at = Validation.now(now);
      return locked(() -> model.createDefinition(definition, at));
    }

    @Override
    public TaskDefinition update(TaskDefinition definition, Instant now) {
      Objects.requireNonNull(definition, "definition must not be null");
      Instant at = Validation.now(now);
      return locked(() -> model.updateDefinition(definition, at));
    }

    @Override
    public Optional<TaskDefinition> find(String alias) {
      Validation.type(alias);
      return locked(() -> model.findDefinition(alias));
    }

    @Override
    public List<TaskDefinition> list(boolean includeDeleted) {
      return locked(() -> List.copyOf(model.listDefinitions(includeDeleted)));
    }

    @Override
    public TaskDefinition cancel(String alias, Instant now) {
      Validation.type(alias);
      Instant at = Validation.now(now);
      return locked(() -> model.cancelDefinition(alias, at));
    }

    @Override
    public TaskDefinition delete(String alias, Instant now) {
      Validation.type(alias);
      Instant at = Validation.now(now);
      return locked(() -> model.deleteDefinition(alias, at));
    }

    @Override
    public String toString() {
      return "ModelDriver.definitions";
    }
  }

  /** The model's coordination: arguments checked first, then the model's rule, under the model's lock. */
  private final class ModelCoordination implements Coordination {
    @Override
    public void register(NodeInfo node, Instant now) {
      Objects.requireNonNull(node, "node must not be null");
      Instant at = Validation.now(now);
      synchronized (ModelDriver.this) {
        open();
        model.register(node, at);
      }
    }

    @Override
    public boolean heartbeat(String nodeId, Instant now) {
      String id = NodeInfo.checkId(nodeId);
      Instant at = Validation.now(now);
      synchronized (ModelDriver.this) {
        open();
        return model.heartbeat(id, at);
      }
    }

    @Override
    public void deregister(String nodeId) {
      String id = NodeInfo.checkId(nodeId);
      synchronized (ModelDriver.this) {
        open();
        model.deregister(id);
      }
    }

    @Override
    public List<NodeRecord> nodes(Instant now, Duration timeout) {
      Instant at = Validation.now(now);
      Duration silence = Validation.positive(timeout, "timeout");
      synchronized (ModelDriver.this) {
        open();
        return List.copyOf(model.nodes(at, silence));
      }
    }

    @Override
    public LeaderLease acquire(String name, String nodeId, Instant now, Duration ttl) {
      String lease = checkName(name);
      String id = NodeInfo.checkId(nodeId);
      Instant at = Validation.now(now);
      Duration span = Validation.positive(ttl, "ttl");
      synchronized (ModelDriver.this) {
        open();
        return model.acquire(lease, id, at, span);
      }
    }

    @Override
    public LeaderLease renew(String name, String nodeId, long term, Instant now, Duration ttl) {
      String lease = checkName(name);
      String id = NodeInfo.checkId(nodeId);
      long presented = checkTerm(term);
      Instant at = Validation.now(now);
      Duration span = Validation.positive(ttl, "ttl");
      synchronized (ModelDriver.this) {
        open();
        return model.renew(lease, id, presented, at, span);
      }
    }

    @Override
    public void resign(String name, String nodeId, long term, Instant now) {
      String lease = checkName(name);
      String id = NodeInfo.checkId(nodeId);
      long presented = checkTerm(term);
      Validation.now(now);
      synchronized (ModelDriver.this) {
        open();
        model.resign(lease, id, presented);
      }
    }

    @Override
    public Optional<LeaderLease> leader(String name) {
      String lease = checkName(name);
      synchronized (ModelDriver.this) {
        open();
        return model.leader(lease);
      }
    }

    @Override
    public int recoverOrphans(String name, long term, Instant now, Duration nodeTimeout) {
      String lease = checkName(name);
      long presented = checkTerm(term);
      Instant at = Validation.now(now);
      Duration timeout = Validation.positive(nodeTimeout, "nodeTimeout");
      synchronized (ModelDriver.this) {
        open();
        return model.recoverOrphans(lease, presented, at, timeout);
      }
    }

    @Override
    public int removeDeadNodes(String name, long term, Instant now, Duration nodeTimeout) {
      String lease = checkName(name);
      long presented = checkTerm(term);
      Instant at = Validation.now(now);
      Duration timeout = Validation.positive(nodeTimeout, "nodeTimeout");
      synchronized (ModelDriver.this) {
        open();
        return model.removeDeadNodes(lease, presented, at, timeout);
      }
    }

    @Override
    public long purge(String name, long term, Set<JobStatus> statuses, Instant finishedBefore, Instant now) {
      String lease = checkName(name);
      long presented = checkTerm(term);
      Set<JobStatus> which = Validation.purgeStatuses(statuses);
      Instant before = Validation.instant(finishedBefore, "finishedBefore");
      Instant at = Validation.now(now);
      synchronized (ModelDriver.this) {
        open();
        return model.purge(lease, presented, which, before, at);
      }
    }

    @Override
    public Instant serverTime() {
      synchronized (ModelDriver.this) {
        open();
      }
      return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    @Override
    public String toString() {
      return "ModelDriver.coordination";
    }
  }

  /** Runs {@code body} under the model's lock, on an open model. */
  private synchronized <T> T locked(Supplier<T> body) {
    open();
    return body.get();
  }

  /** Closes the model; idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException("the model driver is closed");
    }
  }

  @Override
  public String toString() {
    return "ModelDriver";
  }
}
