package io.taskharbor.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A registered node as {@link Coordination#nodes} returns it.
 *
 * @param node what the node registered
 * @param lastHeartbeat its last heartbeat (or registration)
 * @param alive whether it is alive at the instant of the call: last heartbeat + timeout after that instant
 */
public record NodeRecord(NodeInfo node, Instant lastHeartbeat, boolean alive) {
  public NodeRecord {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(lastHeartbeat, "lastHeartbeat");
  }

  /** Returns the node's id. */
  public String id() {
    return node.id();
  }
}
