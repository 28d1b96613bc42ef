package io.marketprism.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.marketprism.kit.config.MeshConfig;
import io.marketprism.controlplane.support.MeshHarness;
import io.marketprism.kit.MarketPrismService;
import io.marketprism.kit.RunningService;
import io.marketprism.kit.ServiceContext;
import io.marketprism.kit.ServiceKit;
import io.marketprism.kit.client.XdsChannelFactory;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.kit.config.ServiceConfig;
import io.marketprism.registry.v1.Instance;
import io.marketprism.registry.v1.InstanceState;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service started by the service kit with {@code mesh.enabled}: it registers (with its plaintext health port),
 * serves through {@code XdsServerBuilder}, is reached by the kit's {@code xds:///} channels, and drains on stop.
 *
 * <p>The kit installs the process-wide xDS bootstrap, which grpc-java reads once per JVM: this is the only test
 * class that uses it (the others give each server and channel its own bootstrap).
 */
@WithNats
class ServiceKitInMeshTest {

  private static MeshHarness mesh;

  @BeforeAll
  static void start(NatsServer nats, @TempDir Path dir) throws Exception {
    mesh = new MeshHarness(nats.url(), dir, "");
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  /** Answers UnaryRpc with "kit". */
  static final class KitEcho extends MarketPrismService<ServiceConfig> {
    KitEcho() {
      super("kit-echo", ServiceConfig.class);
    }

    @Override
    protected List<BindableService> services(ServiceConfig config, ServiceContext ctx) {
      return List.of(new SimpleServiceGrpc.SimpleServiceImplBase() {
        @Override
        public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
          response.onNext(SimpleResponse.newBuilder().setResponseMessage("kit").build());
          response.onCompleted();
        }
      });
    }
  }

  private static List<Instance> registered() {
    return mesh.controlPlane().registryView().instances(i -> i.getService().equals("kit-echo"));
  }

  @Test
  void aMeshServiceRegistersServesOverXdsAndLeavesTheRegistryOnStop() throws Exception {
    ServiceConfig config = ConfigLoader.load(ServiceConfig.class, null, Map.of(
        "MARKETPRISM_GRPC_PORT", String.valueOf(MeshHarness.freePort()),
        "MARKETPRISM_METRICS_ENABLED", "false",
        "MARKETPRISM_MESH_ENABLED", "true",
        "MARKETPRISM_MESH_CONTROL_PLANE", "127.0.0.1:" + mesh.controlPort(),
        "MARKETPRISM_MESH_LEASE_TTL", "6s",
        "MARKETPRISM_MESH_DRAIN_PERIOD", "0s"));
    RunningService running = ServiceKit.builder(new KitEcho(), config).start();
    ManagedChannel channel = new XdsChannelFactory(new MeshConfig()).create("kit-echo");
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> registered().size() == 1
          && registered().get(0).getState() == InstanceState.INSTANCE_STATE_SERVING);
      Instance instance = registered().get(0);
      assertThat(instance.getHealthPort()).isPositive().isNotEqualTo(instance.getAddress().getPort());
      assertThat(instance.getAddress().getPort()).isEqualTo(running.grpcAddress().getPort());

      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> "kit".equals(MeshHarness.call(channel, Map.of())));

      // renewals keep the 6 s lease alive well past its first expiry
      Thread.sleep(Duration.ofSeconds(8).toMillis());
      mesh.controlPlane().registry().removeExpired();
      assertThat(registered()).hasSize(1);
    } finally {
      running.stop();
      channel.shutdownNow();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> registered().isEmpty());
  }
}
