package io.marketprism.monitoring.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.marketprism.collector.MarketDataCollectorConfig;
import io.marketprism.collector.MarketDataCollectorService;
import io.marketprism.common.v1.Endpoint;
import io.marketprism.controlplane.ControlPlane;
import io.marketprism.controlplane.health.HealthCheckSettings;
import io.marketprism.kit.RunningService;
import io.marketprism.kit.ServiceKit;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.kit.server.ControlPlaneRegistration;
import io.marketprism.monitoring.support.MonitoringFixture;
import io.marketprism.monitoring.support.Rules;
import io.marketprism.monitoring.v1.Alert;
import io.marketprism.monitoring.v1.AlertRule;
import io.marketprism.monitoring.v1.AlertState;
import io.marketprism.monitoring.v1.CreateAlertRuleRequest;
import io.marketprism.monitoring.v1.Health;
import io.marketprism.monitoring.v1.Instance;
import io.marketprism.monitoring.v1.ListInstancesRequest;
import io.marketprism.monitoring.v1.MonitoringServiceGrpc;
import io.marketprism.monitoring.v1.WatchAlertsRequest;
import io.marketprism.monitoring.v1.WatchAlertsResponse;
import io.marketprism.observability.Telemetry;
import io.marketprism.registry.v1.RegisterRequest;
import io.marketprism.registry.v1.RegistryServiceGrpc;
import io.marketprism.simulator.ExchangeSimulator;
import io.marketprism.simulator.config.SimulatorConfig;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data's health, end to end on real processes' code: the exchange simulator, the collector (registered with a
 * real control plane, which health-checks it) and monitoring, which learns the collector's address from the registry,
 * scrapes its metrics and measures each subscribed symbol's staleness. Faults are injected with the simulator's API.
 */
@WithNats
class DataHealthAlertsTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void stoppedFeedFiresStalenessThenResolvesAGapStormFiresGapRateAndAKilledInstanceShowsUnreachable(NatsServer nats)
      throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    ControlPlane controlPlane = ControlPlane.start(ControlPlane.Settings.defaults(nats.url())
        .withBucket("mon-registry-" + suffix)
        .withHealth(new HealthCheckSettings(Duration.ofMillis(300), Duration.ofMillis(500), 1, 2)));
    NettyServerBuilder registryBuilder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    controlPlane.grpcServices().forEach(registryBuilder::addService);
    Server registry = registryBuilder.build().start();
    String registryAddress = "127.0.0.1:" + registry.getPort();

    ExchangeSimulator simulator = ExchangeSimulator.start(ConfigLoader.load(SimulatorConfig.class, null, Map.of(
        "MARKETPRISM_FEED_PORT", "0", "MARKETPRISM_GRPC_PORT", "0", "MARKETPRISM_RATE_PER_SYMBOL", "50",
        "MARKETPRISM_MARKETS_SEED", Long.toString(ThreadLocalRandom.current().nextLong(1, 1L << 40)))));
    Path collectorYaml = Files.writeString(dir.resolve("collector.yaml"), """
        subscriptions:
          - exchange: binance
            symbols: [BTC-USDT]
            data-types: [trade, book_snapshot, book_delta]
        """);
    MarketDataCollectorConfig collectorConfig = ConfigLoader.load(MarketDataCollectorConfig.class, collectorYaml, Map.of(
        "MARKETPRISM_PEERS_EXCHANGE_SIMULATOR_FEED", simulator.hostPort(),
        "MARKETPRISM_NATS_URL", nats.url(),
        "MARKETPRISM_GRPC_PORT", "0",
        "MARKETPRISM_METRICS_PORT", "0",
        "MARKETPRISM_PERSISTENCE_SUBSCRIPTIONS_BUCKET", "mon-subs-" + suffix,
        "MARKETPRISM_MESH_CONTROL_PLANE", registryAddress));

    HealthStatusManager fakeHealth = new HealthStatusManager();
    fakeHealth.setStatus("", ServingStatus.SERVING);
    Server fake = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(fakeHealth.getHealthService()).build().start();
    ManagedChannel registryChannel = ManagedChannelBuilder.forTarget(registryAddress).usePlaintext().build();
    // registered first, patiently: on a loaded machine the first registry call warms the control plane up
    RegistryServiceGrpc.newBlockingStub(registryChannel).withWaitForReady()
        .withDeadlineAfter(60, java.util.concurrent.TimeUnit.SECONDS).register(RegisterRequest.newBuilder()
            .setInstance(io.marketprism.registry.v1.Instance.newBuilder().setService("fake-feed")
                .setInstanceId("fake-1").setAddress(Endpoint.newBuilder().setHost("127.0.0.1").setPort(fake.getPort())))
            .setLeaseTtl(Durations.fromSeconds(300)).build());
    MarketDataCollectorService collectorService = new MarketDataCollectorService();
    RunningService collector = ServiceKit.builder(collectorService, collectorConfig)
        .registration(new ControlPlaneRegistration(collectorConfig.mesh(), "127.0.0.1"))
        .telemetry(Telemetry.of(collectorService.name(), OpenTelemetrySdk.builder().build(), new PrometheusRegistry()))
        .start();
    String collectorAddress = "127.0.0.1:" + collector.grpcAddress().getPort();
    List<WatchAlertsResponse> watched = new CopyOnWriteArrayList<>();

    try (MonitoringFixture monitoring = MonitoringFixture.start(nats, "mon-data-" + suffix, Map.of(
        "MARKETPRISM_PEERS_CONTROL_PLANE", registryAddress,
        "MARKETPRISM_PEERS_MARKET_DATA_COLLECTOR", collectorAddress,
        "MARKETPRISM_NOTIFICATIONS_SUBJECT", "sys.alerts." + suffix))) {
      ManagedChannel watchChannel = ManagedChannelBuilder.forAddress("127.0.0.1",
          monitoring.service.grpcAddress().getPort()).usePlaintext().build();
      MonitoringServiceGrpc.newStub(watchChannel).watchAlerts(WatchAlertsRequest.getDefaultInstance(),
          new StreamObserver<>() {
            @Override
            public void onNext(WatchAlertsResponse response) {
              watched.add(response);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
          });

      // the collector, from the registry, checked healthy by the control plane
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(monitoring.stub.listInstances(
          ListInstancesRequest.newBuilder().setService("market-data-collector").build()).getInstancesList())
          .singleElement().satisfies(instance -> {
            assertThat(instance.getHealth()).isEqualTo(Health.HEALTH_SERVING);
            assertThat(instance.getAddress().getPort()).isEqualTo(collector.grpcAddress().getPort());
          }));

      AlertRule stale = Rules.above("feed-stale", FeedStaleness.METRIC, 3, 5).toBuilder()
          .setThreshold(Rules.above("x", FeedStaleness.METRIC, 3, 5).getThreshold().toBuilder()
              .addMatchers(Rules.equal("exchange", "binance")).addMatchers(Rules.equal("symbol", "BTC-USDT"))
              .addMatchers(Rules.equal("type", "trade")))
          .build();
      monitoring.stub.createAlertRule(CreateAlertRuleRequest.newBuilder().setRule(stale).build());
      monitoring.stub.createAlertRule(CreateAlertRuleRequest.newBuilder().setRule(Rules.rateAbove("gap-storm",
          "marketprism_collector_book_resyncs_total", 0.3, 10, Rules.equal("reason", "sequence_gap"))).build());
      Thread.sleep(7000);   // data flows: two evaluations see fresh trades
      assertThat(monitoring.alerts("feed-stale")).isEmpty();

      // every frame the simulator sends is now cut in half (a frame missing one field may still be a trade)
      faults(simulator, "{\"malformed-frame-probability\":1,\"malformed-kind\":\"invalid-json\"}");
      await().atMost(Duration.ofSeconds(90))
          .until(() -> monitoring.state("feed-stale").orElse(null) == AlertState.ALERT_STATE_FIRING);
      Alert firing = monitoring.alerts("feed-stale").get(0);
      assertThat(firing.getLabelsMap()).containsEntry("symbol", "BTC-USDT").containsEntry("type", "trade");
      assertThat(firing.getValue()).isGreaterThan(3);
      assertThat(Timestamps.toMillis(firing.getFiringSince()) - Timestamps.toMillis(firing.getActiveSince()))
          .isGreaterThanOrEqualTo(Durations.toMillis(stale.getForDuration()));

      faults(simulator, "{\"malformed-frame-probability\":0}");
      await().atMost(Duration.ofSeconds(90))
          .until(() -> monitoring.state("feed-stale").orElse(null) == AlertState.ALERT_STATE_RESOLVED);

      // a storm of sequence gaps: book re-syncs counted by the collector, scraped at its registered metrics port
      faults(simulator, "{\"sequence-gap-probability\":0.5}");
      await().atMost(Duration.ofSeconds(90))
          .until(() -> monitoring.state("gap-storm").orElse(null) == AlertState.ALERT_STATE_FIRING);
      assertThat(monitoring.alerts("gap-storm").get(0).getLabelsMap())
          .containsEntry("job", "market-data-collector").containsEntry("exchange", "binance");
      faults(simulator, "{\"sequence-gap-probability\":0}");

      assertThat(watched.get(0).getSnapshotComplete()).isTrue();
      assertThat(watched.stream().flatMap(r -> r.getAlertsList().stream())
          .filter(a -> a.getRuleId().equals("feed-stale")).map(Alert::getState).distinct())
          .containsExactly(AlertState.ALERT_STATE_PENDING, AlertState.ALERT_STATE_FIRING,
              AlertState.ALERT_STATE_RESOLVED);

      // an instance that dies without deregistering: the control plane's checks fail, monitoring shows it
      await().atMost(Duration.ofSeconds(60)).until(() -> health(monitoring, "fake-feed") == Health.HEALTH_SERVING);
      fake.shutdownNow();
      await().atMost(Duration.ofSeconds(60)).until(() -> health(monitoring, "fake-feed") == Health.HEALTH_UNREACHABLE);
      assertThat(monitoring.stub.listInstances(ListInstancesRequest.newBuilder()
          .setHealth(Health.HEALTH_UNREACHABLE).build()).getInstancesList())
          .extracting(Instance::getInstanceId).containsExactly("fake-1");
      watchChannel.shutdownNow();
    } finally {
      registryChannel.shutdownNow();
      fake.shutdownNow();
      collector.stop();
      simulator.close();
      registry.shutdownNow();
      controlPlane.close();
    }
  }

  private static Health health(MonitoringFixture monitoring, String service) {
    List<Instance> instances = monitoring.stub.listInstances(ListInstancesRequest.newBuilder().setService(service)
        .build()).getInstancesList();
    return instances.isEmpty() ? Health.HEALTH_UNSPECIFIED : instances.get(0).getHealth();
  }

  private static void faults(ExchangeSimulator simulator, String json) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://" + simulator.hostPort() + "/admin/faults"))
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }
}
