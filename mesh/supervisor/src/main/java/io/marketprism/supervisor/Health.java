package io.marketprism.supervisor;

/**
 * A service's health as {@code grpc.health.v1.Health/Check} reports it, plus {@link #DOWN} for a
 * service that cannot be reached at all. The names are what {@code marketprism status --json}
 * prints.
 */
public enum Health {
  SERVING,
  NOT_SERVING,
  UNKNOWN,
  SERVICE_UNKNOWN,
  /** Nothing answered on the port, or the call did not finish within its deadline. */
  DOWN
}
