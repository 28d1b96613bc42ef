package io.marketprism.monitoring.support;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.marketprism.kit.RunningService;
import io.marketprism.kit.ServiceKit;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.monitoring.MonitoringConfig;
import io.marketprism.monitoring.MonitoringService;
import io.marketprism.monitoring.v1.Alert;
import io.marketprism.monitoring.v1.AlertState;
import io.marketprism.monitoring.v1.ListAlertsRequest;
import io.marketprism.monitoring.v1.MonitoringServiceGrpc;
import io.marketprism.observability.Telemetry;
import io.marketprism.testkit.NatsServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The whole monitoring service (kit, NATS, store, loops) on ephemeral ports, fast loops, its own bucket. */
public final class MonitoringFixture implements AutoCloseable {

  public final RunningService service;
  public final MonitoringServiceGrpc.MonitoringServiceBlockingStub stub;
  private final ManagedChannel channel;

  private MonitoringFixture(RunningService service) {
    this.service = service;
    this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", service.grpcAddress().getPort()).usePlaintext()
        .build();
    this.stub = MonitoringServiceGrpc.newBlockingStub(channel);
  }

  /**
   * @param bucket the store's bucket: the same one again is a restart of the same monitoring
   * @param overrides environment, e.g. {@code MARKETPRISM_NOTIFICATIONS_WEBHOOKS}
   */
  public static MonitoringFixture start(NatsServer nats, String bucket, Map<String, String> overrides) {
    Map<String, String> environment = new HashMap<>();
    environment.put("MARKETPRISM_GRPC_PORT", "0");
    environment.put("MARKETPRISM_METRICS_PORT", "0");
    environment.put("MARKETPRISM_NATS_URL", nats.url());
    environment.put("MARKETPRISM_STORE_BUCKET", bucket);
    environment.put("MARKETPRISM_STORE_FILE_STORAGE", "false");
    environment.put("MARKETPRISM_SCRAPE_INTERVAL", "300ms");
    environment.put("MARKETPRISM_SCRAPE_TIMEOUT", "2s");
    environment.put("MARKETPRISM_FEEDS_INTERVAL", "300ms");
    environment.put("MARKETPRISM_RULES_TICK", "100ms");
    environment.put("MARKETPRISM_NOTIFICATIONS_INITIAL_BACKOFF", "200ms");
    environment.put("MARKETPRISM_NOTIFICATIONS_MAX_BACKOFF", "1s");
    environment.putAll(overrides);
    MonitoringConfig config = ConfigLoader.load(MonitoringConfig.class, null, environment);
    MonitoringService monitoring = new MonitoringService();
    Telemetry telemetry = Telemetry.of(monitoring.name(), OpenTelemetrySdk.builder().build(), new PrometheusRegistry());
    return new MonitoringFixture(ServiceKit.builder(monitoring, config).telemetry(telemetry).start());
  }

  /** Every alert of {@code ruleId}, silenced ones and resolved ones included. */
  public List<Alert> alerts(String ruleId) {
    return stub.listAlerts(ListAlertsRequest.newBuilder()
        .addStates(AlertState.ALERT_STATE_PENDING).addStates(AlertState.ALERT_STATE_FIRING)
        .addStates(AlertState.ALERT_STATE_RESOLVED).setIncludeSilenced(true).setPageSize(1000).build())
        .getAlertsList().stream().filter(a -> a.getRuleId().equals(ruleId)).toList();
  }

  /** The state of the one alert of {@code ruleId}, if there is one. */
  public Optional<AlertState> state(String ruleId) {
    List<Alert> alerts = alerts(ruleId);
    return alerts.isEmpty() ? Optional.empty() : Optional.of(alerts.get(0).getState());
  }

  @Override
  public void close() {
    channel.shutdownNow();
    service.stop();
  }
}
