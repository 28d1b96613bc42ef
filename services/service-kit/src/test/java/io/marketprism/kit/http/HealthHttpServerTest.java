package io.marketprism.kit.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.marketprism.kit.health.ServiceHealth;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthHttpServerTest {

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void healthzFollowsTheOverallStatusThroughStartAndDrain() throws Exception {
    ServiceHealth health = new ServiceHealth();
    try (HealthHttpServer server = HealthHttpServer.start("127.0.0.1", 0, health)) {
      assertThat(get(server, "/healthz")).isEqualTo("503 {\"status\":\"NOT_SERVING\"}");

      health.markServing(List.of("marketprism.test.v1.TestService"));
      assertThat(get(server, "/healthz")).isEqualTo("200 {\"status\":\"SERVING\"}");

      health.drain();
      health.set(ServiceHealth.OVERALL, ServingStatus.SERVING);
      assertThat(get(server, "/healthz")).isEqualTo("503 {\"status\":\"NOT_SERVING\"}");
    }
  }

  @Test
  void otherPathsAreNotFound() throws Exception {
    try (HealthHttpServer server = HealthHttpServer.start("127.0.0.1", 0, new ServiceHealth())) {
      assertThat(get(server, "/metrics")).startsWith("404 ");
    }
  }

  private String get(HealthHttpServer server, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }
}
