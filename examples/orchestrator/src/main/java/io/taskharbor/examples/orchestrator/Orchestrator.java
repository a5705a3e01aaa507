package io.taskharbor.examples.orchestrator;

import io.taskharbor.api.JobRequest;
import io.taskharbor.engine.JobContext;
import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.server.TaskHarborServer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's task orchestrator on TaskHarbor: the worker service with four example handlers. Run it with
 * {@code DATABASE_URL=postgres://... java -jar target/taskharbor-orchestrator.jar}; {@code ENQUEUE_EXAMPLES=true}
 * enqueues a sample of each type at start.
 *
 * <ul>
 *   <li>{@code example:task}: logs its message and works for {@code millis} (default 100 ms);
 *   <li>{@code example:flaky}: fails its first two attempts, succeeds on the third (three attempts allowed);
 *   <li>{@code example:slow}: works for {@code millis} (default 20 s) in steps of 100 ms, and stops early when the
 *       worker cancels it (SIGTERM past {@code SHUTDOWN_TIMEOUT}, a lost lease), so its job is released;
 *   <li>{@code example:fail}: always fails; with three attempts it goes to the dead-letter queue.
 * </ul>
 */
public final class Orchestrator {

  private static final Logger log = LoggerFactory.getLogger(Orchestrator.class);

  /** The payload of every example job. */
  public record Example(String message, long millis) {}

  private Orchestrator() {}

  /** Starts the service; see the class comment. */
  public static void main(String[] args) {
    TaskHarborServer.fromEnv()
        .handle("example:task", Example.class, Orchestrator::task)
        .handle("example:flaky", Example.class, Orchestrator::flaky)
        .handle("example:slow", Example.class, Orchestrator::slow)
        .handle("example:fail", Example.class, job -> {
          throw new IllegalStateException("example:fail always fails (attempt " + job.attempt() + "/"
              + job.maxAttempts() + ")");
        })
        .examples(Orchestrator::enqueueExamples)
        .run();
  }

  static void task(JobContext<Example> job) throws InterruptedException {
    log.info("example:task {}: {}", job.id(), job.payload().message());
    Thread.sleep(job.payload().millis());
  }

  static void flaky(JobContext<Example> job) {
    if (job.attempt() < 3) {
      throw new IllegalStateException("example:flaky fails attempt " + job.attempt() + "/" + job.maxAttempts());
    }
    log.info("example:flaky {} succeeded on attempt {}/{}", job.id(), job.attempt(), job.maxAttempts());
  }

  static void slow(JobContext<Example> job) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofMillis(job.payload().millis()).toNanos();
    while (System.nanoTime() < end) {
      if (job.isCancelled()) {
        log.info("example:slow {} cancelled: its job is released and runs again", job.id());
        return;
      }
      Thread.sleep(100);
    }
    log.info("example:slow {} done after {} ms", job.id(), job.payload().millis());
  }

  /** What {@code ENQUEUE_EXAMPLES=true} enqueues: five tasks, one flaky, one slow, one that fails. */
  static void enqueueExamples(TaskHarbor harbor) {
    for (int i = 1; i <= 5; i++) {
      harbor.enqueue(JobRequest.builder("example:task", new Example("example " + i, 100)).build());
    }
    harbor.enqueue(JobRequest.builder("example:flaky", new Example("flaky", 0)).maxAttempts(3).build());
    harbor.enqueue(JobRequest.builder("example:slow", new Example("slow", 20_000)).build());
    harbor.enqueue(JobRequest.builder("example:fail", new Example("fail", 0)).maxAttempts(3).build());
  }
}
