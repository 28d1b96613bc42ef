package io.marketprism.launcher;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One component as recorded in {@code run/state.json}.
 *
 * @param name {@code nats}, {@code clickhouse} or a service name
 * @param kind {@link #INFRASTRUCTURE} or {@link #SERVICE}
 * @param address its main endpoint, {@code 127.0.0.1:<port>}
 * @param endpoints further named endpoints ({@code http}, {@code admin}, {@code monitor}, {@code
 *     tcp}, {@code health_address} of a mesh service, ...)
 * @param pid the OS process id while it runs, else -1
 * @param startedAt the process's start instant as the OS reports it (guards against pid reuse), or
 *     null
 * @param status PENDING, STARTING, READY, CRASHED, RESTARTING, FAILED, STOPPING or STOPPED
 * @param message the last thing the supervisor said about it
 * @param log its log file
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComponentState(
    String name,
    String kind,
    String address,
    Map<String, String> endpoints,
    long pid,
    String startedAt,
    String status,
    String message,
    String log) {

  public static final String INFRASTRUCTURE = "infrastructure";
  public static final String SERVICE = "service";

  /**
   * The endpoint naming a mesh service's plaintext {@code grpc.health.v1} port ({@code host:port});
   * its gRPC port requires a client certificate.
   */
  public static final String HEALTH_ADDRESS = "health_address";

  /** The control plane's read-only plaintext ADS address on 127.0.0.1, with the mesh on (docs/clients.md). */
  public static final String PLAINTEXT_ADS = "plaintext_ads";

  public ComponentState {
    endpoints = endpoints == null ? Map.of() : Map.copyOf(endpoints);
  }

  /** Where a plaintext health check reaches the component: its health port, else its address. */
  String healthCheckAddress() {
    return endpoints.getOrDefault(HEALTH_ADDRESS, address);
  }

  ComponentState with(String newStatus, long newPid, String newStartedAt, String newMessage) {
    return new ComponentState(
        name, kind, address, endpoints, newPid, newStartedAt, newStatus, newMessage, log);
  }
}
