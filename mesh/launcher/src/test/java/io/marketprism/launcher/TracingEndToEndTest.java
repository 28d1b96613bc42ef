package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.collector.book.ResyncReason;
import io.marketprism.collector.connection.FrameTracing;
import io.marketprism.collector.exchange.FeedListener;
import io.marketprism.collector.exchange.FrameReject;
import io.marketprism.collector.exchange.binance.BinanceFeed;
import io.marketprism.gateway.ApiGatewayConfig;
import io.marketprism.gateway.ApiGatewayService;
import io.marketprism.kit.RunningService;
import io.marketprism.kit.ServiceKit;
import io.marketprism.launcher.OtlpReceiver.ReceivedSpan;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.messaging.BoundedPublisher;
import io.marketprism.messaging.MessagingSpans;
import io.marketprism.messaging.NatsConfig;
import io.marketprism.messaging.NatsConnections;
import io.marketprism.observability.RootSampler;
import io.marketprism.observability.Telemetry;
import io.marketprism.storage.DataStorageConfig;
import io.marketprism.storage.DataStorageService;
import io.marketprism.supervisor.FreePorts;
import io.marketprism.testkit.ClickHouseServer;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithClickHouse;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One trace across the system, as Jaeger would receive it: storage and the gateway run on real NATS and ClickHouse,
 * each with the SDK a service builds from its configuration ({@code Telemetry.fromEnvironment}: autoconfigure, the
 * OTLP exporter over gRPC ({@code otel.exporter.otlp.protocol=grpc}) pointed at an {@link OtlpReceiver} in this JVM by {@code otel.exporter.otlp.endpoint}, the system
 * property twin of {@code OTEL_EXPORTER_OTLP_ENDPOINT}). Checks that a REST request through the gateway is one trace
 * with spans from the gateway, storage and the ClickHouse query, each the child of the one before; and that a traced
 * trade's normalize, publish, consume and ClickHouse insert are one trace across NATS.
 *
 * <p>The services run in this JVM (as the kit runs them in a process), and the trade is normalized and published by
 * the collector's own classes ({@link FrameTracing}, {@code BinanceFeed}, {@link BoundedPublisher} with
 * {@link MessagingSpans}), exporting as {@value #PUBLISHER}: run as processes by {@code up}, the services missed the
 * supervisor's 90 s readiness deadline five times over on the shared 2-core machine (load average above 40).
 */
@WithNats
@WithClickHouse
class TracingEndToEndTest {

  /** {@code service.name} of the collector path run in this JVM. */
  private static final String PUBLISHER = "collector-under-test";

  static NatsServer nats;
  static ClickHouseServer clickHouse;

  @TempDir Path directory;

  private OtlpReceiver receiver;
  private RunningService storage;
  private RunningService gateway;
  private Workspace workspace;
  private int httpPort;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (storage != null) {
      storage.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void aRestRequestAndATradeAreEachOneTraceAcrossServicesNatsAndClickHouse() throws Exception {
    receiver = OtlpReceiver.start();
    startServices();

    restRequestIsOneTraceThroughGatewayStorageAndClickHouse();
    tradeIsOneTraceFromFrameToInsert();
  }

  /** Storage, then the gateway in front of it, each with its own SDK exporting to the receiver. */
  private void startServices() throws Exception {
    Map<String, String> otel = Map.of(
        "otel.traces.exporter", "otlp",
        "otel.exporter.otlp.endpoint", receiver.endpoint(),
        "otel.exporter.otlp.protocol", "grpc",
        // export every 200 ms rather than every 5 s, so the test waits for spans briefly
        "otel.bsp.schedule.delay", "200");
    otel.forEach(System::setProperty);
    try {
      Map<String, String> storageEnvironment = new HashMap<>();
      storageEnvironment.put("MARKETPRISM_NATS_URL", nats.url());
      storageEnvironment.put("MARKETPRISM_CLICKHOUSE_URL", clickHouse.jdbcUrl());
      storageEnvironment.put("MARKETPRISM_CLICKHOUSE_DATABASE", "tracing_test");
      storageEnvironment.put("MARKETPRISM_INGEST_DURABLE", "tracing-test");
      storageEnvironment.put("MARKETPRISM_INGEST_FLUSH_INTERVAL", "50ms");
      storageEnvironment.put("MARKETPRISM_GRPC_PORT", "0");
      storageEnvironment.put("MARKETPRISM_METRICS_ENABLED", "false");
      storage = ServiceKit.builder(new DataStorageService(),
              io.marketprism.kit.config.ConfigLoader.load(DataStorageConfig.class, null, storageEnvironment))
          .telemetry(Telemetry.fromEnvironment("data-storage", "test"))
          .start();

      workspace = new Workspace(CommandRun.repository(), directory.resolve("workspace"));
      GatewaySecrets.ensure(workspace);
      httpPort = FreePorts.allocate();
      Map<String, String> gatewayEnvironment = new HashMap<>(GatewaySecrets.environment(workspace));
      gatewayEnvironment.put("MARKETPRISM_GRPC_PORT", "0");
      gatewayEnvironment.put("MARKETPRISM_HTTP_PORT", Integer.toString(httpPort));
      gatewayEnvironment.put("MARKETPRISM_METRICS_ENABLED", "false");
      gatewayEnvironment.put("MARKETPRISM_PEERS_DATA_STORAGE", "127.0.0.1:" + storage.grpcAddress().getPort());
      gateway = ServiceKit.builder(new ApiGatewayService(),
              io.marketprism.kit.config.ConfigLoader.load(ApiGatewayConfig.class, null, gatewayEnvironment))
          .telemetry(Telemetry.fromEnvironment("api-gateway", "test"))
          .start();
    } finally {
      otel.keySet().forEach(System::clearProperty);
    }
  }

  private void tradeIsOneTraceFromFrameToInsert() throws Exception {
    publishOneTracedTrade();

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {

      List<ReceivedSpan> spans = receiver.spans();
      ReceivedSpan process = spans.stream()
          .filter(span -> span.service().equals("data-storage") && span.name().equals("process md.trade"))
          .filter(span -> parentOf(spans, span).isPresent())
          .filter(span -> insertOf(spans, span).isPresent())
          .findFirst()
          .orElseThrow(() -> new AssertionError("no stored trade traced from its publish yet"));

      ReceivedSpan publish = parentOf(spans, process).orElseThrow();
      assertThat(publish.service()).isEqualTo(PUBLISHER);
      assertThat(publish.name()).isEqualTo("publish md.trade");
      assertThat(publish.kind()).isEqualTo(SpanKind.SPAN_KIND_PRODUCER);
      assertThat(publish.attribute("messaging.system")).isEqualTo("nats");
      assertThat(publish.attribute("messaging.operation.name")).isEqualTo("publish");
      assertThat(publish.attribute("messaging.destination.name")).startsWith("md.trade.");
      assertThat(publish.attribute("messaging.message.id")).isNotBlank();
      ReceivedSpan normalize = parentOf(spans, publish).orElseThrow();
      assertThat(normalize.name()).isEqualTo("normalize binance");
      assertThat(normalize.parentSpanId()).isEmpty();

      assertThat(process.kind()).isEqualTo(SpanKind.SPAN_KIND_CONSUMER);
      assertThat(process.attribute("messaging.message.id")).isEqualTo(publish.attribute("messaging.message.id"));

      ReceivedSpan insert = insertOf(spans, process).orElseThrow();
      ReceivedSpan store = parentOf(spans, insert).orElseThrow();
      assertThat(store.name()).isEqualTo("store trades");
      assertThat(store.parentSpanId()).isEqualTo(process.spanId());
      assertThat(store.linkedSpanIds()).contains(process.spanId());
      assertThat(List.of(normalize, publish, process, store, insert)).extracting(ReceivedSpan::traceId)
          .containsOnly(normalize.traceId());
      assertThat(insert.kind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
      assertThat(insert.attribute("db.system")).isEqualTo("clickhouse");
      assertThat(insert.attribute("db.operation.name")).isEqualTo("INSERT");
    });
  }

  private void restRequestIsOneTraceThroughGatewayStorageAndClickHouse() throws Exception {
    String token = GatewaySecrets.mintToken(workspace, "tracing-test", "reader", Duration.ofHours(1),
        Clock.systemUTC());
    String traceId = HexFormat.of().formatHex(randomBytes(16));
    String callerSpanId = HexFormat.of().formatHex(randomBytes(8));
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/trades/binance/BTC-USDT?limit=5"))
            .header("Authorization", "Bearer " + token)
            .header("traceparent", "00-" + traceId + "-" + callerSpanId + "-01")
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      List<ReceivedSpan> trace = receiver.spans().stream().filter(span -> span.traceId().equals(traceId)).toList();
      ReceivedSpan edge = only(trace, span -> span.service().equals("api-gateway")
          && span.kind() == SpanKind.SPAN_KIND_SERVER);
      assertThat(edge.parentSpanId()).isEqualTo(callerSpanId);
      ReceivedSpan upstream = only(trace, span -> span.service().equals("api-gateway")
          && span.kind() == SpanKind.SPAN_KIND_CLIENT);
      assertThat(upstream.parentSpanId()).isEqualTo(edge.spanId());
      ReceivedSpan rpc = only(trace, span -> span.service().equals("data-storage")
          && span.kind() == SpanKind.SPAN_KIND_SERVER);
      assertThat(rpc.name()).isEqualTo("marketprism.storage.v1.StorageService/ListTrades");
      assertThat(rpc.parentSpanId()).isEqualTo(upstream.spanId());
      ReceivedSpan query = only(trace, span -> span.service().equals("data-storage")
          && span.kind() == SpanKind.SPAN_KIND_CLIENT);
      assertThat(query.parentSpanId()).isEqualTo(rpc.spanId());
      assertThat(query.attribute("db.system")).isEqualTo("clickhouse");
      assertThat(query.attribute("db.operation.name")).isEqualTo("SELECT");
      assertThat(query.name()).startsWith("SELECT ");
    });
  }

  /**
   * A Binance trade frame through the collector's frame tracing (ratio 1: traced), normalization and JetStream
   * publisher, into the NATS storage consumes.
   */
  private void publishOneTracedTrade() throws Exception {
    Resource resource = Resource.getDefault().merge(Resource.create(
        Attributes.of(AttributeKey.stringKey("service.name"), PUBLISHER)));
    try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .setResource(resource)
            .addSpanProcessor(SimpleSpanProcessor.create(
                OtlpGrpcSpanExporter.builder().setEndpoint(receiver.endpoint()).build()))
            .build())
        .build()) {
      NatsConfig natsConfig = new NatsConfig().withUrl(nats.url());
      try (Connection connection = NatsConnections.connect(natsConfig, PUBLISHER, new PrometheusRegistry());
          BoundedPublisher publisher = BoundedPublisher.start(connection, natsConfig.publisher(), new PrometheusRegistry(),
              new MessagingSpans(sdk))) {
        BinanceFeed feed = new BinanceFeed(new FeedListener() {
          @Override
          public void onEvent(MarketEvent event) {
            publisher.publish(event);
          }

          @Override
          public void onReject(FrameReject reject) {
            throw new AssertionError("frame rejected: " + reject);
          }

          @Override
          public void resyncNeeded(String exchange, String nativeSymbol, ResyncReason reason, String detail) {}
        });
        long now = System.currentTimeMillis();
        String frame = "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":" + now
            + ",\"s\":\"BTCUSDT\",\"t\":" + now + ",\"p\":\"42000.10\",\"q\":\"0.25\",\"T\":" + now
            + ",\"m\":true,\"M\":true}}";
        new FrameTracing(sdk, RootSampler.ratio(1)).handle(feed, frame, now * 1_000_000);
        assertThat(publisher.flush(Duration.ofSeconds(30))).as("acked by JetStream").isTrue();
        assertThat(publisher.acked()).isEqualTo(1);
      }
    }
  }

  private static Optional<ReceivedSpan> parentOf(List<ReceivedSpan> spans, ReceivedSpan child) {
    return spans.stream()
        .filter(span -> span.traceId().equals(child.traceId()) && span.spanId().equals(child.parentSpanId()))
        .findFirst();
  }

  /**
   * The ClickHouse insert of the batch that stored {@code process}'s message, when that message was the batch's first
   * traced one (its process span is then the parent of the batch's store span; later ones are only linked).
   */
  private static Optional<ReceivedSpan> insertOf(List<ReceivedSpan> spans, ReceivedSpan process) {
    return spans.stream()
        .filter(span -> span.name().equals("store trades") && span.parentSpanId().equals(process.spanId()))
        .flatMap(store -> spans.stream().filter(span -> span.traceId().equals(store.traceId())
            && span.parentSpanId().equals(store.spanId()) && span.kind() == SpanKind.SPAN_KIND_CLIENT))
        .findFirst();
  }

  private static ReceivedSpan only(List<ReceivedSpan> spans, java.util.function.Predicate<ReceivedSpan> which) {
    List<ReceivedSpan> matching = spans.stream().filter(which).toList();
    assertThat(matching).as("spans of the trace: %s", spans).hasSize(1);
    return matching.get(0);
  }

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    ThreadLocalRandom.current().nextBytes(bytes);
    bytes[0] |= 1; // never all zeros, which W3C calls invalid
    return bytes;
  }
}
