package io.marketprism.monitoring.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver that refuses (HTTP 500) the first deliveries it is told to, then takes every one; it records
 * what it took and how many attempts it saw.
 */
public final class WebhookReceiver implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final AtomicInteger toRefuse = new AtomicInteger();
  private final AtomicInteger attempts = new AtomicInteger();
  private final List<JsonNode> accepted = new CopyOnWriteArrayList<>();

  public WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      attempts.incrementAndGet();
      if (toRefuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        exchange.sendResponseHeaders(500, -1);
      } else {
        accepted.add(JSON.readTree(body));
        exchange.sendResponseHeaders(200, -1);
      }
      exchange.close();
    });
    server.start();
  }

  /** Refuses the next {@code n} deliveries (Integer.MAX_VALUE: until told otherwise). */
  public void refuse(int n) {
    toRefuse.set(n);
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  public int attempts() {
    return attempts.get();
  }

  /** Deliveries taken, in order (Alertmanager webhook JSON). */
  public List<JsonNode> accepted() {
    return List.copyOf(accepted);
  }

  /** How many taken deliveries list alert {@code fingerprint} with {@code status} (firing or resolved). */
  public long count(String fingerprint, String status) {
    return accepted.stream().filter(body -> {
      for (JsonNode alert : body.path("alerts")) {
        if (alert.path("fingerprint").asText().equals(fingerprint) && alert.path("status").asText().equals(status)) {
          return true;
        }
      }
      return false;
    }).count();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
