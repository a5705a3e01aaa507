package io.taskharbor.tck;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.taskharbor.api.DuplicateJobException;
import io.taskharbor.api.InvalidJobStatusException;
import io.taskharbor.api.JobRecord;
import io.taskharbor.api.JobStateException;
import io.taskharbor.api.LeaseExpiredException;
import io.taskharbor.api.LeaseToken;
import io.taskharbor.api.StaleTermException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How two drivers' answers are made comparable and compared: jobs become {@link JobView}s (payload and result as
 * canonical JSON, lease tokens as the name of the reservation that handed them out), refusals become {@link
 * Refusal}s (type and typed fields, never the message), and two snapshots of the whole visible state are diffed field
 * by field.
 */
public final class StateComparison {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private StateComparison() {}

  /**
   * Returns the canonical form of a JSON document: objects with sorted keys, numbers by value ({@code 2.50} and
   * {@code 2.5} are equal), no insignificant whitespace. Two documents are the same JSON value iff their canonical
   * forms are equal. Text that is not JSON comes back marked as such.
   */
  public static String canonicalJson(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null) {
        return "<not JSON: empty>";
      }
      StringBuilder b = new StringBuilder();
      canonical(node, b);
      return b.toString();
    } catch (JsonProcessingException e) {
      return "<not JSON: " + json + ">";
    }
  }

  private static void canonical(JsonNode node, StringBuilder b) {
    JsonNodeType type = node.getNodeType();
    switch (type) {
      case OBJECT -> {
        Map<String, JsonNode> sorted = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
          sorted.put(e.getKey(), e.getValue());
        }
        b.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
          b.append(first ? "" : ",").append(JSON.getNodeFactory().textNode(e.getKey())).append(':');
          canonical(e.getValue(), b);
          first = false;
        }
        b.append('}');
      }
      case ARRAY -> {
        b.append('[');
        for (int i = 0; i < node.size(); i++) {
          b.append(i == 0 ? "" : ",");
          canonical(node.get(i), b);
        }
        b.append(']');
      }
      case NUMBER -> {
        BigDecimal value = node.isBigInteger() ? new BigDecimal(node.bigIntegerValue()) : node.decimalValue();
        b.append(value.signum() == 0 ? "0" : value.stripTrailingZeros().toString());
      }
      default -> b.append(node);
    }
  }

  /**
   * A job as the comparison sees it: every field of {@link JobRecord}, with the id and the lease token named (J3,
   * {@code J3 lease#2}) and payload and result in canonical JSON.
   */
  public record JobView(Map<String, @Nullable Object> fields) {

    public JobView {
      fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** Returns the view of {@code job}, naming its lease token with {@code tokenName}. */
    public static JobView of(JobRecord job, Function<LeaseToken, String> tokenName) {
      Map<String, @Nullable Object> f = new LinkedHashMap<>();
      f.put("id", Actions.label(job.id()));
      f.put("queue", job.queue());
      f.put("type", job.type());
      f.put("status", job.status());
      f.put("attempts", job.attempts());
      f.put("maxAttempts", job.maxAttempts());
      f.put("priority", job.priority());
      f.put("runAt", time(job.runAt()));
      f.put("idempotencyKey", job.idempotencyKey());
      f.put("timeout", job.timeout() == null ? null : Actions.duration(Objects.requireNonNull(job.timeout())));
      f.put("leaseToken", job.leaseToken() == null ? null : tokenName.apply(Objects.requireNonNull(job.leaseToken())));
      f.put("leaseExpiresAt", time(job.leaseExpiresAt()));
      f.put("lastError", job.lastError());
      f.put("payload", canonicalJson(job.payload()));
      f.put("result", job.result() == null ? null : canonicalJson(Objects.requireNonNull(job.result())));
      f.put("dlqReason", job.dlqReason());
      f.put("dlqFailedAt", time(job.dlqFailedAt()));
      f.put("createdAt", time(job.createdAt()));
      f.put("updatedAt", time(job.updatedAt()));
      f.put("finishedAt", time(job.finishedAt()));
      f.put("leasedBy", job.leasedBy());
      f.put("startedAt", time(job.startedAt()));
      f.put("cancelRequestedAt", time(job.cancelRequestedAt()));
      f.put("details", job.details().stream().map(d -> Actions.instant(d.at()) + " " + d.text()).toList());
      return new JobView(f);
    }

    private static @Nullable String time(@Nullable Instant at) {
      return at == null ? null : Actions.instant(at);
    }

    /** Returns the job's label (J0..J7 or the id). */
    public String id() {
      return String.valueOf(fields.get("id"));
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder("{");
      fields.forEach((k, v) -> {
        if (v != null) {
          b.append(b.length() == 1 ? "" : " ").append(k).append('=').append(v);
        }
      });
      return b.append('}').toString();
    }
  }

  /**
   * A refused or failed call: the exception's type and its typed fields (job id, status, operation, instants), never
   * its message, which drivers word as they like. The message is kept for the report only.
   */
  public static final class Refusal {
    private final String type;
    private final Map<String, Object> fields;
    private final @Nullable String message;

    private Refusal(String type, Map<String, Object> fields, @Nullable String message) {
      this.type = type;
      this.fields = fields;
      this.message = message;
    }

    /** Returns the refusal that {@code e} stands for. */
    public static Refusal of(Throwable e) {
      Map<String, Object> f = new LinkedHashMap<>();
      if (e instanceof JobStateException s) {
        f.put("job", Actions.label(s.jobId()));
      }
      if (e instanceof DuplicateJobException d) {
        f.put("job", Actions.label(d.jobId()));
      }
      if (e instanceof InvalidJobStatusException s) {
        f.put("status", s.status());
        f.put("operation", s.operation());
      }
      if (e instanceof LeaseExpiredException x) {
        f.put("expiredAt", Actions.instant(x.expiredAt()));
        f.put("now", Actions.instant(x.now()));
      }
      if (e instanceof StaleTermException x) {
        f.put("name", x.name());
        f.put("term", x.term());
        f.put("currentTerm", x.currentTerm());
        f.put("currentHolder", String.valueOf(x.currentHolder()));
      }
      return new Refusal(e.getClass().getName(), f, e.getMessage());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Refusal r && r.type.equals(type) && r.fields.equals(fields);
    }

    @Override
    public int hashCode() {
      return Objects.hash(type, fields);
    }

    @Override
    public String toString() {
      String simple = type.substring(type.lastIndexOf('.') + 1);
      String shown = fields.isEmpty() ? "" : fields.toString();
      return "refused " + simple + shown + (fields.isEmpty() && message != null ? " (\"" + message + "\")" : "");
    }
  }

  /**
   * Returns the differences between two snapshots of all jobs (each ordered by id), one line per differing field or
   * missing job; empty when they agree.
   */
  public static List<String> diff(List<JobView> subject, List<JobView> reference) {
    Map<String, JobView> left = new LinkedHashMap<>();
    subject.forEach(v -> left.put(v.id(), v));
    Map<String, JobView> right = new LinkedHashMap<>();
    reference.forEach(v -> right.put(v.id(), v));
    List<String> lines = new ArrayList<>();
    for (JobView r : reference) {
      JobView l = left.get(r.id());
      if (l == null) {
        lines.add(r.id() + ": missing from the subject (reference has " + r + ")");
        continue;
      }
      for (Map.Entry<String, @Nullable Object> e : r.fields().entrySet()) {
        Object mine = l.fields().get(e.getKey());
        if (!Objects.equals(mine, e.getValue())) {
          lines.add(r.id() + "." + e.getKey() + ": subject " + mine + ", reference " + e.getValue());
        }
      }
    }
    for (JobView l : subject) {
      if (!right.containsKey(l.id())) {
        lines.add(l.id() + ": only in the subject (" + l + ")");
      }
    }
    if (lines.isEmpty() && !ids(subject).equals(ids(reference))) {
      lines.add("list order differs: subject " + ids(subject) + ", reference " + ids(reference));
    }
    if (lines.isEmpty() && subject.size() != reference.size()) {
      lines.add("the subject lists a job more than once: " + ids(subject));
    }
    return lines;
  }

  private static List<String> ids(List<JobView> views) {
    return views.stream().map(JobView::id).toList();
  }
}
