package io.taskharbor.engine;

import io.taskharbor.api.JobStatus;
import io.taskharbor.spi.support.Validation;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The settings of distributed mode, where many processes run workers on one database, coordinated through it alone:
 * each process registers as a node and heartbeats, one node leads with a fencing term, and the leader recovers the
 * jobs of dead nodes, removes them, and purges finished jobs past their retention. The engine's clock becomes the
 * database's ({@link DatabaseClock}), so that leases, due times and terms from different hosts compare on one
 * timeline. Immutable; build with {@link #builder()}, every setting checked at {@link Builder#build()}.
 *
 * @param cluster the name the leader lease is held under; processes that share jobs share it
 * @param heartbeatInterval how often a node records that it is alive ({@code HEARTBEAT_INTERVAL})
 * @param workerTimeout how long without a heartbeat before a node counts as dead ({@code WORKER_TIMEOUT})
 * @param leaderTerm how long a leader lease lasts unless renewed ({@code LEADER_TERM}); renewed every third of it
 * @param cleanupInterval how often the leader runs its maintenance ({@code CLEANUP_INTERVAL})
 * @param retention how long DONE and CANCELED jobs are kept before the leader purges them
 * @param dlqRetention how long DLQ jobs are kept before the leader purges them, or null to keep them until an
 *     operator acts
 * @param clockRefresh how often the offset to the database's clock is measured again
 */
public record DistributedMode(
    String cluster,
    Duration heartbeatInterval,
    Duration workerTimeout,
    Duration leaderTerm,
    Duration cleanupInterval,
    Duration retention,
    @Nullable Duration dlqRetention,
    Duration clockRefresh) {

  /** The default cluster name. */
  public static final String DEFAULT_CLUSTER = "default";

  public DistributedMode {
    Objects.requireNonNull(cluster, "cluster must not be null");
    if (cluster.isBlank() || cluster.length() > 255) {
      throw new IllegalArgumentException("cluster must be 1 to 255 characters and not blank but was '" + cluster + "'");
    }
    Validation.text(cluster, "cluster");
    heartbeatInterval = Validation.positive(heartbeatInterval, "heartbeatInterval");
    workerTimeout = Validation.positive(workerTimeout, "workerTimeout");
    leaderTerm = Validation.positive(leaderTerm, "leaderTerm");
    cleanupInterval = Validation.positive(cleanupInterval, "cleanupInterval");
    retention = Validation.positive(retention, "retention");
    if (dlqRetention != null) {
      dlqRetention = Validation.positive(dlqRetention, "dlqRetention");
    }
    clockRefresh = Validation.positive(clockRefresh, "clockRefresh");
    if (workerTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("workerTimeout (" + workerTimeout + ") must be at least twice "
          + "heartbeatInterval (" + heartbeatInterval + "): a node must miss more than one heartbeat before it counts "
          + "as dead (the defaults are 30s and 10s)");
    }
    if (leaderTerm.compareTo(Duration.ofMillis(30)) < 0) {
      throw new IllegalArgumentException("leaderTerm (" + leaderTerm + ") must be at least 30ms: the leader renews it "
          + "every third of it, and needs time to stop its duties before it ends");
    }
  }

  /** Returns how often the leader renews its lease, and followers try to acquire it: a third of the term. */
  public Duration leaderRenewInterval() {
    return leaderTerm.dividedBy(3);
  }

  /** The statuses the leader purges, with the instant they must have finished before, at {@code now}. */
  Set<JobStatus> retainedStatuses() {
    return EnumSet.of(JobStatus.DONE, JobStatus.CANCELED);
  }

  /** Returns the defaults: cluster "default", heartbeat 10 s, timeout 30 s, term 30 s, cleanup 1 min, 7 days kept. */
  public static DistributedMode defaults() {
    return builder().build();
  }

  /** Starts a builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A mutable builder; not thread-safe. */
  public static final class Builder {
    private String cluster = DEFAULT_CLUSTER;
    private Duration heartbeatInterval = Duration.ofSeconds(10);
    private Duration workerTimeout = Duration.ofSeconds(30);
    private Duration leaderTerm = Duration.ofSeconds(30);
    private Duration cleanupInterval = Duration.ofMinutes(1);
    private Duration retention = Duration.ofDays(7);
    private @Nullable Duration dlqRetention;
    private Duration clockRefresh = Duration.ofMinutes(1);

    private Builder() {}

    /** Sets the cluster name; default {@value DistributedMode#DEFAULT_CLUSTER}. */
    public Builder cluster(String cluster) {
      this.cluster = cluster;
      return this;
    }

    /** Sets how often a node heartbeats; default 10 s. */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = heartbeatInterval;
      return this;
    }

    /** Sets how long a silent node lives; default 30 s, at least twice the heartbeat interval. */
    public Builder workerTimeout(Duration workerTimeout) {
      this.workerTimeout = workerTimeout;
      return this;
    }

    /** Sets the leader lease's length; default 30 s. */
    public Builder leaderTerm(Duration leaderTerm) {
      this.leaderTerm = leaderTerm;
      return this;
    }

    /** Sets how often the leader runs maintenance; default 1 min. */
    public Builder cleanupInterval(Duration cleanupInterval) {
      this.cleanupInterval = cleanupInterval;
      return this;
    }

    /** Sets how long DONE and CANCELED jobs are kept; default 7 days. */
    public Builder retention(Duration retention) {
      this.retention = retention;
      return this;
    }

    /** Sets how long DLQ jobs are kept; default: until an operator acts. */
    public Builder dlqRetention(Duration dlqRetention) {
      this.dlqRetention = Objects.requireNonNull(dlqRetention, "dlqRetention must not be null");
      return this;
    }

    /** Sets how often the offset to the database clock is measured again; default 1 min. */
    public Builder clockRefresh(Duration clockRefresh) {
      this.clockRefresh = clockRefresh;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public DistributedMode build() {
      return new DistributedMode(cluster, heartbeatInterval, workerTimeout, leaderTerm, cleanupInterval, retention,
          dlqRetention, clockRefresh);
    }
  }
}
