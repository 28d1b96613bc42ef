package io.marketprism.supervisor;

import java.time.Instant;

/**
 * Something that happened to one component, for progress displays and state files.
 *
 * @param component the component's name
 * @param type what happened
 * @param pid the OS process id it concerns, or -1 when there is none
 * @param message a sentence for an operator
 * @param at when it happened
 */
public record SupervisorEvent(String component, Type type, long pid, String message, Instant at) {

  /** The life-cycle steps a component goes through under a {@link Supervisor}. */
  public enum Type {
    /** Being launched for the first time. */
    STARTING,
    /** Launched and passed its readiness probe. */
    READY,
    /** Exited, or failed to become ready, while it should have been running. */
    CRASHED,
    /** Being launched again after a crash, after its backoff. */
    RESTARTING,
    /** Crashed too often in quick succession; the supervisor stopped trying. */
    GAVE_UP,
    /** Being stopped on request. */
    STOPPING,
    /** Stopped on request. */
    STOPPED
  }

  static SupervisorEvent of(String component, Type type, long pid, String message) {
    return new SupervisorEvent(component, type, pid, message, Instant.now());
  }
}
