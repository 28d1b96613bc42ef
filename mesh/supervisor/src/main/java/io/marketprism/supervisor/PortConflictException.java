package io.marketprism.supervisor;

import java.util.List;

/** Thrown before anything starts when a configured port is taken or claimed twice. */
public final class PortConflictException extends IllegalStateException {

  private final List<PortClaim> conflicts;

  PortConflictException(String message, List<PortClaim> conflicts) {
    super(message);
    this.conflicts = List.copyOf(conflicts);
  }

  /** The claims that could not be satisfied. */
  public List<PortClaim> conflicts() {
    return conflicts;
  }
}
