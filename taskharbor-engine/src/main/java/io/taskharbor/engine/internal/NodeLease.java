package io.taskharbor.engine.internal;

import java.time.Instant;

/**
 * What the worker runtime needs of the node it runs on: the id it reserves under (recorded as each job's {@code
 * leased_by}), and until when the node may hold jobs at all. In distributed mode the other nodes count this one as
 * dead, and its jobs as orphans, once its last heartbeat is older than the worker timeout; so the runtime stops
 * reserving, and gives up running jobs, that long (less the safety margin) after the last heartbeat the database
 * took. Outside distributed mode a node may hold jobs for ever.
 */
public interface NodeLease {

  /** Returns the node's id. */
  String nodeId();

  /** Returns until when, by the engine's clock, the node may hold jobs; {@link Instant#MAX} for ever. */
  Instant aliveUntil();

  /** Returns a node that is never counted dead: outside distributed mode. */
  static NodeLease forever(String nodeId) {
    return new NodeLease() {
      @Override
      public String nodeId() {
        return nodeId;
      }

      @Override
      public Instant aliveUntil() {
        return Instant.MAX;
      }
    };
  }
}
