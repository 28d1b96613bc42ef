package io.marketprism.supervisor;

import java.io.IOException;
import java.util.List;

/**
 * A component could not be started or did not become ready; carries the end of its log for the
 * operator.
 */
public final class ComponentStartException extends IOException {

  private final String component;
  private final List<String> logTail;

  public ComponentStartException(String component, String message, List<String> logTail) {
    super(message);
    this.component = component;
    this.logTail = List.copyOf(logTail);
  }

  public ComponentStartException(String component, String message, Throwable cause) {
    super(message, cause);
    this.component = component;
    this.logTail = List.of();
  }

  /** The name of the component that failed. */
  public String component() {
    return component;
  }

  /** The last lines of the component's log at the time of failure (may be empty). */
  public List<String> logTail() {
    return logTail;
  }
}
