package io.marketprism.gateway.stream;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * {@code marketprism_gateway_streams_open{method}} and {@code marketprism_gateway_streams_total{method,outcome}}
 * ({@code completed}, {@code failed}, {@code client_gone}, {@code dropped_slow}): how many live streams the gateway
 * carries and how they end. Thread-safe.
 */
final class StreamMetrics {

  private final Gauge open;
  private final Counter ended;

  StreamMetrics(PrometheusRegistry registry) {
    open =
        Gauge.builder()
            .name("marketprism_gateway_streams_open")
            .help("Live streams (SSE, WebSocket) the gateway is relaying now")
            .labelNames("method")
            .register(registry);
    ended =
        Counter.builder()
            .name("marketprism_gateway_streams_total")
            .help("Live streams ended, by outcome")
            .labelNames("method", "outcome")
            .register(registry);
  }

  void opened(String method) {
    open.labelValues(method).inc();
  }

  void ended(String method, StreamRelay.Outcome outcome) {
    open.labelValues(method).dec();
    ended.labelValues(method, outcome.name().toLowerCase(java.util.Locale.ROOT)).inc();
  }
}
