package io.taskharbor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskharbor.api.AmbiguousDriverException;
import io.taskharbor.api.DriverNotFoundException;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.Limits;
import io.taskharbor.spi.NewJob;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Bad input to the client is refused with a message naming the argument, and nothing reaches the driver. */
class TaskHarborArgumentsTest {
  private final CountingDriver driver = new CountingDriver();
  private final TaskHarbor harbor = TaskHarbor.builder().driver(driver).build();

  /** Has a getter that always throws, so Jackson cannot write it. */
  static final class Unwritable {
    public String getValue() {
      throw new IllegalStateException("no value today");
    }
  }

  record Ok(int n) {}

  @Test
  @DisplayName("a payload Jackson cannot write is an IllegalArgumentException naming the payload and the type")
  void unwritablePayload() {
    assertThatThrownBy(() -> harbor.enqueue(JobRequest.builder("report.build", new Unwritable()).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("payload")
        .hasMessageContaining("report.build")
        .hasMessageContaining(Unwritable.class.getName());
    assertThat(driver.calls).hasValue(0);
  }

  @Test
  @DisplayName("one bad request in a batch stores nothing of the batch")
  void badRequestInBatch() {
    List<JobRequest> batch = List.of(JobRequest.builder("ok", new Ok(1)).build(),
        JobRequest.builder("bad", new Unwritable()).build());
    assertThatThrownBy(() -> harbor.enqueueAll(batch)).isInstanceOf(IllegalArgumentException.class);
    assertThat(driver.enqueued).isEmpty();
  }

  @Test
  @DisplayName("null arguments are refused with the argument's name")
  void nulls() {
    assertThatThrownBy(() -> harbor.enqueue(null)).hasMessageContaining("request");
    assertThatThrownBy(() -> harbor.enqueueAll(null)).hasMessageContaining("requests");
    assertThatThrownBy(() -> harbor.get(null)).hasMessageContaining("id");
    assertThatThrownBy(() -> harbor.list(null)).hasMessageContaining("query");
    assertThatThrownBy(() -> harbor.requeue(null, true)).hasMessageContaining("id");
    assertThatThrownBy(() -> harbor.purge(null, Instant.now())).hasMessageContaining("statuses");
    assertThat(driver.calls).hasValue(0);
  }

  @Test
  @DisplayName("a malformed queue name is refused by stats and findByIdempotencyKey before the driver is called")
  void badQueueNames() {
    assertThatThrownBy(() -> harbor.stats("no spaces allowed"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue");
    assertThatThrownBy(() -> harbor.stats(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue");
    assertThatThrownBy(() -> harbor.findByIdempotencyKey("q", ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idempotencyKey");
    assertThat(driver.calls).hasValue(0);
  }

  @Test
  @DisplayName("max attempts and timeout resolve as request, then job type default, then the global default")
  void typeDefaults() {
    TaskHarbor withDefaults = TaskHarbor.builder().driver(driver)
        .jobType("report.build", JobTypeOptions.defaults().withMaxAttempts(3).withTimeout(Duration.ofMinutes(2)))
        .build();
    withDefaults.enqueue(JobRequest.builder("report.build", new Ok(1)).build());
    withDefaults.enqueue(JobRequest.builder("report.build", new Ok(2)).maxAttempts(7).timeout(Duration.ofSeconds(5))
        .build());
    withDefaults.enqueue(JobRequest.builder("other", new Ok(3)).build());

    assertThat(driver.enqueued).extracting(j -> j.maxAttempts()).containsExactly(3, 7, Limits.DEFAULT_MAX_ATTEMPTS);
    assertThat(driver.enqueued).extracting(j -> j.timeout())
        .containsExactly(Duration.ofMinutes(2), Duration.ofSeconds(5), null);
    assertThat(driver.enqueued.get(0).payload()).isEqualTo("{\"n\":1}");
  }

  @Test
  @DisplayName("newJob makes the job enqueue would store, with the type's defaults and the encoded payload, and "
      + "stores nothing")
  void newJobAppliesTheSameDefaultsAsEnqueueWithoutStoring() {
    TaskHarbor withDefaults = TaskHarbor.builder().driver(driver)
        .jobType("report.build", JobTypeOptions.defaults().withMaxAttempts(3).withTimeout(Duration.ofMinutes(2)))
        .build();
    JobId id = JobId.newId();

    NewJob job = withDefaults.newJob(JobRequest.builder("report.build", new Ok(5)).id(id).queue("reports")
        .priority(4).idempotencyKey("r-5").build());

    assertThat(job).isEqualTo(new NewJob(id, "reports", "report.build", "{\"n\":5}", 4, null, "r-5", 3,
        Duration.ofMinutes(2)));
    assertThat(withDefaults.newJob(JobRequest.builder("other", new Ok(6)).build()).id()).isNotNull();
    assertThatThrownBy(() -> withDefaults.newJob(JobRequest.builder("bad", new Unwritable()).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload");
    assertThat(driver.calls).hasValue(0);
  }

  @Test
  @DisplayName("job type options are validated and set once per type")
  void jobTypeOptions() {
    assertThatThrownBy(() -> JobTypeOptions.defaults().withMaxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> JobTypeOptions.defaults().withTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    TaskHarbor.Builder builder = TaskHarbor.builder().jobType("t", JobTypeOptions.defaults());
    assertThatThrownBy(() -> builder.jobType("t", JobTypeOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'t'");
  }

  @Test
  @DisplayName("a URI no driver accepts is a DriverNotFoundException; a driver and a URI together are refused")
  void driverSelection() {
    assertThatThrownBy(() -> TaskHarbor.connect("nosuchdb://localhost/x"))
        .isInstanceOf(DriverNotFoundException.class);
    assertThatThrownBy(() -> TaskHarbor.connect(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("driverUri");
    assertThatThrownBy(() -> TaskHarbor.builder().driver(driver).driverUri("memory:").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
    assertThat(AmbiguousDriverException.class).isAssignableTo(RuntimeException.class);
  }

  @Test
  @DisplayName("a closed client refuses calls; closing it leaves a driver it does not own open")
  void closing() {
    harbor.close();
    harbor.close();
    assertThat(driver.closed).isFalse();
    assertThatThrownBy(() -> harbor.stats("q")).isInstanceOf(IllegalStateException.class);

    CountingDriver owned = new CountingDriver();
    TaskHarbor.builder().driver(owned).ownsDriver(true).build().close();
    assertThat(owned.closed).isTrue();
  }
}
