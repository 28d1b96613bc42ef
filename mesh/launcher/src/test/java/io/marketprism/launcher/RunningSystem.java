package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A whole MarketPrism started by the real {@code up --detach} in a temporary workspace, every port free, for tests
 * that need a running system (the console's browser tests); {@link #close} runs {@code down}.
 */
final class RunningSystem implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Path workspace;
  private final Path config;
  private final String gatewayUrl;
  private final String simulatorUrl;

  private RunningSystem(Path workspace, Path config, String gatewayUrl, String simulatorUrl) {
    this.workspace = workspace;
    this.config = config;
    this.gatewayUrl = gatewayUrl;
    this.simulatorUrl = simulatorUrl;
  }

  /**
   * The services the console calls — the data's path (simulator, collector, storage), the control plane's registry,
   * scheduler and monitoring, and the gateway — without the mesh (plaintext, as {@code up --no-mesh}): on a loaded
   * two-core machine nine JVMs in the mesh do not all come up within the supervisor's readiness timeout, and the console
   * sees the same gateway either way. Extra environment variables per service name; fails the test if up fails.
   */
  static RunningSystem up(Path directory, Map<String, Map<String, String>> environment) throws IOException {
    Path workspace = directory.resolve("workspace");
    List<String> services =
        List.of(
            "control-plane", "exchange-simulator", "data-storage", "market-data-collector", "scheduler", "monitoring",
            "api-gateway");
    Path config =
        Files.writeString(
            directory.resolve("marketprism.yaml"),
            "mesh: {enabled: false}\n" + FreePortServices.config(services, environment));
    CommandRun up = CommandRun.run(workspace, config, "up", "--detach");
    RunningSystem system = new RunningSystem(workspace, config, null, null);
    if (up.exitCode() != 0) {
      system.close();
      throw new AssertionError("up --detach failed:\n" + up.out() + "\n" + up.err());
    }
    JsonNode status = JSON.readTree(CommandRun.run(workspace, config, "status", "--json").out());
    String gateway = null;
    for (JsonNode service : status.get("services")) {
      if (service.get("name").asText().equals("api-gateway")) {
        gateway = service.get("http").asText();
      }
    }
    assertThat(gateway).as("the gateway's HTTP address in status --json").isNotNull();
    int feedPort = new YAMLMapper().readTree(config.toFile()).at("/services/exchange-simulator/feed-port").asInt();
    return new RunningSystem(workspace, config, gateway, "http://127.0.0.1:" + feedPort);
  }

  /** The gateway's base URL, where the console is served. */
  String gatewayUrl() {
    return gatewayUrl;
  }

  /** A token from {@code ./marketprism token --role <role>}. */
  String token(String role) {
    CommandRun token = CommandRun.run(workspace, config, "token", "--role", role, "--subject", role + "-tester");
    assertThat(token.exitCode()).as(token.err()).isZero();
    return token.out().trim();
  }

  /** A REST GET through the gateway, as the console makes it. */
  JsonNode get(String path, String token) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(gatewayUrl + path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** A POST to the exchange simulator's fault controls ({@code /admin/faults}, ...). */
  void simulatorAdmin(String path, String json) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(simulatorUrl + path))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("POST %s: %s", path, response.body()).isEqualTo(200);
  }

  @Override
  public void close() {
    CommandRun down = CommandRun.run(workspace, config, "down");
    if (down.exitCode() != 0) {
      System.err.println("down failed: " + down.err());
    }
  }
}
