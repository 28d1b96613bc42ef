package io.marketprism.observability;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Prometheus metrics for every RPC a server handles, named as go-grpc-prometheus names them so that existing
 * dashboards and alerts work unchanged:
 *
 * <ul>
 *   <li>{@code grpc_server_started_total{grpc_service, grpc_method, grpc_type}}
 *   <li>{@code grpc_server_handled_total{grpc_service, grpc_method, grpc_type, grpc_code}}
 *   <li>{@code grpc_server_handling_seconds{grpc_service, grpc_method, grpc_type}} (histogram)
 * </ul>
 *
 * <p>We write this interceptor ourselves because the maintained Java one (java-grpc-prometheus) targets the retired
 * {@code simpleclient} API, and grpc-java's own grpc-opentelemetry reports through OpenTelemetry metrics, which we do
 * not export.
 *
 * <p>Thread-safe: the metric objects are thread-safe, and each call's "already recorded" flag is atomic because
 * {@code close} and {@code onCancel} may race on different threads.
 */
public final class GrpcServerMetrics implements ServerInterceptor {

  private final Counter started;
  private final Counter handled;
  private final Histogram latency;

  private GrpcServerMetrics(Counter started, Counter handled, Histogram latency) {
    this.started = started;
    this.handled = handled;
    this.latency = latency;
  }

  /** Creates the three metrics and registers them with {@code registry}. */
  public static GrpcServerMetrics register(PrometheusRegistry registry) {
    Counter started =
        Counter.builder()
            .name("grpc_server_started_total")
            .help("Total number of RPCs started on the server.")
            .labelNames("grpc_service", "grpc_method", "grpc_type")
            .register(registry);
    Counter handled =
        Counter.builder()
            .name("grpc_server_handled_total")
            .help("Total number of RPCs completed on the server, regardless of success or failure.")
            .labelNames("grpc_service", "grpc_method", "grpc_type", "grpc_code")
            .register(registry);
    Histogram latency =
        Histogram.builder()
            .name("grpc_server_handling_seconds")
            .help("Time from the start of an RPC to its completion on the server.")
            .labelNames("grpc_service", "grpc_method", "grpc_type")
            .classicOnly()
            .register(registry);
    return new GrpcServerMetrics(started, handled, latency);
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    MethodDescriptor<ReqT, RespT> method = call.getMethodDescriptor();
    String service = nonNull(method.getServiceName());
    String methodName = nonNull(method.getBareMethodName());
    String type = method.getType().name().toLowerCase(Locale.ROOT);
    started.labelValues(service, methodName, type).inc();

    long startNanos = System.nanoTime();
    AtomicBoolean recorded = new AtomicBoolean();
    Runnable observeLatency =
        () -> latency.labelValues(service, methodName, type).observe((System.nanoTime() - startNanos) / 1e9);

    ServerCall<ReqT, RespT> measured =
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            if (recorded.compareAndSet(false, true)) {
              handled.labelValues(service, methodName, type, status.getCode().name()).inc();
              observeLatency.run();
            }
            super.close(status, trailers);
          }
        };
    return new SimpleForwardingServerCallListener<>(next.startCall(measured, headers)) {
      @Override
      public void onCancel() {
        // The client went away (or the server was shut down now): close() is never called for such a call.
        if (recorded.compareAndSet(false, true)) {
          handled.labelValues(service, methodName, type, Status.Code.CANCELLED.name()).inc();
          observeLatency.run();
        }
        super.onCancel();
      }
    };
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }
}
