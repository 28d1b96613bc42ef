package io.marketprism.observability;

import io.grpc.ClientInterceptor;
import io.grpc.ServerInterceptor;
import io.marketprism.observability.logging.LogSetup;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Everything a service needs to be observable, made once per process: the OpenTelemetry SDK, the Prometheus
 * registry (with JVM metrics), and the gRPC interceptors that trace and measure every RPC.
 *
 * <p>gRPC tracing uses OpenTelemetry's maintained instrumentation ({@code opentelemetry-grpc-1.6}): a server span per
 * handled RPC, a client span per outgoing RPC, W3C {@code traceparent} carried in the metadata.
 *
 * <p>Thread-safe; immutable after construction. {@link #close()} flushes spans that are still queued.
 */
public final class Telemetry implements AutoCloseable {

  private final String serviceName;
  private final OpenTelemetrySdk openTelemetry;
  private final PrometheusRegistry registry;
  private final GrpcTelemetry grpcTelemetry;
  private final GrpcServerMetrics serverMetrics;

  private Telemetry(String serviceName, OpenTelemetrySdk openTelemetry, PrometheusRegistry registry) {
    this.serviceName = serviceName;
    this.openTelemetry = openTelemetry;
    this.registry = registry;
    // no span event per message: a stream (Watch, FollowEvents, the gateway's relays) lives for hours on one span,
    // which keeps only its first 128 events yet paid for every one; a config center's fan-out paid it 10,000 times
    this.grpcTelemetry = GrpcTelemetry.builder(openTelemetry).setEmitMessageEvents(false).build();
    this.serverMetrics = GrpcServerMetrics.register(registry);
  }

  /**
   * The production set-up: the SDK from {@code OTEL_*} variables (see {@link OpenTelemetryFactory}), a fresh registry
   * with JVM metrics, and the service's name on every log line.
   */
  public static Telemetry fromEnvironment(String serviceName, String serviceVersion) {
    LogSetup.setServiceName(serviceName);
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    return new Telemetry(serviceName, OpenTelemetryFactory.fromEnvironment(serviceName, serviceVersion), registry);
  }

  /** Wraps an SDK and a registry built elsewhere, e.g. a test's in-memory span exporter. */
  public static Telemetry of(String serviceName, OpenTelemetrySdk openTelemetry, PrometheusRegistry registry) {
    return new Telemetry(serviceName, openTelemetry, registry);
  }

  /** The service this telemetry describes ({@code service.name}). */
  public String serviceName() {
    return serviceName;
  }

  /** The OpenTelemetry API for libraries that instrument themselves (NATS, JDBC, HTTP clients). */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** A tracer for the service's own spans; {@code scope} is usually the instrumented package or class. */
  public Tracer tracer(String scope) {
    return openTelemetry.getTracer(scope);
  }

  /** The registry {@code /metrics} serves; services register their own metrics here. */
  public PrometheusRegistry metricsRegistry() {
    return registry;
  }

  /**
   * Interceptors for a gRPC server, outermost first: tracing (so everything after it runs inside the server span),
   * then metrics. Add them with {@code ServerInterceptors.interceptForward} or in reverse order to a
   * {@code ServerBuilder} (whose last-added interceptor runs first).
   */
  public List<ServerInterceptor> serverInterceptors() {
    return List.of(grpcTelemetry.createServerInterceptor(), serverMetrics);
  }

  /** The interceptor for every outgoing call: a client span, and {@code traceparent} sent to the callee. */
  public ClientInterceptor clientInterceptor() {
    return grpcTelemetry.createClientInterceptor();
  }

  /** Exports queued spans (waiting up to 5 seconds) and shuts the SDK down. */
  @Override
  public void close() {
    openTelemetry.shutdown().join(5, TimeUnit.SECONDS);
  }
}
