package io.marketprism.config;

import io.marketprism.kit.api.CallerInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.marketprism.config.v1.ConfigServiceGrpc;
import io.marketprism.kit.RunningService;
import io.marketprism.kit.ServiceKit;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.observability.Telemetry;
import io.marketprism.testkit.NatsServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real config center on loopback, connected to the test JVM's nats-server, and a plaintext channel to it. Buckets
 * outlive a test class: {@link #uniqueEnvironment} gives each test an environment of its own.
 */
public final class ConfigCenterFixture implements AutoCloseable {

  /** A 32-byte AES key, base64, for tests that store secrets. */
  public static final String TEST_KEY = "k1=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

  private static final AtomicInteger NAMES = new AtomicInteger();

  private final RunningService service;
  private final ManagedChannel channel;

  private ConfigCenterFixture(RunningService service) {
    this.service = service;
    this.channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", service.grpcAddress().getPort()).usePlaintext().build();
  }

  /** Starts a config center against {@code nats} with a config file (may be null) and extra environment. */
  public static ConfigCenterFixture start(NatsServer nats, Path configFile, Map<String, String> environment) {
    Map<String, String> env = new HashMap<>();
    env.put("MARKETPRISM_NATS_URL", nats.url());
    env.put("MARKETPRISM_GRPC_PORT", "0");
    env.put("MARKETPRISM_METRICS_ENABLED", "false");
    env.put("MARKETPRISM_STORE_FILE_STORAGE", "false");
    env.put("MARKETPRISM_SECRETS_KEYS", TEST_KEY);
    env.putAll(environment);
    ConfigCenterConfig config = ConfigLoader.load(ConfigCenterConfig.class, configFile, env);
    RunningService service =
        ServiceKit.builder(new ConfigCenterService(), config)
            .telemetry(Telemetry.of("config-center", OpenTelemetrySdk.builder().build(), new PrometheusRegistry()))
            .start();
    return new ConfigCenterFixture(service);
  }

  public static ConfigCenterFixture start(NatsServer nats) {
    return start(nats, null, Map.of());
  }

  public ConfigServiceGrpc.ConfigServiceBlockingStub blocking() {
    return ConfigServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** A stub whose calls claim to come from a gateway user, as {@code x-marketprism-caller} does. */
  public ConfigServiceGrpc.ConfigServiceBlockingStub asUser(String subject, String role) {
    Metadata metadata = new Metadata();
    metadata.put(CallerInterceptor.FORWARDED_CALLER, subject + ";role=" + role);
    return ConfigServiceGrpc.newBlockingStub(
            ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(metadata)))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public ConfigServiceGrpc.ConfigServiceStub async() {
    return ConfigServiceGrpc.newStub(channel);
  }

  public RunningService service() {
    return service;
  }

  /** An environment no other test uses, e.g. {@code t3-4711}. */
  public static String uniqueEnvironment() {
    return "t" + NAMES.incrementAndGet() + "-" + ProcessHandle.current().pid();
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    service.stop();
  }
}
