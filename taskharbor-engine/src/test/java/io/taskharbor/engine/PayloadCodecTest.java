package io.taskharbor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.taskharbor.api.JobId;
import io.taskharbor.api.JobRequest;
import io.taskharbor.api.JobStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Payloads and results go through the codec the client is given; the client's API names no JSON library. */
class PayloadCodecTest {
  record Invoice(String customerName, int total) {}

  /** A codec of the test's own: one field, written by hand, that records what it was asked. */
  static final class TinyCodec implements PayloadCodec {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public String encode(Object value) {
      calls.add("encode " + value.getClass().getSimpleName());
      if (value instanceof Invoice invoice) {
        return "{\"who\":\"" + invoice.customerName() + "\",\"sum\":" + invoice.total() + "}";
      }
      throw new IllegalStateException("TinyCodec writes invoices only");
    }

    @Override
    public <T> T decode(String json, Class<T> type) {
      calls.add("decode " + type.getSimpleName());
      return type.cast(new Invoice(json.replaceAll(".*\"who\" ?: ?\"([^\"]*)\".*", "$1"), 7));
    }

    @Override
    public String toString() {
      return "TinyCodec";
    }
  }

  @Test
  @DisplayName("enqueue and the worker encode and decode through the given codec")
  void theGivenCodecIsUsed() throws Exception {
    FakeDriver driver = new FakeDriver();
    TinyCodec codec = new TinyCodec();
    TaskHarbor harbor = TaskHarbor.builder().driver(driver).codec(codec).build();
    JobId id = harbor.enqueue(JobRequest.builder("bill", new Invoice("Ada", 7)).build()).id();
    assertThat(driver.job(id).payload()).isEqualTo("{\"who\":\"Ada\",\"sum\":7}");
    List<String> seen = new CopyOnWriteArrayList<>();
    try (Worker worker = harbor.newWorker().handle("bill", Invoice.class, job -> {
      seen.add(job.payload().customerName());
      job.setResult(new Invoice("receipt", 1));
    }).build()) {
      worker.start();
      Await.until("the job is done", () -> driver.job(id).status() == JobStatus.DONE);
    }
    assertThat(seen).containsExactly("Ada");
    assertThat(codec.calls).containsExactly("encode Invoice", "decode Invoice", "encode Invoice");
    assertThat(harbor.codec()).isSameAs(codec);
  }

  @Test
  @DisplayName("a value the codec cannot write is an IllegalArgumentException naming the type, the field and the codec")
  void anUnwritableValueNamesTheField() {
    TaskHarbor harbor = TaskHarbor.builder().driver(new FakeDriver()).codec(new TinyCodec()).build();
    assertThatThrownBy(() -> harbor.enqueue(JobRequest.builder("bill", List.of(1)).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("payload").hasMessageContaining("'bill'").hasMessageContaining("TinyCodec")
        .hasMessageContaining("writes invoices only");
    assertThatThrownBy(() -> TaskHarbor.builder().codec(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("codec");
  }

  @Test
  @DisplayName("JacksonPayloadCodec.of uses the application's mapper; the default ignores unknown properties")
  void jackson() throws Exception {
    ObjectMapper snake = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    PayloadCodec codec = JacksonPayloadCodec.of(snake);
    assertThat(codec.encode(new Invoice("Ada", 7))).isEqualTo("{\"customer_name\":\"Ada\",\"total\":7}");
    assertThat(PayloadCodec.defaultCodec().decode("{\"customerName\":\"Ada\",\"total\":7,\"extra\":1}",
        Invoice.class)).isEqualTo(new Invoice("Ada", 7));
    assertThatThrownBy(() -> JacksonPayloadCodec.create().encode(new Object()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
