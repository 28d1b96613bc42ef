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
  private final boolean owned;

  private RunningSystem(Path workspace, Path config, String gatewayUrl, String simulatorUrl, boolean owned) {
    this.workspace = workspace;
    this.config = config;
    this.gatewayUrl = gatewayUrl;
    this.simulatorUrl = simulatorUrl;
    this.owned = owned;
  }

  /**
   * The system of {@code -Dmarketprism.test.system=DIR} when set (a directory holding the {@code marketprism.yaml} and
   * {@code workspace} of a system started by hand with {@code up --detach}, left running afterwards: for iterating on
   * browser tests without waiting for start-up), else a new one from {@link #up}.
   */
  static RunningSystem attachOrUp(Path directory, Map<String, Map<String, String>> environment) throws IOException {
    String attach = System.getProperty("marketprism.test.system", "");
    if (attach.isEmpty()) {
      return up(directory, environment);
    }
    Path existing = Path.of(attach);
    return locate(existing.resolve("workspace"), existing.resolve("marketprism.yaml"), false);
  }

  /**
   * The data's path (simulator, collector, storage), the control plane's registry and the gateway, without the mesh
   * (plaintext, as {@code up --no-mesh}): on a loaded two-core machine more JVMs, or the mesh, did not all come up within
   * the supervisor's 90 s readiness timeout, and the console sees the same gateway either way. Scheduler, monitoring,
   * broker and config center are not run: the gateway answers their routes UNAVAILABLE, which the console shows in words. Extra environment variables per service name; fails the test if up fails.
   */
  static RunningSystem up(Path directory, Map<String, Map<String, String>> environment) throws IOException {
    List<String> services =
        List.of("control-plane", "exchange-simulator", "data-storage", "market-data-collector", "api-gateway");
    return up(directory, "mesh: {enabled: false}\n", services, environment);
  }

  /**
   * {@code services} started by {@code up --detach} with {@code settings} (top-level marketprism.yaml lines such as
   * {@code mesh:}) before the free-port NATS, ClickHouse and services blocks. Every JVM runs on C1 only: each reaches
   * readiness on less CPU, which is what a shared machine runs short of.
   */
  static RunningSystem up(Path directory, String settings, List<String> services,
      Map<String, Map<String, String>> environment) throws IOException {
    Path workspace = directory.resolve("workspace");
    Path config =
        Files.writeString(
            directory.resolve("marketprism.yaml"),
            settings + "jvm-options: [-Xmx256m, -XX:+UseSerialGC, -XX:TieredStopAtLevel=1]\n"
                + FreePortServices.config(services, environment));
    CommandRun up = CommandRun.run(workspace, config, "up", "--detach");
    if (up.exitCode() != 0) {
      new RunningSystem(workspace, config, null, null, true).close();
      throw new AssertionError("up --detach failed:\n" + up.out() + "\n" + up.err());
    }
    return locate(workspace, config, true);
  }

  private static RunningSystem locate(Path workspace, Path config, boolean owned) throws IOException {
    JsonNode status = JSON.readTree(CommandRun.run(workspace, config, "status", "--json").out());
    String gateway = null;
    for (JsonNode service : status.get("services")) {
      if (service.get("name").asText().equals("api-gateway")) {
        gateway = service.get("http").asText();
      }
    }
    assertThat(gateway).as("the gateway's HTTP address in status --json").isNotNull();
    int feedPort = new YAMLMapper().readTree(config.toFile()).at("/services/exchange-simulator/feed-port").asInt();
    return new RunningSystem(workspace, config, gateway, "http://127.0.0.1:" + feedPort, owned);
  }

  /** The workspace {@code up} was given. */
  Path workspace() {
    return workspace;
  }

  /** The marketprism.yaml {@code up} was given. */
  Path config() {
    return config;
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

  /** A REST call through the gateway with a JSON body ({@code POST}, {@code PUT}); fails the test unless it is 200. */
  JsonNode send(String method, String path, String token, String json) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(gatewayUrl + path))
                .method(method, HttpRequest.BodyPublishers.ofString(json))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(200);
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
    if (!owned) {
      return;
    }
    CommandRun down = CommandRun.run(workspace, config, "down");
    if (down.exitCode() != 0) {
      System.err.println("down failed: " + down.err());
    }
  }
}
