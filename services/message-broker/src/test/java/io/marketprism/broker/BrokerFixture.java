package io.marketprism.broker;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.marketprism.broker.v1.BrokerServiceGrpc;
import io.marketprism.broker.v1.RetentionPolicy;
import io.marketprism.broker.v1.StorageType;
import io.marketprism.broker.v1.StreamConfig;
import io.marketprism.kit.RunningService;
import io.marketprism.kit.ServiceKit;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.observability.Telemetry;
import io.marketprism.testkit.NatsServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real message-broker on loopback, connected to the test JVM's nats-server, and a channel to it. Heartbeats and
 * pulls are shortened so subscribe tests move quickly. Streams outlive a test class: {@link #uniqueName} gives each
 * test its own.
 */
public final class BrokerFixture implements AutoCloseable {

  private static final AtomicInteger NAMES = new AtomicInteger();

  private final RunningService service;
  private final PrometheusRegistry metrics;
  private final ManagedChannel channel;

  private BrokerFixture(RunningService service, PrometheusRegistry metrics) {
    this.service = service;
    this.metrics = metrics;
    this.channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", service.grpcAddress().getPort()).usePlaintext().build();
  }

  /** Starts a broker against {@code nats} with the given extra environment (config overrides). */
  public static BrokerFixture start(NatsServer nats, Map<String, String> environment) {
    Map<String, String> env = new HashMap<>();
    env.put("MARKETPRISM_NATS_URL", nats.url());
    env.put("MARKETPRISM_GRPC_PORT", "0");
    env.put("MARKETPRISM_METRICS_ENABLED", "false");
    env.put("MARKETPRISM_BROKER_SUBSCRIBE_HEARTBEAT_INTERVAL", "300ms");
    env.put("MARKETPRISM_BROKER_SUBSCRIBE_FETCH_WAIT", "100ms");
    env.putAll(environment);
    MessageBrokerConfig config = ConfigLoader.load(MessageBrokerConfig.class, null, env);
    PrometheusRegistry metrics = new PrometheusRegistry();
    RunningService service =
        ServiceKit.builder(new MessageBrokerService(), config)
            .telemetry(Telemetry.of("message-broker", OpenTelemetrySdk.builder().build(), metrics))
            .start();
    return new BrokerFixture(service, metrics);
  }

  public static BrokerFixture start(NatsServer nats) {
    return start(nats, Map.of());
  }

  public BrokerServiceGrpc.BrokerServiceBlockingStub blocking() {
    return BrokerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public BrokerServiceGrpc.BrokerServiceStub async() {
    return BrokerServiceGrpc.newStub(channel);
  }

  public ManagedChannel channel() {
    return channel;
  }

  /** The value of an unlabelled counter or gauge of this broker ({@code _total} left off for counters). */
  public double metric(String name) {
    return metrics.scrape().stream()
        .filter(snapshot -> snapshot.getMetadata().getPrometheusName().equals(name))
        .flatMap(snapshot -> snapshot.getDataPoints().stream())
        .mapToDouble(
            point ->
                point instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot c
                    ? c.getValue()
                    : ((io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot) point).getValue())
        .sum();
  }

  public RunningService service() {
    return service;
  }

  /** A stream/consumer name no other test uses, e.g. {@code CRUD_3}. */
  public static String uniqueName(String prefix) {
    return prefix + "_" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid();
  }

  /** A valid file-backed, limits-retained config capturing {@code <subjectRoot>.>}. */
  public static StreamConfig streamConfig(String name, String subjectRoot) {
    return StreamConfig.newBuilder()
        .setName(name)
        .addSubjects(subjectRoot + ".>")
        .setRetention(RetentionPolicy.RETENTION_POLICY_LIMITS)
        .setStorage(StorageType.STORAGE_TYPE_MEMORY)
        .build();
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    service.stop();
  }
}
