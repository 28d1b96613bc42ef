package io.marketprism.scheduler;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.marketprism.kit.RunningService;
import io.marketprism.kit.ServiceKit;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.observability.Telemetry;
import io.marketprism.scheduler.v1.SchedulerServiceGrpc;
import io.marketprism.testkit.NatsServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real scheduler on loopback, against the test JVM's nats-server, with buckets of its own prefix (so test classes
 * do not see each other's tasks), built-ins off unless asked, and {@code data-storage} dialled at a given address.
 */
public final class SchedulerFixture implements AutoCloseable {

  private static final AtomicInteger PREFIXES = new AtomicInteger();

  private final RunningService service;
  private final ManagedChannel channel;

  private SchedulerFixture(RunningService service) {
    this.service = service;
    this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", service.grpcAddress().getPort()).usePlaintext()
        .build();
  }

  /** A bucket prefix no other fixture of this JVM uses. */
  public static String uniquePrefix() {
    return "sched" + PREFIXES.incrementAndGet() + "-" + ProcessHandle.current().pid();
  }

  /** The environment of a scheduler replica: NATS, buckets, a 1 s lease, storage's address. */
  public static Map<String, String> environment(String natsUrl, String prefix, String storageAddress) {
    Map<String, String> env = new HashMap<>();
    env.put("MARKETPRISM_NATS_URL", natsUrl);
    env.put("MARKETPRISM_GRPC_PORT", "0");
    env.put("MARKETPRISM_METRICS_ENABLED", "false");
    env.put("MARKETPRISM_STORE_BUCKET_PREFIX", prefix);
    env.put("MARKETPRISM_STORE_FILE_STORAGE", "false");
    env.put("MARKETPRISM_LEADER_LEASE_TTL", "1s");
    env.put("MARKETPRISM_BUILT_INS_ENABLED", "false");
    env.put("MARKETPRISM_PEERS_DATA_STORAGE", storageAddress);
    return env;
  }

  public static SchedulerFixture start(Map<String, String> environment) {
    SchedulerConfig config = ConfigLoader.load(SchedulerConfig.class, null, environment);
    RunningService service = ServiceKit.builder(new SchedulerService(), config)
        .telemetry(Telemetry.of("scheduler", OpenTelemetrySdk.builder().build(), new PrometheusRegistry()))
        .start();
    return new SchedulerFixture(service);
  }

  public static SchedulerFixture start(NatsServer nats, String prefix, String storageAddress) {
    return start(environment(nats.url(), prefix, storageAddress));
  }

  public SchedulerServiceGrpc.SchedulerServiceBlockingStub api() {
    return SchedulerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    service.stop();
  }
}
