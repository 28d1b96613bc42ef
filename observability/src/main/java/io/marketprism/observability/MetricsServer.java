package io.marketprism.observability;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * The HTTP endpoint Prometheus scrapes: {@code GET /metrics} (text or protobuf exposition, by content negotiation)
 * and {@code GET /-/healthy}. Port 0 binds an ephemeral port; {@link #address()} tells which.
 */
public final class MetricsServer implements AutoCloseable {

  private final HTTPServer server;
  private final InetSocketAddress address;

  private MetricsServer(HTTPServer server, InetSocketAddress address) {
    this.server = server;
    this.address = address;
  }

  /** Binds {@code host:port} and starts serving {@code registry}. */
  public static MetricsServer start(String host, int port, PrometheusRegistry registry) {
    try {
      HTTPServer server =
          HTTPServer.builder().hostname(host).port(port).registry(registry).registerHealthHandler(true).buildAndStart();
      return new MetricsServer(server, new InetSocketAddress(host, server.getPort()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** The bound address (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return address;
  }

  /** The scrape URL, e.g. {@code http://127.0.0.1:9102/metrics}. */
  public String url() {
    return "http://" + address.getHostString() + ":" + address.getPort() + "/metrics";
  }

  @Override
  public void close() {
    server.close();
  }
}
