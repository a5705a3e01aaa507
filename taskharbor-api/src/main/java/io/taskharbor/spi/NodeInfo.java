package io.taskharbor.spi;

import io.taskharbor.api.internal.Checks;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A process that runs workers, as it registers in distributed mode.
 *
 * @param id the node's id, unique among live processes (the engine uses {@code hostname-pid-random})
 * @param host the host name
 * @param pid the process id
 * @param version the TaskHarbor version the node runs
 * @param queues the queues its workers serve
 * @param poolSize its handler threads in all
 * @param startedAt when the node started
 */
public record NodeInfo(
    String id, String host, long pid, String version, List<String> queues, int poolSize, Instant startedAt) {

  /** The longest node id. */
  public static final int MAX_ID_LENGTH = 255;

  public NodeInfo {
    checkId(id);
    Checks.text(Objects.requireNonNull(host, "host must not be null"), "host");
    Checks.text(Objects.requireNonNull(version, "version must not be null"), "version");
    queues = List.copyOf(Objects.requireNonNull(queues, "queues must not be null"));
    queues.forEach(Checks::queue);
    if (poolSize < 0) {
      throw new IllegalArgumentException("poolSize must not be negative but was " + poolSize);
    }
    startedAt = Checks.instant(Objects.requireNonNull(startedAt, "startedAt must not be null"), "startedAt");
  }

  /** Checks a node id: non-blank, at most {@value #MAX_ID_LENGTH} characters, valid text. */
  public static String checkId(String id) {
    Objects.requireNonNull(id, "nodeId must not be null");
    if (id.isBlank() || id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException("nodeId must be 1 to " + MAX_ID_LENGTH + " characters and not blank but was '"
          + Checks.printable(id) + "'");
    }
    return Checks.text(id, "nodeId");
  }

  /** Starts a node with no queues and no threads, started at {@code startedAt}; fill in the rest with the builder. */
  public static Builder builder(String id, Instant startedAt) {
    return new Builder(id, startedAt);
  }

  /** A mutable builder of {@link NodeInfo}; not thread-safe. */
  public static final class Builder {
    private final String id;
    private final Instant startedAt;
    private String host = "unknown";
    private long pid;
    private String version = "unknown";
    private List<String> queues = List.of();
    private int poolSize;

    private Builder(String id, Instant startedAt) {
      this.id = id;
      this.startedAt = startedAt;
    }

    /** Sets the host name. */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** Sets the process id. */
    public Builder pid(long pid) {
      this.pid = pid;
      return this;
    }

    /** Sets the TaskHarbor version. */
    public Builder version(String version) {
      this.version = version;
      return this;
    }

    /** Sets the queues served. */
    public Builder queues(List<String> queues) {
      this.queues = queues;
      return this;
    }

    /** Sets the handler threads in all. */
    public Builder poolSize(int poolSize) {
      this.poolSize = poolSize;
      return this;
    }

    /** Builds the node; throws {@link IllegalArgumentException} naming a bad field. */
    public NodeInfo build() {
      return new NodeInfo(id, host, pid, version, queues, poolSize, startedAt);
    }
  }
}
