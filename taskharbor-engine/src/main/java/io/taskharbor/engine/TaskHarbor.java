package io.taskharbor.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobQuery;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStatus;
import io.taskharbor.api.Limits;
import io.taskharbor.api.Page;
import io.taskharbor.api.QueueStats;
import io.taskharbor.spi.support.Validation;
import io.taskharbor.spi.Driver;
import io.taskharbor.spi.Drivers;
import io.taskharbor.spi.NewJob;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The client: enqueues jobs, reads them, administers them, and makes {@link Worker}s. Thread-safe; make one per
 * application and share it.
 *
 * <pre>{@code
 * try (TaskHarbor harbor = TaskHarbor.connect("postgres://app@db:5432/app")) {
 *   harbor.enqueue(JobRequest.builder("email.send", new SendEmail("ada@example.com")).build());
 * }
 * }</pre>
 *
 * Every method validates its arguments before storage is touched; a bad one is an {@link IllegalArgumentException} (or
 * a {@link NullPointerException} for a null) whose message names it. Every time the engine passes to the driver comes
 * from the {@link Builder#clock clock}.
 */
public final class TaskHarbor implements AutoCloseable {

  private final Driver driver;
  private final boolean ownsDriver;
  private final InstantSource clock;
  private final JsonCodec codec;
  private final Map<String, JobTypeOptions> jobTypes;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TaskHarbor(Builder b, Driver driver, boolean ownsDriver) {
    this.driver = driver;
    this.ownsDriver = ownsDriver;
    this.clock = b.clock;
    this.codec = new JsonCodec(b.objectMapper != null ? b.objectMapper : JsonCodec.defaultMapper());
    this.jobTypes = Map.copyOf(b.jobTypes);
  }

  /**
   * Connects to the driver that accepts {@code uri} (such as {@code "memory:"} or {@code "postgres://..."}), found on
   * the class path; {@link #close()} closes it.
   *
   * @throws io.taskharbor.api.DriverNotFoundException if no driver accepts the URI
   * @throws io.taskharbor.api.AmbiguousDriverException if more than one does
   */
  public static TaskHarbor connect(String uri) {
    return builder().driverUri(uri).build();
  }

  /** Connects to the default driver: the in-memory driver, when it is the only one on the class path. */
  public static TaskHarbor connectDefault() {
    return builder().build();
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the version of TaskHarbor on the class path, such as {@code 0.2.0}; {@code "unknown"} if it cannot tell. */
  public static String version() {
    return Version.current();
  }

  // ------------------------------------------------------------------------------------------------ enqueue

  /**
   * Stores a job. With an idempotency key that the queue already holds, stores nothing and returns the existing job's
   * id with {@code created() == false}.
   *
   * @throws IllegalArgumentException if the payload cannot be written as JSON
   * @throws io.taskharbor.api.DuplicateJobException if the request names the id of a stored job
   */
  public EnqueueResult enqueue(JobRequest request) {
    return enqueueAll(List.of(Objects.requireNonNull(request, "request must not be null"))).get(0);
  }

  /**
   * Stores a batch of jobs in one driver call, all or none (a duplicate id fails the batch); returns one result per
   * request, in order.
   */
  public List<EnqueueResult> enqueueAll(List<JobRequest> requests) {
    Objects.requireNonNull(requests, "requests must not be null");
    List<NewJob> jobs = new ArrayList<>(requests.size());
    for (JobRequest request : requests) {
      jobs.add(toNewJob(Objects.requireNonNull(request, "requests must not contain null")));
    }
    ensureOpen();
    if (jobs.isEmpty()) {
      return List.of();
    }
    return driver.enqueue(jobs, now());
  }

  /**
   * Returns the driver-level job that {@link #enqueue} would store for this request, without storing it: the payload
   * encoded with this client's mapper, the job type's defaults applied, and a new id unless the request names one.
   * For a driver's own calls, such as enqueueing inside the application's transaction with the PostgreSQL driver:
   *
   * <pre>{@code
   * postgres.enqueue(connection, List.of(harbor.newJob(request)), harbor.clock().instant());
   * }</pre>
   *
   * @throws IllegalArgumentException if the payload cannot be written as JSON
   */
  public NewJob newJob(JobRequest request) {
    return toNewJob(Objects.requireNonNull(request, "request must not be null"));
  }

  private NewJob toNewJob(JobRequest request) {
    JobTypeOptions defaults = jobTypes.getOrDefault(request.type(), JobTypeOptions.defaults());
    int maxAttempts = request.maxAttempts() != null
        ? request.maxAttempts()
        : defaults.maxAttempts().orElse(Limits.DEFAULT_MAX_ATTEMPTS);
    Duration timeout = request.timeout() != null ? request.timeout() : defaults.timeout().orElse(null);
    String payload = codec.encode(request.payload(), "payload", request.type());
    JobId id = request.id() != null ? request.id() : JobId.newId();
    return new NewJob(id, request.queue(), request.type(), payload, request.priority(), request.runAt(),
        request.idempotencyKey(), maxAttempts, timeout);
  }

  // ------------------------------------------------------------------------------------------------ reads

  /** Returns the job with this id. */
  public Optional<JobRecord> get(JobId id) {
    Objects.requireNonNull(id, "id must not be null");
    ensureOpen();
    return driver.get(id);
  }

  /** Returns the job of {@code queue} that holds the idempotency key {@code key}. */
  public Optional<JobRecord> findByIdempotencyKey(String queue, String key) {
    Validation.queue(queue);
    Validation.idempotencyKey(key);
    ensureOpen();
    return driver.findByIdempotencyKey(queue, key);
  }

  /** Lists jobs matching the query, in id order (creation order for engine-made ids), one page at a time. */
  public Page<JobRecord> list(JobQuery query) {
    Objects.requireNonNull(query, "query must not be null");
    ensureOpen();
    return driver.list(query);
  }

  /** Counts the queue's jobs by status, now. */
  public QueueStats stats(String queue) {
    Validation.queue(queue);
    ensureOpen();
    return driver.stats(queue, now());
  }

  // ------------------------------------------------------------------------------------------------ admin

  /**
   * Moves a dead-lettered job back to READY, due now.
   *
   * @param resetAttempts true to give it all its attempts again, false to keep its count
   * @throws io.taskharbor.api.JobNotFoundException if no such job exists
   * @throws io.taskharbor.api.InvalidJobStatusException if it is not in the DLQ
   */
  public void requeue(JobId id, boolean resetAttempts) {
    Objects.requireNonNull(id, "id must not be null");
    ensureOpen();
    driver.requeue(id, resetAttempts, now());
  }

  /**
   * Cancels a READY job (due or scheduled); canceling a canceled job does nothing.
   *
   * @throws io.taskharbor.api.InvalidJobStatusException if it is running or finished
   */
  public void cancel(JobId id) {
    Objects.requireNonNull(id, "id must not be null");
    ensureOpen();
    driver.cancel(id, now());
  }

  /**
   * Deletes a job that is not running, freeing its idempotency key.
   *
   * @throws io.taskharbor.api.InvalidJobStatusException if it is INFLIGHT
   */
  public void delete(JobId id) {
    Objects.requireNonNull(id, "id must not be null");
    ensureOpen();
    driver.delete(id);
  }

  /**
   * Deletes the jobs in the given finished statuses (DONE, DLQ, CANCELED) that finished before {@code finishedBefore}.
   *
   * @return how many were deleted
   */
  public long purge(Set<JobStatus> statuses, Instant finishedBefore) {
    Objects.requireNonNull(statuses, "statuses must not be null");
    Objects.requireNonNull(finishedBefore, "finishedBefore must not be null");
    ensureOpen();
    return driver.purge(statuses, finishedBefore);
  }

  // ------------------------------------------------------------------------------------------------ workers

  /** Starts building a worker that runs jobs through this client's driver, clock and codec. */
  public Worker.Builder newWorker() {
    ensureOpen();
    return new Worker.Builder(this);
  }

  /** Returns the driver. */
  public Driver driver() {
    return driver;
  }

  /** Returns the clock every driver call takes its {@code now} from. */
  public InstantSource clock() {
    return clock;
  }

  JsonCodec codec() {
    return codec;
  }

  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Closes the driver if this client opened it (or was told it owns it); idempotent. Workers are not stopped. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownsDriver) {
      driver.close();
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("this TaskHarbor is closed: make a new one with TaskHarbor.connect(...)");
    }
  }

  @Override
  public String toString() {
    return "TaskHarbor[driver=" + driver.name() + "]";
  }

  /** Configures a {@link TaskHarbor}; not thread-safe. */
  public static final class Builder {
    private @Nullable Driver driver;
    private @Nullable String driverUri;
    private @Nullable Boolean ownsDriver;
    private InstantSource clock = InstantSource.system();
    private @Nullable ObjectMapper objectMapper;
    private final Map<String, JobTypeOptions> jobTypes = new HashMap<>();

    private Builder() {}

    /** Uses this driver; it stays the caller's to close unless {@link #ownsDriver(boolean) ownsDriver(true)}. */
    public Builder driver(Driver driver) {
      this.driver = Objects.requireNonNull(driver, "driver must not be null");
      return this;
    }

    /** Opens the driver that accepts this URI (closed with the client). */
    public Builder driverUri(String uri) {
      Objects.requireNonNull(uri, "driverUri must not be null: pass e.g. memory: or postgres://user@host:5432/db");
      if (uri.isBlank()) {
        throw new IllegalArgumentException("driverUri must not be blank: pass e.g. memory: or "
            + "postgres://user@host:5432/db");
      }
      this.driverUri = uri;
      return this;
    }

    /** Whether {@link TaskHarbor#close()} closes the driver. Default: true for a URI, false for a given driver. */
    public Builder ownsDriver(boolean ownsDriver) {
      this.ownsDriver = ownsDriver;
      return this;
    }

    /** Sets the clock; default {@link InstantSource#system()}. Tests pass a clock they move by hand. */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /** Sets the Jackson mapper for payloads and results; default: java.time support, unknown properties ignored. */
    public Builder objectMapper(ObjectMapper objectMapper) {
      this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper must not be null");
      return this;
    }

    /**
     * Sets defaults for every job of {@code type} (used when a request leaves the field unset).
     *
     * @throws IllegalArgumentException if the type is blank or malformed, or already has options
     */
    public Builder jobType(String type, JobTypeOptions options) {
      Validation.type(type);
      Objects.requireNonNull(options, "options must not be null");
      if (jobTypes.putIfAbsent(type, options) != null) {
        throw new IllegalArgumentException("job type '" + type + "' already has options: set them once");
      }
      return this;
    }

    /**
     * Builds the client, opening the driver if a URI was given (else the default driver).
     *
     * @throws IllegalArgumentException if both a driver and a URI were given
     */
    public TaskHarbor build() {
      if (driver != null && driverUri != null) {
        throw new IllegalArgumentException("give either driver(...) or driverUri(...), not both");
      }
      if (driver != null) {
        return new TaskHarbor(this, driver, Boolean.TRUE.equals(ownsDriver));
      }
      Driver opened = driverUri != null ? Drivers.open(driverUri) : Drivers.openDefault();
      return new TaskHarbor(this, opened, ownsDriver == null || ownsDriver);
    }
  }
}
