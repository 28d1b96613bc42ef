package io.marketprism.storage;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.marketprism.kit.RunningService;
import io.marketprism.kit.ServiceKit;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.marketdata.v1.BookDelta;
import io.marketprism.marketdata.v1.BookSnapshot;
import io.marketprism.marketdata.v1.Level;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.Side;
import io.marketprism.marketdata.v1.Ticker;
import io.marketprism.marketdata.v1.Trade;
import io.marketprism.messaging.BoundedPublisher;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.NatsConfig;
import io.marketprism.messaging.NatsConnections;
import io.marketprism.observability.Telemetry;
import io.marketprism.storage.clickhouse.ClickHouse;
import io.marketprism.storage.schema.Migrations;
import io.marketprism.storage.v1.StorageServiceGrpc;
import io.marketprism.testkit.ClickHouseServer;
import io.nats.client.Connection;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A data-storage service running in the test JVM against the shared test servers, with a database and consumer
 * names of its own, plus a publisher and a gRPC client.
 */
public final class StorageFixture implements AutoCloseable {

  public static final long DAY_NS = 86_400_000_000_000L;
  /** 2023-11-14 00:00:00 UTC. */
  public static final long DAY_20231114 = 1_699_920_000_000_000_000L;

  public final RunningService service;
  public final Connection nats;
  public final BoundedPublisher publisher;
  public final ManagedChannel channel;
  public final StorageServiceGrpc.StorageServiceBlockingStub storage;
  public final String database;
  /** Spans the service ended. */
  public final InMemorySpanExporter spans;
  /** The service's metrics registry (what its {@code /metrics} would serve). */
  public final PrometheusRegistry metrics;

  private StorageFixture(RunningService service, Connection nats, BoundedPublisher publisher, String database,
      InMemorySpanExporter spans, PrometheusRegistry metrics) {
    this.spans = spans;
    this.metrics = metrics;
    this.service = service;
    this.nats = nats;
    this.publisher = publisher;
    this.database = database;
    this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", service.grpcAddress().getPort()).usePlaintext()
        .build();
    this.storage = StorageServiceGrpc.newBlockingStub(channel);
  }

  /** The environment a storage instance of {@code database} gets. */
  public static Map<String, String> environment(String natsUrl, String clickHouseUrl, String database) {
    Map<String, String> environment = new HashMap<>();
    environment.put("MARKETPRISM_NATS_URL", natsUrl);
    environment.put("MARKETPRISM_CLICKHOUSE_URL", clickHouseUrl);
    environment.put("MARKETPRISM_CLICKHOUSE_DATABASE", database);
    environment.put("MARKETPRISM_INGEST_DURABLE", database);
    environment.put("MARKETPRISM_INGEST_FLUSH_INTERVAL", "50ms");
    environment.put("MARKETPRISM_GRPC_PORT", "0");
    environment.put("MARKETPRISM_METRICS_ENABLED", "false");
    return environment;
  }

  public static StorageFixture start(String natsUrl, String clickHouseUrl, String database,
      Map<String, String> overrides) throws Exception {
    Map<String, String> environment = environment(natsUrl, clickHouseUrl, database);
    environment.putAll(overrides);
    DataStorageConfig config = ConfigLoader.load(DataStorageConfig.class, null, environment);
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    PrometheusRegistry metrics = new PrometheusRegistry();
    RunningService service = ServiceKit.builder(new DataStorageService(), config)
        .telemetry(Telemetry.of("data-storage", openTelemetry, metrics))
        .start();
    NatsConfig natsConfig = new NatsConfig().withUrl(natsUrl);
    Connection connection = NatsConnections.connect(natsConfig, "storage-test-publisher", new PrometheusRegistry());
    DefaultStreams.ensure(connection, natsConfig.streams());
    BoundedPublisher publisher =
        BoundedPublisher.start(connection, natsConfig.publisher(), new PrometheusRegistry());
    return new StorageFixture(service, connection, publisher, database, spans, metrics);
  }

  /** A client of {@code database}, created afresh (dropped first) and migrated, for tests below the service. */
  public static ClickHouse freshDatabase(ClickHouseServer server, String database) throws Exception {
    server.query("DROP DATABASE IF EXISTS " + database);
    ClickHouse clickHouse = new ClickHouse(server.jdbcUrl(), Duration.ofSeconds(30));
    Migrations.apply(clickHouse, database);
    return clickHouse;
  }

  /** Publishes and waits for the stream's acks. */
  public void publish(Iterable<MarketEvent> events) throws InterruptedException {
    for (MarketEvent event : events) {
      if (!publisher.publish(event)) {
        throw new IllegalStateException("publisher shed an event");
      }
    }
    if (!publisher.flush(Duration.ofSeconds(30))) {
      throw new IllegalStateException("publisher did not flush");
    }
  }

  @Override
  public void close() throws Exception {
    channel.shutdownNow();
    publisher.close();
    nats.close();
    service.close();
  }

  public static MarketEvent trade(String symbol, long id, long timeNs, String price, String amount, Side side) {
    return MarketEvent.newBuilder()
        .setTrade(Trade.newBuilder()
            .setExchange("binance")
            .setSymbol(symbol)
            .setNativeSymbol(symbol.replace("-", ""))
            .setTradeId(Long.toString(id))
            .setSide(side)
            .setPrice(price)
            .setAmount(amount)
            .setExchangeTimeNs(timeNs)
            .setReceiveTimeNs(timeNs + 1_000_000))
        .build();
  }

  public static MarketEvent trade(String symbol, long id, long timeNs) {
    return trade(symbol, id, timeNs, "42219.9" + (id % 9 + 1), "0.0" + (id % 9 + 1), id % 2 == 0 ? Side.SIDE_BUY
        : Side.SIDE_SELL);
  }

  public static MarketEvent ticker(String symbol, long timeNs, String bid, String ask) {
    return MarketEvent.newBuilder()
        .setTicker(Ticker.newBuilder().setExchange("okx").setSymbol(symbol).setNativeSymbol(symbol)
            .setBidPrice(bid).setBidAmount("1.5").setAskPrice(ask).setAskAmount("2")
            .setExchangeTimeNs(timeNs).setReceiveTimeNs(timeNs + 5).setLastSequence(timeNs))
        .build();
  }

  public static MarketEvent snapshot(String symbol, long timeNs, long sequence, int levels) {
    BookSnapshot.Builder book = BookSnapshot.newBuilder().setExchange("okx").setSymbol(symbol)
        .setNativeSymbol(symbol).setExchangeTimeNs(timeNs).setReceiveTimeNs(timeNs + 7).setLastSequence(sequence)
        .setChecksum(-12345).setDepth(levels);
    for (int i = 0; i < levels; i++) {
      book.addBids(Level.newBuilder().setPrice(Integer.toString(100 - i)).setAmount("1." + (i + 1)));
      book.addAsks(Level.newBuilder().setPrice(Integer.toString(101 + i)).setAmount("2." + (i + 1)));
    }
    return MarketEvent.newBuilder().setBookSnapshot(book).build();
  }

  public static MarketEvent delta(String symbol, long timeNs, long sequence) {
    return MarketEvent.newBuilder()
        .setBookDelta(BookDelta.newBuilder().setExchange("okx").setSymbol(symbol).setNativeSymbol(symbol)
            .setExchangeTimeNs(timeNs).setReceiveTimeNs(timeNs + 9).setFirstSequence(sequence)
            .setLastSequence(sequence).setPrevSequence(sequence - 1)
            .addBids(Level.newBuilder().setPrice("100").setAmount("0")))
        .build();
  }
}
