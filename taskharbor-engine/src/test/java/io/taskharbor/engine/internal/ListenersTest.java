package io.taskharbor.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.taskharbor.api.EnqueueResult;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRecord;
import io.taskharbor.engine.event.TaskHarborListener;
import io.taskharbor.engine.event.WorkerListener;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ListenersTest {
  private static final JobRecord JOB = JobRecord.builder(JobId.newId(), "q", "t", "{}", Instant.EPOCH).build();

  @Test
  @DisplayName("a listener that throws is skipped for that event; the others still hear it, in order")
  void aThrowingListenerDoesNotStopTheOthers() {
    List<String> heard = new ArrayList<>();
    WorkerListener first = new WorkerListener() {
      @Override
      public void succeeded(JobRecord job) {
        heard.add("first");
      }
    };
    WorkerListener broken = new WorkerListener() {
      @Override
      public void succeeded(JobRecord job) {
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void started(JobRecord job) {
        throw new NoClassDefFoundError("missing metrics jar");
      }
    };
    WorkerListener last = new WorkerListener() {
      @Override
      public void succeeded(JobRecord job) {
        heard.add("last");
      }

      @Override
      public void started(JobRecord job) {
        heard.add("last started");
      }
    };
    Listeners listeners = new Listeners(List.of(first, broken, last));

    assertThatCode(() -> {
      listeners.succeeded(JOB);
      listeners.succeeded(JOB);
      listeners.started(JOB);
    }).doesNotThrowAnyException();

    assertThat(heard).containsExactly("first", "last", "first", "last", "last started");
  }

  @Test
  @DisplayName("enqueue events reach client listeners only; worker events reach both kinds")
  void enqueueEventsReachClientListenersOnly() {
    List<String> heard = new ArrayList<>();
    WorkerListener worker = new WorkerListener() {
      @Override
      public void released(JobRecord job) {
        heard.add("worker released");
      }
    };
    TaskHarborListener client = new TaskHarborListener() {
      @Override
      public void enqueued(String queue, String type, EnqueueResult result) {
        heard.add("client enqueued " + queue + " " + type + " " + result.created());
      }

      @Override
      public void released(JobRecord job) {
        heard.add("client released");
      }
    };
    Listeners listeners = new Listeners(List.of(worker, client));
    listeners.enqueued("q", "t", new EnqueueResult(JOB.id(), true));
    listeners.released(JOB);
    assertThat(heard).containsExactly("client enqueued q t true", "worker released", "client released");
  }

  @Test
  @DisplayName("the composite passes on every event the listener interfaces declare (none falls to a no-op default)")
  void theCompositeOverridesEveryEvent() throws Exception {
    for (Method event : TaskHarborListener.class.getMethods()) {
      if (Modifier.isStatic(event.getModifiers())) {
        continue;
      }
      Method own = Listeners.class.getMethod(event.getName(), event.getParameterTypes());
      assertThat(own.getDeclaringClass()).as("Listeners passes on %s", event.getName()).isEqualTo(Listeners.class);
    }
  }

  @Test
  @DisplayName("with() keeps the first listeners and adds the others after them")
  void withAddsAfter() {
    List<String> heard = new ArrayList<>();
    WorkerListener a = new WorkerListener() {
      @Override
      public void reserved(String queue, List<JobRecord> jobs, Duration claimDuration) {
        heard.add("a");
      }
    };
    WorkerListener b = new WorkerListener() {
      @Override
      public void reserved(String queue, List<JobRecord> jobs, Duration claimDuration) {
        heard.add("b");
      }
    };
    new Listeners(List.of(a)).with(List.of(b)).reserved("q", List.of(), Duration.ZERO);
    assertThat(heard).containsExactly("a", "b");
  }
}
