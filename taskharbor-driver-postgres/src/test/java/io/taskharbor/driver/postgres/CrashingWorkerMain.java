package io.taskharbor.driver.postgres;

import io.taskharbor.engine.TaskHarbor;
import io.taskharbor.engine.Worker;
import java.time.Duration;

/**
 * A separate process for {@link WorkerProcessKillTest}: runs a worker on the queue {@code args[1]} of the DSN in
 * {@code args[0]} with two handler threads and a prefetch of three, a two-second lease and handlers that never return,
 * and prints {@code started <n>} as each handler begins. The test kills it with SIGKILL: no shutdown hook, no release.
 */
final class CrashingWorkerMain {

  record Work(int n) {}

  private CrashingWorkerMain() {}

  public static void main(String[] args) throws Exception {
    TaskHarbor harbor = TaskHarbor.connect(args[0]);
    Worker worker = harbor.newWorker()
        .queues(args[1])
        .concurrency(2)
        .prefetch(3)
        .leaseDuration(Duration.ofSeconds(2))
        .pollInterval(Duration.ofMillis(50))
        .handle("work", Work.class, job -> {
          System.out.println("started " + job.payload().n());
          System.out.flush();
          Thread.sleep(Long.MAX_VALUE);
        })
        .build();
    worker.start();
    Thread.sleep(Long.MAX_VALUE);
  }
}
