package io.taskharbor.server;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.taskharbor.driver.postgres.PostgresDriver;
import io.taskharbor.engine.DistributedMode;
import io.taskharbor.engine.JobHandler;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import io.taskharbor.micrometer.TaskHarborMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker service: one worker on the queues of {@code QUEUES}, configured by the seed's environment variables,
 * serving {@code /metrics}, {@code /health} and {@code /ready} on {@code METRICS_PORT}, logging one JSON object per
 * line, and stopping gracefully on SIGTERM. An application's {@code main} gives it the handlers:
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   TaskHarborServer.fromEnv()
 *       .handle("email:send", Email.class, job -> mailer.send(job.payload()))
 *       .run();
 * }
 * }</pre>
 *
 * <p>Every variable, its default and its form are in {@code docs/operations.md}. Not thread-safe: configure it and
 * call {@link #run()} from one thread.
 */
public final class TaskHarborServer {

  /** The exit status of a variable that is missing, malformed or out of range. */
  static final int EXIT_CONFIG = 2;
  /** The exit status of a failure at start (database unreachable, port taken, migration failed). */
  static final int EXIT_START = 1;
  /** How long {@code /health} waits for the database. */
  static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);

  /** The worker's lease, its default: extended every third of it while a job runs. */
  private static final Duration WORKER_LEASE = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(TaskHarborServer.class);

  private enum State { STARTING, READY, STOPPING, STOPPED }

  private final ServerConfig config;
  private final List<Consumer<Worker.Builder>> handlers = new ArrayList<>();
  private @Nullable Consumer<TaskHarbor> examples;

  private volatile State state = State.STARTING;
  private @Nullable Endpoints endpoints;
  private @Nullable PrometheusMeterRegistry registry;
  private @Nullable JvmGcMetrics gcMetrics;
  private @Nullable TaskHarborMetrics metrics;
  private volatile @Nullable TaskHarbor harbor;
  private @Nullable Worker worker;
  private @Nullable ExecutorService healthChecks;
  private @Nullable Future<?> healthCheck;
  private final Object healthLock = new Object();
  private @Nullable PostgresDriver driver;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private TaskHarborServer(ServerConfig config) {
    this.config = config;
  }

  /**
   * Reads the configuration from the environment. A variable that is missing, malformed or out of range ends the
   * process here, with exit status 2 and one line on standard error that names the variable, its value and the
   * expected form: this is for a {@code main}.
   */
  public static TaskHarborServer fromEnv() {
    try {
      return fromEnv(System.getenv());
    } catch (ConfigException e) {
      System.err.println("taskharbor-server: " + e.getMessage());
      System.err.flush();
      System.exit(EXIT_CONFIG);
      throw e; // not reached
    }
  }

  /** {@link #fromEnv()} with the environment given; throws instead of exiting. */
  static TaskHarborServer fromEnv(Map<String, String> env) {
    return new TaskHarborServer(ServerConfig.fromEnv(env));
  }

  /**
   * Registers the handler of a job type; its payload is decoded into {@code payloadType}.
   *
   * @throws IllegalArgumentException if the type is malformed or already has a handler (when {@link #run()} builds
   *     the worker)
   */
  public <P> TaskHarborServer handle(String type, Class<P> payloadType, JobHandler<P> handler) {
    Objects.requireNonNull(type, "type must not be null");
    Objects.requireNonNull(payloadType, "payloadType must not be null");
    Objects.requireNonNull(handler, "handler must not be null");
    handlers.add(builder -> builder.handle(type, payloadType, handler));
    return this;
  }

  /**
   * Sets what {@code ENQUEUE_EXAMPLES=true} enqueues, once the worker has started; without it, that variable
   * enqueues nothing.
   */
  public TaskHarborServer examples(Consumer<TaskHarbor> enqueue) {
    this.examples = Objects.requireNonNull(enqueue, "enqueue must not be null");
    return this;
  }

  /**
   * Starts the service and blocks until SIGTERM or SIGINT stops it; then running jobs get {@code SHUTDOWN_TIMEOUT}
   * to finish, the rest are released, and the process exits with status 0. A failure at start (the database cannot be
   * reached, the port is taken, a migration fails) is logged and ends the process with status 1.
   */
  public void run() {
    try {
      start();
    } catch (RuntimeException e) {
      log.error("could not start: {}", Secrets.scrub(String.valueOf(e.getMessage()), config.databaseUrl()));
      shutdown();
      JsonLogging.stop();
      System.exit(EXIT_START);
    }
    Signals.onTermination(() -> {
      shutdown();
      JsonLogging.stop();
      System.exit(0);
    });
    // Any other exit (System.exit elsewhere, a signal the JVM handles) still stops the worker gracefully.
    Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "taskharbor-shutdown"));
    awaitStop();
  }

  /** Starts everything and returns once ready; for tests, which stop it with {@link #shutdown()}. */
  TaskHarborServer start() {
    JsonLogging.configure(config.debug());
    for (String unknown : config.unknownTaskHarborVariables()) {
      log.warn("unknown variable {} ignored: the service reads {} and the seed's variables (see "
          + "docs/operations.md)", unknown, ServerConfig.KNOWN_TASKHARBOR_VARIABLES);
    }
    log.info("starting TaskHarbor {} worker service: {}", TaskHarbor.version(), config);
    try {
      endpoints = Endpoints.start(config.metricsPort(), this::metricsAnswer, this::healthAnswer, this::readyAnswer);
    } catch (IOException e) {
      throw new IllegalStateException(ServerConfig.METRICS_PORT + "=" + config.metricsPort()
          + ": cannot listen on the port: " + e.getMessage(), e);
    }
    if (config.migrate() && Schemas.createIfMissing(config.databaseUrl())) {
      log.info("schema {} exists", Schemas.named(config.databaseUrl()).orElse("public"));
    }
    PostgresDriver driver = PostgresDriver.open(config.databaseUrl());
    this.driver = driver;
    if (config.migrate()) {
      driver.migrate();
      log.info("schema {} migrated", driver.schema());
    }
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry = prometheus;
    new JvmMemoryMetrics().bindTo(prometheus);
    new JvmThreadMetrics().bindTo(prometheus);
    new ProcessorMetrics().bindTo(prometheus);
    new UptimeMetrics().bindTo(prometheus);
    gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(prometheus);
    TaskHarborMetrics taskMetrics = TaskHarborMetrics.builder(prometheus)
        .gaugeRefreshInterval(config.metricsRefreshInterval()).build();
    metrics = taskMetrics;
    TaskHarbor.Builder builder = TaskHarbor.builder().driver(driver).ownsDriver(true).listener(taskMetrics);
    if (config.distributed()) {
      builder.distributed(DistributedMode.builder().heartbeatInterval(config.heartbeatInterval())
          .workerTimeout(config.workerTimeout()).leaderTerm(config.leaderTerm())
          .cleanupInterval(config.cleanupInterval()).build());
    }
    TaskHarbor client = builder.build();
    harbor = client;
    taskMetrics.bindTo(client);
    Worker.Builder workerBuilder = client.newWorker().queues(config.queues().toArray(String[]::new))
        .concurrency(config.workerPoolSize()).pollInterval(config.claimInterval())
        .shutdownTimeout(config.shutdownTimeout());
    if (config.distributed()) {
      // A worker gives its jobs up a margin before its lease ends; in distributed mode that margin must leave room
      // for a node heartbeat within the worker timeout, so it is at most half of what the timeout leaves.
      Duration room = config.workerTimeout().minus(config.heartbeatInterval()).dividedBy(2);
      Duration margin = WORKER_LEASE.dividedBy(5);
      workerBuilder.leaseSafetyMargin(margin.compareTo(room) < 0 ? margin : room);
    }
    handlers.forEach(h -> h.accept(workerBuilder));
    Worker w = workerBuilder.build();
    worker = w;
    w.start();
    healthChecks = Executors.newSingleThreadExecutor(runnable -> {
      Thread t = new Thread(runnable, "taskharbor-health");
      t.setDaemon(true);
      return t;
    });
    state = State.READY;
    log.info("ready: worker {} on queues {}, {} handler thread(s), endpoints on port {}", client.nodeId(),
        config.queues(), config.workerPoolSize(), port());
    if (config.enqueueExamples()) {
      if (examples == null) {
        log.warn("{}=true but this service has no examples to enqueue", ServerConfig.ENQUEUE_EXAMPLES);
      } else {
        examples.accept(client);
        log.info("example jobs enqueued");
      }
    }
    return this;
  }

  /** The port the endpoints listen on. */
  int port() {
    return Objects.requireNonNull(endpoints, "not started").port();
  }

  /**
   * Stops gracefully: {@code /ready} turns 503 at once; the worker takes no new job and gives its running ones
   * {@code SHUTDOWN_TIMEOUT} to finish, then releases the rest; then the client, its pool and the endpoints close.
   * Idempotent, and safe to call from the shutdown hook and the signal handler at once.
   */
  synchronized void shutdown() {
    if (state == State.STOPPED) {
      return;
    }
    state = State.STOPPING;
    log.info("stopping: running jobs get up to {} to finish", GoDuration.format(config.shutdownTimeout()));
    try {
      if (worker != null) {
        worker.stop();
      }
      if (metrics != null) {
        metrics.close();
      }
      TaskHarbor client = harbor;
      if (client != null) {
        client.close();
      } else if (driver != null) {
        driver.close();
      }
      if (gcMetrics != null) {
        gcMetrics.close();
      }
      if (registry != null) {
        registry.close();
      }
    } finally {
      if (healthChecks != null) {
        healthChecks.shutdownNow();
      }
      if (endpoints != null) {
        endpoints.stop();
      }
      state = State.STOPPED;
      stopped.countDown();
      log.info("stopped");
    }
  }

  private void awaitStop() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Endpoints.Answer metricsAnswer() {
    PrometheusMeterRegistry r = registry;
    if (r == null || state == State.STOPPED) {
      return new Endpoints.Answer(503, Endpoints.PROMETHEUS_TEXT, "");
    }
    return new Endpoints.Answer(200, Endpoints.PROMETHEUS_TEXT, r.scrape());
  }

  private Endpoints.Answer readyAnswer() {
    State s = state;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", s == State.READY ? "ready" : s.name().toLowerCase(Locale.ROOT));
    return Endpoints.Answer.json(s == State.READY ? 200 : 503, body);
  }

  private Endpoints.Answer healthAnswer() {
    TaskHarbor client = harbor;
    Map<String, Object> body = new LinkedHashMap<>();
    String reason = client == null ? "starting" : databaseProblem(client);
    body.put("status", reason == null ? "healthy" : "unhealthy");
    body.put("worker_id", client == null ? "" : client.nodeId());
    body.put("version", TaskHarbor.version());
    body.put("distributed", config.distributed());
    if (reason != null) {
      body.put("reason", reason);
    }
    return Endpoints.Answer.json(reason == null ? 200 : 503, body);
  }

  /** One bounded read of the database; null when it answered, else why not (without secrets). */
  private @Nullable String databaseProblem(TaskHarbor client) {
    ExecutorService checks = healthChecks;
    if (checks == null || checks.isShutdown()) {
      return "stopping";
    }
    Future<?> check;
    synchronized (healthLock) {
      // One check at a time: a probe that comes while the last one still waits for the database waits on it.
      if (healthCheck == null || healthCheck.isDone()) {
        String queue = config.queues().get(0);
        healthCheck = checks.submit(() -> client.stats(queue));
      }
      check = healthCheck;
    }
    try {
      check.get(HEALTH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return null;
    } catch (TimeoutException e) {
      return "database unreachable: no answer within " + GoDuration.format(HEALTH_TIMEOUT);
    } catch (ExecutionException e) {
      return "database unreachable: " + Secrets.scrub(String.valueOf(e.getCause().getMessage()),
          config.databaseUrl());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
