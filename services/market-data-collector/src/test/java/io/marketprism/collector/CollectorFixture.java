package io.marketprism.collector;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.marketprism.collector.v1.CollectorServiceGrpc;
import io.marketprism.collector.v1.Feed;
import io.marketprism.collector.v1.ListFeedsRequest;
import io.marketprism.kit.RunningService;
import io.marketprism.kit.ServiceKit;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.NatsConfig;
import io.marketprism.observability.Telemetry;
import io.marketprism.simulator.ExchangeSimulator;
import io.marketprism.testkit.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The whole collector service (kit, NATS, publisher, exchange connections) against the embedded simulator. */
public final class CollectorFixture implements AutoCloseable {
  public final RunningService service;
  public final ManagedChannel channel;
  public final CollectorServiceGrpc.CollectorServiceBlockingStub stub;

  private CollectorFixture(RunningService service) {
    this.service = service;
    this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", service.grpcAddress().getPort()).usePlaintext().build();
    this.stub = CollectorServiceGrpc.newBlockingStub(channel);
  }

  /**
   * Starts the service with ephemeral ports, pointed at {@code simulator} and {@code nats}.
   *
   * @param configFile a YAML file, or null for the defaults
   */
  public static CollectorFixture start(ExchangeSimulator simulator, NatsServer nats, Path configFile,
      Map<String, String> overrides) {
    Map<String, String> environment = new HashMap<>();
    environment.put("MARKETPRISM_PEERS_EXCHANGE_SIMULATOR_FEED", simulator.hostPort());
    environment.put("MARKETPRISM_NATS_URL", nats.url());
    environment.put("MARKETPRISM_GRPC_PORT", "0");
    environment.put("MARKETPRISM_METRICS_PORT", "0");
    // Tests share one NATS: each collector keeps its subscriptions in a bucket of its own unless told otherwise.
    environment.put("MARKETPRISM_PERSISTENCE_SUBSCRIPTIONS_BUCKET", "test-" + UUID.randomUUID());
    environment.putAll(overrides);
    MarketDataCollectorConfig config = ConfigLoader.load(MarketDataCollectorConfig.class, configFile, environment);
    MarketDataCollectorService collector = new MarketDataCollectorService();
    Telemetry telemetry = Telemetry.of(collector.name(), OpenTelemetrySdk.builder().build(), new PrometheusRegistry());
    return new CollectorFixture(ServiceKit.builder(collector, config).telemetry(telemetry).start());
  }

  /**
   * A new, empty {@code MARKET_DATA} stream, so that a test sees only what its own collector published. Deleted
   * and re-created rather than purged: a purge keeps the duplicate window, which would drop this test's
   * messages whose ids an earlier test already used.
   */
  public static void emptyMarketData(NatsServer nats) throws Exception {
    try (Connection connection = Nats.connect(nats.url())) {
      DefaultStreams.ensure(connection, new NatsConfig().streams());
      connection.jetStreamManagement().deleteStream(DefaultStreams.MARKET_DATA);
      DefaultStreams.ensure(connection, new NatsConfig().streams());
    }
  }

  /** Every feed of {@code exchange}. */
  public List<Feed> feeds(String exchange) {
    return stub.listFeeds(ListFeedsRequest.newBuilder().setExchange(exchange).build()).getFeedsList();
  }

  /** One feed. */
  public Feed feed(String exchange, DataType type) {
    return feeds(exchange).stream().filter(feed -> feed.getDataType() == type).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " feed for " + exchange));
  }

  /** Stops the service the way SIGTERM does: connections closed, the publisher flushed. */
  @Override
  public void close() {
    channel.shutdownNow();
    service.stop();
  }
}
