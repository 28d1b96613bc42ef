package io.marketprism.gateway.policy;

import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * {@code marketprism_gateway_requests_total{route,status}} and {@code marketprism_gateway_request_duration_seconds
 * {route}} on the service's Prometheus registry. The route is the gRPC method when the request reached one, else the
 * server's route pattern — never the raw path, which would make a label per symbol. Thread-safe.
 */
final class RouteMetrics {

  private final Counter requests;
  private final Histogram duration;

  RouteMetrics(PrometheusRegistry registry) {
    requests =
        Counter.builder()
            .name("marketprism_gateway_requests_total")
            .help("Requests the gateway answered, by route and HTTP status")
            .labelNames("route", "status")
            .register(registry);
    duration =
        Histogram.builder()
            .name("marketprism_gateway_request_duration_seconds")
            .help("Time from the request's arrival to the end of its response, by route")
            .labelNames("route")
            .register(registry);
  }

  void record(ServiceRequestContext ctx) {
    ctx.log()
        .whenComplete()
        .thenAccept(
            (RequestLog log) -> {
              String route = routeOf(ctx);
              requests.labelValues(route, Integer.toString(log.responseHeaders().status().code())).inc();
              duration.labelValues(route).observe(log.totalDurationNanos() / 1e9);
            });
  }

  static String routeOf(ServiceRequestContext ctx) {
    String method = ctx.attr(RequestAttributes.METHOD);
    return method != null ? method : ctx.config().route().patternString();
  }
}
