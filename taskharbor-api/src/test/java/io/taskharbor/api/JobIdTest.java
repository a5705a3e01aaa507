package io.taskharbor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JobIdTest {

  @Test
  @DisplayName("ids made one after the other sort in that order, thousands within one millisecond")
  void idsIncreaseInTheOrderTheyAreMade() {
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      ids.add(JobId.newId());
    }
    for (int i = 1; i < ids.size(); i++) {
      assertThat(ids.get(i)).as("id %d after id %d", i, i - 1).isGreaterThan(ids.get(i - 1));
    }
    // in a tight loop many ids share a millisecond: the counter, not the random bits, orders them
    long distinctMillis = ids.stream().map(id -> id.uuid().getMostSignificantBits() >>> 16).distinct().count();
    assertThat(distinctMillis).isLessThan(ids.size());
  }

  @Test
  @DisplayName("new ids are version 7, IETF variant, close to the wall clock, and unique across threads")
  void idsAreVersionSevenAndUniqueAcrossThreads() throws Exception {
    long before = System.currentTimeMillis();
    JobId id = JobId.newId();
    assertThat(id.uuid().version()).isEqualTo(7);
    assertThat(id.uuid().variant()).isEqualTo(2);
    assertThat(id.uuid().getMostSignificantBits() >>> 16).isBetween(before, System.currentTimeMillis() + 1_000);

    ConcurrentLinkedQueue<JobId> made = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(new Thread(() -> {
        for (int i = 0; i < 20_000; i++) {
          made.add(JobId.newId());
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    Set<JobId> distinct = new HashSet<>(made);
    assertThat(distinct).hasSize(80_000);
  }

  @Test
  void parseRefusesWhatIsNoUuidAndKeepsWhatIs() {
    JobId id = JobId.newId();
    assertThat(JobId.parse(id.toString())).isEqualTo(id);
    assertThatThrownBy(() -> JobId.parse("not-a-uuid")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a UUID");
  }
}
