package io.marketprism.kit;

import io.marketprism.kit.client.Channels;
import io.marketprism.kit.health.ServiceHealth;
import io.marketprism.kit.runtime.RuntimeSettings;
import io.marketprism.observability.Telemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * What the kit hands a service while it builds its gRPC services: telemetry, health, channels to other services,
 * and the place to register resources for shutdown. Thread-safe; every part is.
 */
public final class ServiceContext {

  private final String serviceName;
  private final Telemetry telemetry;
  private final ServiceHealth health;
  private final Channels channels;
  private final ShutdownRegistry shutdown;
  private final RuntimeSettings runtimeSettings;

  ServiceContext(
      String serviceName,
      Telemetry telemetry,
      ServiceHealth health,
      Channels channels,
      ShutdownRegistry shutdown,
      RuntimeSettings runtimeSettings) {
    this.serviceName = serviceName;
    this.telemetry = telemetry;
    this.health = health;
    this.channels = channels;
    this.shutdown = shutdown;
    this.runtimeSettings = runtimeSettings;
  }

  /** The service's name, e.g. {@code data-storage}. */
  public String serviceName() {
    return serviceName;
  }

  /** Tracing and metrics (with the gRPC interceptors); see {@link Telemetry}. */
  public Telemetry telemetry() {
    return telemetry;
  }

  /** Shorthand for {@code telemetry().openTelemetry()}: for instrumenting NATS, JDBC, HTTP. */
  public OpenTelemetry openTelemetry() {
    return telemetry.openTelemetry();
  }

  /** Shorthand for {@code telemetry().metricsRegistry()}: register the service's own metrics here. */
  public PrometheusRegistry metrics() {
    return telemetry.metricsRegistry();
  }

  /** The process's {@code grpc.health.v1} status. */
  public ServiceHealth health() {
    return health;
  }

  /** Traced channels to other services: {@code channels().forService("data-storage")}. */
  public Channels channels() {
    return channels;
  }

  /**
   * Settings changed at run time through the config center ({@code runtime-config}); binding a key does nothing when
   * that is off, so a service binds its keys unconditionally.
   */
  public RuntimeSettings runtimeSettings() {
    return runtimeSettings;
  }

  /** Where to register resources the service opens; they are closed in reverse order after the server stops. */
  public ShutdownRegistry shutdown() {
    return shutdown;
  }
}
