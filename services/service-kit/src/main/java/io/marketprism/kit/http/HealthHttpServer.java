package io.marketprism.kit.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.marketprism.kit.health.ServiceHealth;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A plain HTTP endpoint answering {@code GET /healthz} with the process's overall health: {@code 200
 * {"status":"SERVING"}} or {@code 503} with the status that is not serving.
 *
 * <p>For a service whose HTTP port is part of its interface (the gateway's REST port, the control plane's admin port)
 * before that interface exists, and for load balancers and probes that speak HTTP, not gRPC. Serves on one small
 * thread; closing it stops the listener at once.
 */
public final class HealthHttpServer implements AutoCloseable {

  private final HttpServer server;

  private HealthHttpServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts listening on {@code host:port} ({@code port} 0 picks a free one).
   *
   * @throws IOException when the address cannot be bound
   */
  public static HealthHttpServer start(String host, int port, ServiceHealth health) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.createContext("/healthz", exchange -> answer(exchange, health));
    server.createContext("/", exchange -> respond(exchange, 404, "{\"error\":\"not found; try /healthz\"}"));
    server.start();
    return new HealthHttpServer(server);
  }

  /** The bound address, with the real port. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static void answer(HttpExchange exchange, ServiceHealth health) throws IOException {
    if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
      respond(exchange, 405, "{\"error\":\"only GET\"}");
      return;
    }
    ServingStatus status = health.status(ServiceHealth.OVERALL);
    int code = status == ServingStatus.SERVING ? 200 : 503;
    respond(exchange, code, "{\"status\":\"" + status.name() + "\"}");
  }

  private static void respond(HttpExchange exchange, int code, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(code, head ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(body);
      }
    }
  }
}
