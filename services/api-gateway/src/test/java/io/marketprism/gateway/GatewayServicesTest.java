package io.marketprism.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.marketprism.broker.MessageBrokerConfig;
import io.marketprism.broker.MessageBrokerService;
import io.marketprism.controlplane.ControlPlane;
import io.marketprism.kit.RunningService;
import io.marketprism.kit.ServiceKit;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.monitoring.MonitoringConfig;
import io.marketprism.monitoring.MonitoringService;
import io.marketprism.scheduler.SchedulerConfig;
import io.marketprism.scheduler.SchedulerService;
import io.marketprism.storage.DataStorageConfig;
import io.marketprism.storage.DataStorageService;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.storage.v1.StorageServiceGrpc;
import io.marketprism.testkit.ClickHouseServer;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithClickHouse;
import io.marketprism.testkit.WithNats;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway in front of real services on real NATS and ClickHouse — storage, broker, scheduler, monitoring and the
 * control plane's registry — reached over REST, gRPC and SSE as users reach them, and fuzzed with malformed requests.
 */
@WithNats
@WithClickHouse
class GatewayServicesTest {

  static NatsServer natsServer;
  static ClickHouseServer clickHouseServer;
  @TempDir static Path dir;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<AutoCloseable> running = new ArrayList<>();
  private static GatewayHarness gateway;

  @BeforeAll
  static void start() throws Exception {
    String database = "gateway_test";
    clickHouseServer.query("DROP DATABASE IF EXISTS " + database);
    Map<String, String> storageEnv = new HashMap<>(base());
    storageEnv.put("MARKETPRISM_CLICKHOUSE_URL", clickHouseServer.jdbcUrl());
    storageEnv.put("MARKETPRISM_CLICKHOUSE_DATABASE", database);
    storageEnv.put("MARKETPRISM_INGEST_DURABLE", database);
    storageEnv.put("MARKETPRISM_INGEST_FLUSH_INTERVAL", "50ms");
    RunningService storage =
        started(ServiceKit.builder(new DataStorageService(), ConfigLoader.load(DataStorageConfig.class, null, storageEnv)));
    RunningService broker =
        started(ServiceKit.builder(new MessageBrokerService(), ConfigLoader.load(MessageBrokerConfig.class, null, base())));
    RunningService scheduler =
        started(ServiceKit.builder(new SchedulerService(), ConfigLoader.load(SchedulerConfig.class, null, base())));
    RunningService monitoring =
        started(ServiceKit.builder(new MonitoringService(), ConfigLoader.load(MonitoringConfig.class, null, base())));
    ControlPlane controlPlane =
        ControlPlane.start(
            ControlPlane.Settings.defaults(natsServer.url())
                .withBucket("gateway-services-" + UUID.randomUUID().toString().substring(0, 8))
                .withPolicyFile(Files.writeString(dir.resolve("mesh-policy.yaml"), "defaults: {mtls: DISABLE}\n")));
    running.add(controlPlane);
    NettyServerBuilder registryBuilder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    controlPlane.grpcServices().forEach(registryBuilder::addService);
    Server registry = registryBuilder.build().start();
    running.add(registry::shutdownNow);

    Map<String, String> peers = new LinkedHashMap<>();
    peers.put("data-storage", address(storage));
    peers.put("message-broker", address(broker));
    peers.put("scheduler", address(scheduler));
    peers.put("monitoring", address(monitoring));
    peers.put("control-plane", "127.0.0.1:" + registry.getPort());
    gateway =
        new GatewayHarness(
            dir,
            peers,
            Map.of(),
            // the fuzz sends thousands of requests a second: room for them, so they reach routing and validation
            """
            traffic:
              rate-limits:
                per-role:
                  reader: {capacity: 100000, period: 1s}
                  operator: {capacity: 100000, period: 1s}
                  admin: {capacity: 100000, period: 1s}
            """);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
  }

  @Test
  void tradesWrittenOverRestAreReadBackMostRecentFirstPageInTimeOrder() throws Exception {
    String symbol = "REST" + System.nanoTime() % 100_000 + "-USDT";
    StringBuilder trades = new StringBuilder();
    for (int id = 1; id <= 8; id++) {
      trades.append(id == 1 ? "" : ",").append(tradeJson(symbol, id));
    }
    AggregatedHttpResponse written =
        post("/v1/trades:write", "{\"trades\":[" + trades + "]}", gateway.bearer("operator"));
    assertThat(written.status().code()).as(written.contentUtf8()).isEqualTo(200);
    assertThat(JSON.readTree(written.contentUtf8()).get("accepted").asInt()).isEqualTo(8);

    String path = "/v1/trades/binance/" + symbol + "?limit=5";
    await().atMost(Duration.ofSeconds(30)).until(() -> tradeIds(get(path, gateway.bearer("reader"))).size() == 5);
    assertThat(tradeIds(get(path, gateway.bearer("reader")))).containsExactly("4", "5", "6", "7", "8");

    // the same trades written again are recognised by their natural key
    AggregatedHttpResponse again = post("/v1/trades:write", "{\"trades\":[" + trades + "]}", gateway.bearer("operator"));
    assertThat(JSON.readTree(again.contentUtf8()).get("duplicates").asInt()).isEqualTo(8);
  }

  @Test
  void readerMayNotWriteAndAnonymousMayNotRead() throws Exception {
    AggregatedHttpResponse denied =
        post("/v1/trades:write", "{\"trades\":[" + tradeJson("DENY-USDT", 1) + "]}", gateway.bearer("reader"));
    assertThat(denied.status().code()).isEqualTo(403);
    assertThat(JSON.readTree(denied.contentUtf8()).get("message").asText())
        .contains("may not call marketprism.storage.v1.StorageService/WriteTrades");

    AggregatedHttpResponse anonymous = gateway.client().get("/v1/trades/binance/BTC-USDT");
    assertThat(anonymous.status().code()).isEqualTo(401);
    assertThat(anonymous.headers().get(HttpHeaderNames.WWW_AUTHENTICATE)).startsWith("Bearer");
  }

  @Test
  void storagesFieldViolationsReachTheRestCaller() throws Exception {
    AggregatedHttpResponse response = get("/v1/trades/BINANCE!/BTC-USDT?limit=-1", gateway.bearer("reader"));

    assertThat(response.status().code()).isEqualTo(400);
    JsonNode detail = JSON.readTree(response.contentUtf8()).get("details").get(0);
    assertThat(detail.get("@type").asText()).isEqualTo("type.googleapis.com/google.rpc.BadRequest");
    assertThat(detail.get("fieldViolations").findValuesAsText("field")).contains("exchange", "limit");
  }

  @Test
  void everyServiceIsReachedAtItsRestPaths() throws Exception {
    String reader = gateway.bearer("reader");
    String operator = gateway.bearer("operator");

    AggregatedHttpResponse streams = get("/v1/broker/streams", reader);
    assertThat(streams.status().code()).isEqualTo(200);
    assertThat(streams.contentUtf8()).contains("\"MARKET_DATA\"");

    AggregatedHttpResponse stream = get("/v1/broker/streams/MARKET_DATA", reader);
    assertThat(JSON.readTree(stream.contentUtf8()).get("stream").get("config").get("subjects").get(0).asText()).isEqualTo("md.>");

    AggregatedHttpResponse stats = get("/v1/storage/stats", reader);
    assertThat(stats.status().code()).isEqualTo(200);

    AggregatedHttpResponse instances = get("/v1/registry/instances", reader);
    assertThat(instances.status().code()).isEqualTo(200);

    // the scheduler lists its built-in tasks; monitoring its alerts
    AggregatedHttpResponse tasks = get("/v1/scheduler/tasks", operator);
    assertThat(tasks.status().code()).isEqualTo(200);
    assertThat(tasks.contentUtf8()).contains("storage-archive-daily");
    AggregatedHttpResponse alerts = get("/v1/monitoring/alerts", reader);
    assertThat(alerts.status().code()).isEqualTo(200);
  }

  @Test
  void grpcClientsReadThroughTheSamePort() throws Exception {
    ManagedChannel channel = gateway.grpcChannel("reader");
    try {
      var response =
          StorageServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .listTrades(ListTradesRequest.newBuilder().setExchange("binance").setSymbol("NONE-USDT").setLimit(1).build());
      assertThat(response.getTradesList()).isEmpty();
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void liveTradesArriveAsServerSentEvents() throws Exception {
    String symbol = "SSE" + System.nanoTime() % 100_000 + "-USDT";
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(gateway.uri() + "/v1/events/binance/" + symbol + ":follow?data_types=DATA_TYPE_TRADE"))
            .header("Accept", "text/event-stream")
            .header("Authorization", gateway.bearer("reader"))
            .build();
    HttpResponse<java.io.InputStream> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    ConcurrentLinkedQueue<String> tradeIds = new ConcurrentLinkedQueue<>();
    CompletableFuture<Void> reading =
        CompletableFuture.runAsync(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  if (line.startsWith("data: ")) {
                    JSON.readTree(line.substring(6)).get("events").forEach(
                        e -> tradeIds.add(e.get("trade").get("trade_id").asText()));
                  }
                }
              } catch (Exception closed) {
                // the test closes the stream when it has seen enough
              }
            });
    // the follow starts from now: write until the stream shows the trades
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              post("/v1/trades:write", "{\"trades\":[" + tradeJson(symbol, 1) + "," + tradeJson(symbol, 2) + "]}",
                  gateway.bearer("operator"));
              return tradeIds.contains("1") && tradeIds.contains("2");
            });
    response.body().close();
    reading.cancel(true);
  }

  @Test
  void tenThousandMalformedRequestsCauseNoServerErrorAndLeaveMemoryBounded() throws Exception {
    String admin = gateway.bearer("admin");
    GatewayFuzzer fuzzer = new GatewayFuzzer(gateway.httpPort, admin, 20260612L);
    long heapBefore = usedHeapAfterGc();

    long started = System.nanoTime();
    GatewayFuzzer.Result result = fuzzer.run(10_000, 4);
    System.out.printf(
        "fuzz: %d requests in %d ms, answers by status %s, 504 to a deadline of <= 1 us as asked %d, other 504s %d"
            + " (e.g. %s), closed without an answer %d%n",
        result.sent(), (System.nanoTime() - started) / 1_000_000, new java.util.TreeMap<>(result.byStatus()),
        result.askedForDeadlines(), result.timeouts(), result.timeoutSamples(), result.unanswered());

    assertThat(result.sent()).isGreaterThanOrEqualTo(10_000);
    assertThat(result.serverErrors()).as("5xx answers to malformed input: %s", result.serverErrorSamples()).isZero();
    // a route's deadline passing on this busy 2-core machine is no verdict on the input, but it must stay rare
    assertThat(result.timeouts()).as("504s of %s: %s", result.byStatus(), result.timeoutSamples())
        .isLessThan(result.sent() / 100);
    // most requests got past the edge and were judged by routing or the service, not turned away wholesale
    assertThat(result.byStatus().getOrDefault(429, 0)).isZero();
    assertThat(result.byStatus().keySet()).contains(400, 404, 405);
    long heapGrowth = usedHeapAfterGc() - heapBefore;
    assertThat(heapGrowth).as("heap growth in bytes").isLessThan(64L << 20);
    // and the gateway still serves
    assertThat(get("/v1/broker/streams", gateway.bearer("reader")).status().code()).isEqualTo(200);
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private static String tradeJson(String symbol, int id) {
    long time = 1_765_000_000_000_000_000L + id * 1_000_000L;
    return """
        {"exchange":"binance","symbol":"%s","native_symbol":"%s","trade_id":"%d","side":"SIDE_BUY",\
        "price":"42219.9000000%d","amount":"0.5","exchange_time_ns":"%d","receive_time_ns":"%d"}"""
        .formatted(symbol, symbol.replace("-", ""), id, id, time, time + 1000);
  }

  private static List<String> tradeIds(AggregatedHttpResponse response) throws Exception {
    List<String> ids = new ArrayList<>();
    JsonNode trades = JSON.readTree(response.contentUtf8()).get("trades");
    if (trades != null) {
      trades.forEach(t -> ids.add(t.get("trade_id").asText()));
    }
    return ids;
  }

  private static AggregatedHttpResponse get(String path, String authorization) {
    return gateway.client().execute(
        RequestHeaders.builder(HttpMethod.GET, path).set(HttpHeaderNames.AUTHORIZATION, authorization).build());
  }

  private static AggregatedHttpResponse post(String path, String body, String authorization) {
    return gateway.client().execute(
        RequestHeaders.builder(HttpMethod.POST, path)
            .set(HttpHeaderNames.AUTHORIZATION, authorization)
            .contentType(MediaType.JSON_UTF_8)
            .build(),
        body);
  }

  private static Map<String, String> base() {
    Map<String, String> env = new HashMap<>();
    env.put("MARKETPRISM_NATS_URL", natsServer.url());
    env.put("MARKETPRISM_GRPC_PORT", "0");
    env.put("MARKETPRISM_METRICS_ENABLED", "false");
    return env;
  }

  private static RunningService started(ServiceKit<?> kit) throws Exception {
    RunningService service = kit.start();
    running.add(service);
    return service;
  }

  private static String address(RunningService service) {
    return "127.0.0.1:" + service.grpcAddress().getPort();
  }
}
