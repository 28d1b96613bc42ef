package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.marketprism.client.MarketPrismClient;
import io.marketprism.kit.client.XdsChannelFactory;
import io.marketprism.kit.config.MeshConfig;
import io.marketprism.launcher.OtlpReceiver.ReceivedSpan;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.storage.v1.ListTradesResponse;
import io.marketprism.supervisor.FreePorts;
import io.marketprism.supervisor.GrpcHealthClient;
import io.marketprism.supervisor.Health;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole system, started once by the real launcher as {@code ./marketprism up --detach} starts it (every
 * catalog service from its module's {@code target/}, the exchange simulator as the feed, the mesh with mTLS STRICT,
 * every port free, a temporary workspace), checked as a user would check it: live trades over REST, through the Java
 * client SDK joining the mesh as an operator and through {@code buf curl} with server reflection; a live SSE stream;
 * a subscription put in the config center applied by the running collector; a scheduled task's run; an alert firing
 * when the feed stops; traces exported over OTLP/gRPC with spans from the gateway, storage and the collector; every
 * service SERVING; then {@code down} leaves no process. The checks run in order on the one system; the last one
 * stops it.
 *
 * <p>Run alone: {@code mvn -B -o -pl mesh/launcher test -Dtest=FullSystemTest} after {@code mvn -B -o install
 * -DskipTests} (the launcher runs every service module's packaged {@code target/}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FullSystemTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Generous: the machine is shared, and a first call through a fresh mesh waits for xDS. */
  private static final Duration PATIENCE = Duration.ofMinutes(2);

  /** Services that export their spans to {@link #traces}. */
  private static final List<String> TRACED =
      List.of("api-gateway", "data-storage", "market-data-collector", "scheduler");

  /** Offered by the simulator (with this test's markets) but not among the collector's default subscriptions. */
  private static final String UNSUBSCRIBED_SYMBOL = "ETH-USDT";

  @TempDir static Path directory;

  private static OtlpReceiver traces;
  private static RunningSystem system;
  private static long startedNs;

  @BeforeAll
  static void upTheWholeSystem() throws IOException {
    traces = OtlpReceiver.start();
    startedNs = System.currentTimeMillis() * 1_000_000L;
    system = RunningSystem.up(directory, "mesh: {enabled: true, plaintext-ads-port: " + FreePorts.allocate() + "}\n",
        servicesToRun(), environment());
  }

  @AfterAll
  static void stopWhateverIsLeft() {
    if (system != null) {
      system.close();
    }
    if (traces != null) {
      traces.close();
    }
  }

  /**
   * Spans of the gateway, storage and the collector exported over OTLP/gRPC every 200 ms; the collector traces one
   * frame in a hundred; the simulator also offers OKX ETH-USDT, and runs at 10 events a second per symbol, which is
   * plenty for a test and spares the shared CPU.
   */
  private static Map<String, Map<String, String>> environment() {
    Map<String, Map<String, String>> environment = new HashMap<>();
    for (String service : TRACED) {
      environment.put(service, new HashMap<>(Map.of(
          "OTEL_EXPORTER_OTLP_ENDPOINT", traces.endpoint(),
          "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
          "OTEL_BSP_SCHEDULE_DELAY", "200")));
    }
    environment.get("market-data-collector").put("MARKETPRISM_TRACING_SAMPLING_RATIO", "0.01");
    environment.put("exchange-simulator", Map.of(
        "MARKETPRISM_MARKETS_OKX", "BTC-USDT,BTC-USDT-SWAP," + UNSUBSCRIBED_SYMBOL,
        "MARKETPRISM_RATE_PER_SYMBOL", "10"));
    return environment;
  }

  @Test
  @Order(1)
  void everyServiceIsServingInTheMeshAndRefusesPlaintext() throws Exception {
    JsonNode json = status();
    assertThat(json.get("services").findValuesAsText("name")).containsExactlyElementsOf(servicesToRun());
    assertThat(json.get("services").findValuesAsText("health")).containsOnly("SERVING");
    assertThat(json.get("infrastructure").findValuesAsText("health")).containsExactly("UP", "UP");
    // health is probed on plaintext health ports; the gRPC ports want mTLS
    assertThat(json.get("mesh").get("enabled").asBoolean()).isTrue();
    for (JsonNode service : json.get("services")) {
      String name = service.get("name").asText();
      if (name.equals(ServiceCatalog.CONTROL_PLANE)) {
        continue;
      }
      assertThat(service.has("health_address")).as(name).isTrue();
      String[] address = service.get("address").asText().split(":");
      assertThat(GrpcHealthClient.checkOnce(address[0], Integer.parseInt(address[1]), Duration.ofSeconds(2)))
          .as("plaintext health check on %s's mTLS port", name)
          .isEqualTo(Health.DOWN);
      assertThat(system.workspace().resolve("certs").resolve(name).resolve("cert.pem")).isRegularFile();
    }
  }

  @Test
  @Order(2)
  void liveTradesOverRestThroughTheGateway() {
    String reader = system.token("reader");

    await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() ->
        assertLiveTrades(system.get("/v1/trades/binance/BTC-USDT?limit=5", reader).get("trades"), "binance",
            "BTC-USDT", "exchange_time_ns"));
  }

  @Test
  @Order(3)
  void liveTradesThroughTheJavaClientJoiningTheMeshAsAnOperator() throws Exception {
    Path operator = issueOperatorCertificate("java-client");
    OperatorBootstrap.install(address(ServiceCatalog.CONTROL_PLANE), operator);
    ManagedChannel mesh = new XdsChannelFactory(new MeshConfig()).create("data-storage");
    try {
      MarketPrismClient client = MarketPrismClient.wrap(mesh, Duration.ofSeconds(20));
      await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
        ListTradesResponse page = client.storage().listTrades(
            ListTradesRequest.newBuilder().setExchange("binance").setSymbol("BTC-USDT").setLimit(5).build());
        assertThat(page.getTradesList()).isNotEmpty().allSatisfy(trade -> {
          assertThat(trade.getSymbol()).isEqualTo("BTC-USDT");
          assertThat(trade.getExchangeTimeNs()).as("produced after the system started").isGreaterThan(startedNs);
        });
      });
    } finally {
      mesh.shutdownNow();
    }
  }

  @Test
  @Order(4)
  void bufCurlListsTradesThroughServerReflectionWithAnOperatorCertificate() throws Exception {
    Path operator = issueOperatorCertificate("buf");
    Path buf = CommandRun.repository().resolve("node_modules/.bin/buf");
    assertThat(buf).as("buf, installed by scripts/install-deps").isExecutable();
    List<String> command = List.of(buf.toString(), "curl", "--protocol", "grpc",
        "--cacert", operator.resolve("ca.pem").toString(),
        "--cert", operator.resolve("cert.pem").toString(),
        "--key", operator.resolve("key.pem").toString(),
        "-d", "{\"exchange\":\"binance\",\"symbol\":\"BTC-USDT\",\"limit\":5}",
        "https://" + address("data-storage") + "/marketprism.storage.v1.StorageService/ListTrades");

    await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(out).isZero();
      assertLiveTrades(JSON.readTree(out).get("trades"), "binance", "BTC-USDT", "exchangeTimeNs");
    });
  }

  @Test
  @Order(5)
  void aLiveSseStreamFromTheGatewayDeliversTrades() throws Exception {
    HttpRequest follow = HttpRequest.newBuilder(URI.create(system.gatewayUrl()
            + "/v1/events/binance/BTC-USDT:follow?data_types=DATA_TYPE_TRADE"))
        .header("Authorization", "Bearer " + system.token("reader"))
        .header("Accept", "text/event-stream")
        .build();
    HttpResponse<Stream<String>> response = HTTP.send(follow, HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> lines = response.body()) {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
          type -> assertThat(type).startsWith("text/event-stream"));
      CompletableFuture<String> firstTrade = CompletableFuture.supplyAsync(() -> lines
          .filter(line -> line.startsWith("data:"))
          .findFirst()
          .orElseThrow());
      JsonNode event = JSON.readTree(firstTrade.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).substring(5));
      assertThat(event.findValue("trade")).as("a trade event: %s", event).isNotNull();
      assertThat(event.findValue("symbol").asText()).isEqualTo("BTC-USDT");
      assertThat(Long.parseLong(event.findValue("exchange_time_ns").asText())).isGreaterThan(startedNs);
    }
  }

  @Test
  @Order(6)
  void aSubscriptionPutInTheConfigCenterIsAppliedLiveByTheCollector() throws Exception {
    String reader = system.token("reader");
    String tradesPath = "/v1/trades/okx/" + UNSUBSCRIBED_SYMBOL + "?limit=5";
    assertThat(system.get(tradesPath, reader).path("trades")).as("not subscribed yet").isEmpty();

    system.send("PUT", "/v1/config/prod/market-data-collector/subscriptions", system.token("admin"),
        JSON.writeValueAsString(Map.of("value",
            "[{exchange: okx, symbols: [" + UNSUBSCRIBED_SYMBOL + "], data-types: [trade]}]")));

    await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertLiveTrades(system.get(tradesPath, reader).get("trades"), "okx", UNSUBSCRIBED_SYMBOL,
            "exchange_time_ns"));
  }

  @Test
  @Order(7)
  void anIntervalTaskCreatedThroughRestRunsSuccessfully() throws Exception {
    String admin = system.token("admin");
    createListTradesTask(admin, "full-system-list-trades", "2s");

    await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(system.get("/v1/scheduler/tasks/full-system-list-trades/runs", admin).path("runs")
                .findValuesAsText("state"))
            .contains("RUN_STATE_SUCCEEDED"));
  }

  @Test
  @Order(8)
  void tracesCrossTheGatewaySchedulerStorageAndCollector() throws Exception {
    String traceId = HexFormat.of().formatHex(randomId(16));
    String callerSpanId = HexFormat.of().formatHex(randomId(8));
    tracedCall("GET", "/v1/trades/binance/BTC-USDT?limit=5", system.token("reader"), traceId, callerSpanId);

    await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      List<ReceivedSpan> trace = spansOf(traceId);
      ReceivedSpan edge = only(trace, "api-gateway", SpanKind.SPAN_KIND_SERVER);
      assertThat(edge.parentSpanId()).isEqualTo(callerSpanId);
      ReceivedSpan upstream = only(trace, "api-gateway", SpanKind.SPAN_KIND_CLIENT);
      ReceivedSpan rpc = only(trace, "data-storage", SpanKind.SPAN_KIND_SERVER);
      assertThat(rpc.name()).isEqualTo("marketprism.storage.v1.StorageService/ListTrades");
      assertThat(rpc.parentSpanId()).isEqualTo(upstream.spanId());
      ReceivedSpan query = only(trace, "data-storage", SpanKind.SPAN_KIND_CLIENT);
      assertThat(query.parentSpanId()).isEqualTo(rpc.spanId());
      assertThat(query.attribute("db.system")).isEqualTo("clickhouse");
    });

    // the collector's sampled frames: its publish is the parent of storage's process span, across NATS
    await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      List<ReceivedSpan> spans = traces.spans();
      assertThat(spans.stream()
              .filter(span -> span.service().equals("data-storage") && span.name().equals("process md.trade"))
              .map(process -> parentOf(spans, process))
              .flatMap(Optional::stream)
              .filter(publish -> publish.service().equals("market-data-collector")))
          .as("a trade published by the collector and consumed by storage, in one trace")
          .isNotEmpty()
          .allSatisfy(publish -> assertThat(publish.name()).isEqualTo("publish md.trade"));
    });

    aTriggeredTaskIsOneTraceThroughGatewaySchedulerAndStorage();
  }

  /**
   * A task triggered through REST: the gateway's call to the scheduler, the trigger handed to the leader (in the
   * trigger signal), the run's call to storage and storage's query are one trace across three services.
   */
  private static void aTriggeredTaskIsOneTraceThroughGatewaySchedulerAndStorage() throws Exception {
    String admin = system.token("admin");
    createListTradesTask(admin, "full-system-traced", "3600s"); // fires only when triggered during the test
    String traceId = HexFormat.of().formatHex(randomId(16));
    tracedCall("POST", "/v1/scheduler/tasks/full-system-traced:trigger", admin, traceId,
        HexFormat.of().formatHex(randomId(8)));

    await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      List<ReceivedSpan> trace = spansOf(traceId);
      ReceivedSpan toScheduler = only(trace, "api-gateway", SpanKind.SPAN_KIND_CLIENT);
      ReceivedSpan trigger = only(trace, "scheduler", SpanKind.SPAN_KIND_SERVER);
      assertThat(trigger.name()).isEqualTo("marketprism.scheduler.v1.SchedulerService/TriggerTask");
      assertThat(trigger.parentSpanId()).isEqualTo(toScheduler.spanId());
      ReceivedSpan runCall = only(trace, "scheduler", SpanKind.SPAN_KIND_CLIENT);
      assertThat(runCall.parentSpanId()).as("the run's call continues the trigger").isEqualTo(trigger.spanId());
      ReceivedSpan listTrades = only(trace, "data-storage", SpanKind.SPAN_KIND_SERVER);
      assertThat(listTrades.name()).isEqualTo("marketprism.storage.v1.StorageService/ListTrades");
      assertThat(listTrades.parentSpanId()).isEqualTo(runCall.spanId());
    });
  }

  @Test
  @Order(9)
  void anAlertFiresWhenTheFeedStops() throws Exception {
    String admin = system.token("admin");
    Map<String, Object> rule = Map.of(
        "rule_id", "full-system-feed-stale",
        "threshold", Map.of(
            "metric", "marketprism_feed_staleness_seconds",
            "matchers", List.of(
                Map.of("name", "exchange", "value", "binance", "type", "MATCH_TYPE_EQUAL"),
                Map.of("name", "symbol", "value", "BTC-USDT", "type", "MATCH_TYPE_EQUAL"),
                Map.of("name", "type", "value", "trade", "type", "MATCH_TYPE_EQUAL")),
            "comparison", "COMPARISON_GREATER",
            "threshold", 10),
        "evaluation_interval", "5s",
        "severity", "SEVERITY_WARNING");
    system.send("POST", "/v1/monitoring/alert-rules", admin, JSON.writeValueAsString(rule));
    assertThat(firingAlerts(admin)).as("the feed is live").doesNotContain("full-system-feed-stale");

    // every market-data frame cut in half: the collector reads nothing it can normalize
    system.simulatorAdmin("/admin/faults", "{\"malformed-frame-probability\":1,\"malformed-kind\":\"invalid-json\"}");
    try {
      await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
          assertThat(firingAlerts(admin)).contains("full-system-feed-stale"));
      theConsoleShowsTheFiringAlert();
    } finally {
      system.simulatorAdmin("/admin/faults", "{\"malformed-frame-probability\":0}");
    }
  }

  /**
   * The web console, served by the gateway in the mesh, shows the firing alert on its operations page (its alerts
   * table refreshes every 5 s) — what an operator would look at.
   */
  private static void theConsoleShowsTheFiringAlert() throws IOException {
    try (ConsoleBrowser browser = new ConsoleBrowser(system.gatewayUrl())) {
      browser.logIn(system.token("operator"));
      browser.awaitElement(By.cssSelector("#tape"));
      browser.open("operations");
      await()
          .atMost(PATIENCE)
          .pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions() // a row read while the table is redrawn is gone: look again
          .until(
              () ->
                  browser.all(By.cssSelector("#alerts tr.stale td:first-child")).stream()
                      .anyMatch(cell -> cell.getText().equals("full-system-feed-stale")));
      browser.screenshot("full-system-alert");
    }
  }

  @Test
  @Order(10)
  void downLeavesNoProcessBehind() throws Exception {
    RunState state = RunState.read(system.workspace().resolve("run/state.json")).orElseThrow();
    assertThat(state.phase()).isEqualTo(RunState.RUNNING);
    List<ProcessHandle> processes = new ArrayList<>();
    processes.add(ProcessHandle.of(state.supervisorPid()).orElseThrow());
    state.components().forEach(component -> processes.add(ProcessHandle.of(component.pid()).orElseThrow()));
    assertThat(processes).hasSize(servicesToRun().size() + 3).allMatch(ProcessHandle::isAlive);

    CommandRun down = CommandRun.run(system.workspace(), system.config(), "down");

    assertThat(down.exitCode()).as(down.err()).isZero();
    assertThat(processes).noneMatch(ProcessHandle::isAlive);
    assertThat(system.workspace().resolve("run/supervisor.pid")).doesNotExist();
    assertThat(RunState.read(system.workspace().resolve("run/state.json")).orElseThrow().phase())
        .isEqualTo(RunState.STOPPED);
    assertThat(system.workspace().resolve("clickhouse/data")).isDirectory();
  }

  private static JsonNode status() throws IOException {
    CommandRun status = CommandRun.run(system.workspace(), system.config(), "status", "--json");
    assertThat(status.exitCode()).as(status.err()).isZero();
    return JSON.readTree(status.out());
  }

  /** A service's gRPC {@code host:port}, from {@code status --json}. */
  private static String address(String service) throws IOException {
    for (JsonNode entry : status().get("services")) {
      if (entry.get("name").asText().equals(service)) {
        return entry.get("address").asText();
      }
    }
    throw new AssertionError("no " + service + " in status --json");
  }

  /** {@code ./marketprism pki issue --name NAME}: an operator's certificate from the workspace CA. */
  private static Path issueOperatorCertificate(String name) {
    Path out = directory.resolve("operators").resolve(name);
    CommandRun issued = CommandRun.run(system.workspace(), system.config(), "pki", "issue", "--name", name,
        "--out", out.toString());
    assertThat(issued.exitCode()).as(issued.err()).isZero();
    return out;
  }

  /** Trades of {@code symbol} that the simulator produced after the system started, prices as exact decimals. */
  private static void assertLiveTrades(JsonNode trades, String exchange, String symbol, String timeField) {
    assertThat(trades).as("trades").isNotNull().isNotEmpty();
    for (JsonNode trade : trades) {
      assertThat(trade.get("exchange").asText()).isEqualTo(exchange);
      assertThat(trade.get("symbol").asText()).isEqualTo(symbol);
      assertThat(trade.get("price").asText()).as("an exact decimal string").matches("\\d+(\\.\\d+)?");
      assertThat(Long.parseLong(trade.get(timeField).asText())).as("produced after the system started")
          .isGreaterThan(startedNs);
    }
  }

  private static List<String> firingAlerts(String token) throws Exception {
    List<String> firing = new ArrayList<>();
    for (JsonNode alert : system.get("/v1/monitoring/alerts", token).path("alerts")) {
      if (alert.path("state").asText().equals("ALERT_STATE_FIRING")) {
        firing.add(alert.path("rule_id").asText());
      }
    }
    return firing;
  }

  /** A task through REST that calls storage's ListTrades every {@code interval} (a proto JSON duration). */
  private static void createListTradesTask(String admin, String taskId, String interval) throws Exception {
    Map<String, Object> task = Map.of(
        "task_id", taskId,
        "schedule", Map.of("interval", interval),
        "target", Map.of(
            "service", "data-storage",
            "method", "marketprism.storage.v1.StorageService/ListTrades",
            "request_json", "{\"exchange\":\"binance\",\"symbol\":\"BTC-USDT\",\"limit\":1}",
            "timeout", "20s"));
    system.send("POST", "/v1/scheduler/tasks", admin, JSON.writeValueAsString(task));
  }

  /** A call through the gateway as the child of a caller's span ({@code traceparent}); fails unless it is 200. */
  private static void tracedCall(String method, String path, String token, String traceId, String callerSpanId)
      throws Exception {
    HttpResponse<String> response = HTTP.send(
        HttpRequest.newBuilder(URI.create(system.gatewayUrl() + path))
            .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString("{}"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .header("traceparent", "00-" + traceId + "-" + callerSpanId + "-01")
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(200);
  }

  private static List<ReceivedSpan> spansOf(String traceId) {
    return traces.spans().stream().filter(span -> span.traceId().equals(traceId)).toList();
  }

  private static ReceivedSpan only(List<ReceivedSpan> spans, String service, SpanKind kind) {
    List<ReceivedSpan> matching =
        spans.stream().filter(span -> span.service().equals(service) && span.kind() == kind).toList();
    assertThat(matching).as("%s %s spans of the trace: %s", service, kind, spans).hasSize(1);
    return matching.get(0);
  }

  private static Optional<ReceivedSpan> parentOf(List<ReceivedSpan> spans, ReceivedSpan child) {
    return spans.stream()
        .filter(span -> span.traceId().equals(child.traceId()) && span.spanId().equals(child.parentSpanId()))
        .findFirst();
  }

  private static byte[] randomId(int size) {
    byte[] bytes = new byte[size];
    ThreadLocalRandom.current().nextBytes(bytes);
    bytes[0] |= 1; // never all zeros, which W3C calls invalid
    return bytes;
  }

  /** Every catalog service, unless told to use only those already built. */
  private static List<String> servicesToRun() {
    if (!Boolean.getBoolean("marketprism.e2e.onlyBuiltServices")) {
      List<String> unbuilt = ServiceCatalog.SERVICES.stream()
          .filter(service -> !isBuilt(service))
          .map(ServiceDefinition::moduleDir)
          .toList();
      assertThat(unbuilt).as("service modules without a built main class (package them first)").isEmpty();
      return ServiceCatalog.names();
    }
    return ServiceCatalog.SERVICES.stream().filter(FullSystemTest::isBuilt).map(ServiceDefinition::name).toList();
  }

  private static boolean isBuilt(ServiceDefinition service) {
    Path target = CommandRun.repository().resolve(service.moduleDir()).resolve("target");
    Path jar = target.resolve(service.artifactId() + "-" + LauncherVersion.get() + ".jar");
    if (!Files.isRegularFile(jar) || !Files.isRegularFile(target.resolve("classpath.txt"))) {
      return false;
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.getEntry(service.mainClass().replace('.', '/') + ".class") != null;
    } catch (IOException e) {
      return false;
    }
  }
}
