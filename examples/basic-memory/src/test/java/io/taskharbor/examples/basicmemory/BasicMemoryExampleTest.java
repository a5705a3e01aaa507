package io.taskharbor.examples.basicmemory;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskharbor.api.QueueStats;
import org.junit.jupiter.api.Test;

class BasicMemoryExampleTest {

  @Test
  void everyJobEndsDoneOrInTheDlq() throws Exception {
    QueueStats stats = BasicMemoryExample.run();

    assertThat(stats.done()).isEqualTo(5);
    assertThat(stats.dlq()).isEqualTo(1);
    assertThat(stats.ready() + stats.scheduled() + stats.inflight()).isZero();
  }
}
