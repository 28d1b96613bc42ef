package io.marketprism.clients.polyglot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.launcher.ServiceCatalog;
import io.marketprism.launcher.ServiceDefinition;
import io.marketprism.launcher.Workspace;
import io.marketprism.supervisor.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Python and Node clients' list-trades examples, run as a user runs them against a whole system that {@code
 * ./marketprism up --detach} started on free ports in the mesh (mTLS STRICT, the exchange simulator as the feed): through the mesh —
 * an {@code xds:///data-storage} channel bootstrapped from the workspace's {@code xds/bootstrap-plaintext-ads.json}
 * (ADS from the control plane's plaintext loopback port, mTLS to storage with the workspace's xds-client certificate)
 * — and through the gateway's REST door with a reader token. Each must print trades of binance BTC-USDT that the
 * simulator produced after the system started.
 *
 * <p>Needs what {@code scripts/install-deps} installs: node with the root {@code node_modules}, Debian's python3 with
 * python3-grpcio, protoc and grpc_python_plugin.
 */
class PolyglotClientsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A first call waits for xDS, and a busy machine's ClickHouse can time out a query: a few tries are fair. */
  private static final Duration LISTING = Duration.ofMinutes(3);

  private static final Duration ONE_RUN = Duration.ofSeconds(90);

  /** status, token: quick commands, given a busy machine's JVM start. */
  private static final Duration COMMAND = Duration.ofMinutes(1);

  @TempDir static Path directory;

  private static Path workspace;
  private static Path config;
  private static long startedNs;
  private static String gateway;
  private static String readerToken;

  @BeforeAll
  static void startTheSystem() throws Exception {
    workspace = directory.resolve("workspace");
    config = Files.writeString(directory.resolve("marketprism.yaml"), freePortConfig());
    startedNs = System.currentTimeMillis() * 1_000_000L;
    Marketprism.run(workspace, config, Duration.ofMinutes(20), "up", "--detach");

    JsonNode status = JSON.readTree(Marketprism.run(workspace, config, COMMAND, "status", "--json").out());
    assertThat(status.get("mesh").get("enabled").asBoolean()).isTrue();
    for (JsonNode service : status.get("services")) {
      if (service.get("name").asText().equals("api-gateway")) {
        gateway = service.get("http").asText();
      }
    }
    assertThat(gateway).as("the gateway's URL in status --json").startsWith("http://127.0.0.1:");
    readerToken = Marketprism.run(workspace, config, COMMAND, "token", "--role", "reader").out().strip();
  }

  @AfterAll
  static void stopTheSystem() throws Exception {
    if (config != null) {
      Marketprism.run(workspace, config, Duration.ofMinutes(2), "down");
    }
  }

  static Stream<Arguments> clientsAndDoors() {
    return Stream.of(
        Arguments.of("python", "mesh"),
        Arguments.of("python", "gateway"),
        Arguments.of("node", "mesh"),
        Arguments.of("node", "gateway"));
  }

  @ParameterizedTest(name = "{0} lists live trades through the {1}")
  @MethodSource("clientsAndDoors")
  void listsLiveTrades(String client, String door) {
    List<String> command = new ArrayList<>(switch (client) {
      case "python" -> List.of(python(), "clients/python/examples/list_trades.py");
      case "node" -> List.of("node", "clients/node/examples/list-trades.js");
      default -> throw new IllegalArgumentException(client);
    });
    command.addAll(List.of(door.equals("mesh") ? "xds:///data-storage" : gateway, "binance", "BTC-USDT", "5"));
    Map<String, String> environment = Map.of(
        "GRPC_XDS_BOOTSTRAP", new Workspace(Marketprism.repository(), workspace).xdsClientBootstrap().toString(),
        "MARKETPRISM_TOKEN", door.equals("gateway") ? readerToken : "");

    AtomicReference<ProcessRun> last = new AtomicReference<>();
    await().atMost(LISTING).pollInterval(Duration.ofSeconds(2)).until(() -> {
      ProcessRun run = ProcessRun.run(command, Marketprism.repository(), environment, ONE_RUN);
      last.set(run);
      return run.exitCode() == 0 && !run.lines().isEmpty();
    });

    ProcessRun run = last.get();
    for (String line : run.lines()) {
      JsonNode trade = readJson(line, run);
      assertThat(trade.get("exchange").asText()).as(line).isEqualTo("binance");
      assertThat(trade.get("symbol").asText()).as(line).isEqualTo("BTC-USDT");
      assertThat(trade.get("price").asText()).as("an exact decimal string: %s", line).matches("\\d+(\\.\\d+)?");
      assertThat(Long.parseLong(trade.get("exchange_time_ns").asText()))
          .as("produced by the simulator after the system started: %s", line).isGreaterThan(startedNs);
    }
  }

  private static JsonNode readJson(String line, ProcessRun run) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not a JSON trade: " + line + "\n" + run, e);
    }
  }

  /** Debian's python3, where python3-grpcio is installed, rather than a pyenv or venv one earlier on PATH. */
  private static String python() {
    return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
  }

  /** Every service on a free port, the plaintext ADS port too, so a real MarketPrism on this host is never met. */
  private static String freePortConfig() {
    Iterator<Integer> ports = FreePorts.allocate(5 + 4 * ServiceCatalog.SERVICES.size()).iterator();
    StringBuilder yaml = new StringBuilder();
    yaml.append("nats: {port: %d, monitor-port: %d}\n".formatted(ports.next(), ports.next()));
    yaml.append("clickhouse: {http-port: %d, tcp-port: %d}\n".formatted(ports.next(), ports.next()));
    yaml.append("jvm-options: [-Xmx192m, -XX:+UseSerialGC, -XX:TieredStopAtLevel=1]\n");
    yaml.append("mesh: {enabled: true, plaintext-ads-port: %d}\n".formatted(ports.next()));
    yaml.append("services:\n");
    for (ServiceDefinition service : ServiceCatalog.SERVICES) {
      yaml.append("  %s:\n    grpc-port: %d\n    metrics-port: %d\n    health-port: %d\n"
          .formatted(service.name(), ports.next(), ports.next(), ports.next()));
      int extra = ports.next();
      service.extraPort().ifPresent(port -> yaml.append("    %s: %d\n".formatted(port.configKey(), extra)));
    }
    return yaml.toString();
  }
}
