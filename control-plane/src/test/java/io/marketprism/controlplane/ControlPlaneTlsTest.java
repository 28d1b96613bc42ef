package io.marketprism.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.xds.XdsChannelCredentials;
import io.grpc.xds.XdsNameResolverProvider;
import io.marketprism.common.v1.Endpoint;
import io.marketprism.controlplane.pki.MeshCa;
import io.marketprism.controlplane.pki.PemFiles;
import io.marketprism.controlplane.support.HealthServer;
import io.marketprism.kit.RunningService;
import io.marketprism.kit.ServiceKit;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.kit.config.ServiceConfig;
import io.marketprism.kit.mesh.MeshBootstrap;
import io.marketprism.kit.mesh.MeshTls;
import io.marketprism.kit.server.ControlPlaneRegistration;
import io.marketprism.kit.server.ServiceInstance;
import io.marketprism.registry.v1.DeregisterRequest;
import io.marketprism.registry.v1.Instance;
import io.marketprism.registry.v1.InstanceState;
import io.marketprism.registry.v1.ListInstancesRequest;
import io.marketprism.registry.v1.RegisterRequest;
import io.marketprism.registry.v1.RegistryServiceGrpc;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control-plane service with {@code server-tls}, over loopback: only mesh-CA certificates get in, a service
 * registers itself and gets its xDS config over mTLS (the kit's registration and bootstrap), and may not touch
 * another service's instances.
 */
@WithNats
class ControlPlaneTlsTest {

  @TempDir static Path dir;
  private static MeshCa ca;
  private static RunningService controlPlane;
  private static String target;
  private static final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeAll
  static void start(NatsServer nats) throws Exception {
    ca = MeshCa.create("test", Duration.ofDays(1), Clock.systemUTC());
    for (String service : List.of("control-plane", "data-storage", "api-gateway")) {
      PemFiles.write(dir.resolve(service), ca.issue(service, Duration.ofHours(1)));
    }
    ControlPlaneConfig config = ConfigLoader.load(ControlPlaneConfig.class, null, Map.of(
        "MARKETPRISM_GRPC_HOST", "127.0.0.1",
        "MARKETPRISM_GRPC_PORT", "0",
        "MARKETPRISM_ADMIN_PORT", "0",
        "MARKETPRISM_METRICS_ENABLED", "false",
        "MARKETPRISM_NATS_URL", nats.url(),
        "MARKETPRISM_REGISTRY_BUCKET", "tls-" + UUID.randomUUID().toString().substring(0, 8),
        "MARKETPRISM_HEALTH_CHECK_INTERVAL", "100ms",
        "MARKETPRISM_HEALTH_CHECK_HEALTHY_THRESHOLD", "1",
        "MARKETPRISM_SERVER_TLS_CERT_DIR", dir.resolve("control-plane").toString()));
    controlPlane = ServiceKit.builder(new ControlPlaneService(), config).start();
    target = "127.0.0.1:" + controlPlane.grpcAddress().getPort();
  }

  @AfterAll
  static void stop() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    controlPlane.close();
  }

  @Test
  void aPlaintextClientIsRefused() {
    RegistryServiceGrpc.RegistryServiceBlockingStub stub = registry(InsecureChannelCredentials.create());

    assertThatThrownBy(() -> stub.listInstances(ListInstancesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void healthIsAlsoServedPlaintextForProbesWithoutACertificate() {
    InetSocketAddress health = controlPlane.instance().healthAddress().orElseThrow();
    ManagedChannel channel = open(Grpc.newChannelBuilder("127.0.0.1:" + health.getPort(),
        InsecureChannelCredentials.create()).build());

    assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
    assertThat(health.getPort()).isNotEqualTo(controlPlane.grpcAddress().getPort());
  }

  @Test
  void aClientWithACertificateFromAnotherCaIsRefused() throws Exception {
    MeshCa foreign = MeshCa.create("foreign", Duration.ofDays(1), Clock.systemUTC());
    Path foreignDir = dir.resolve("foreign");
    PemFiles.write(foreignDir, foreign.issue("data-storage", Duration.ofHours(1)));
    // it trusts the real mesh CA, so only its own certificate can be the reason for the refusal
    MeshTls tls = open(MeshTls.watching(foreignDir.resolve("cert.pem"), foreignDir.resolve("key.pem"),
        dir.resolve("control-plane/ca.pem"), Optional.of(MeshTls.CONTROL_PLANE_ID)));
    RegistryServiceGrpc.RegistryServiceBlockingStub stub = registry(tls.channelCredentials());

    assertThatThrownBy(() -> stub.listInstances(ListInstancesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void aServiceRegistersItselfAndItsCallersGetItsXdsConfigOverMutualTls() throws Exception {
    HealthServer backend = open(new HealthServer());
    ControlPlaneRegistration registration = new ControlPlaneRegistration(meshConfig("data-storage").mesh(), "127.0.0.1");
    closing.add(registration::deregister);

    registration.register(new ServiceInstance("data-storage", "1.0",
        new InetSocketAddress("127.0.0.1", backend.port()), Optional.empty()));

    RegistryServiceGrpc.RegistryServiceBlockingStub gateway = registry(identity("api-gateway").channelCredentials());
    await().atMost(Duration.ofSeconds(20)).until(() -> gateway.listInstances(
            ListInstancesRequest.newBuilder().setService("data-storage").build()).getInstancesList().stream()
        .anyMatch(i -> i.getState() == InstanceState.INSTANCE_STATE_SERVING));
    // the caller's ADS stream uses the kit's bootstrap: channel_creds tls with its certificate files
    ManagedChannel xds = xdsChannel("data-storage", MeshBootstrap.json("api-gateway", meshConfig("api-gateway").mesh()));
    assertThat(HealthGrpc.newBlockingStub(xds).withDeadlineAfter(20, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void aServiceMayNotRegisterOrDeregisterAnotherServicesInstances() throws Exception {
    RegistryServiceGrpc.RegistryServiceBlockingStub storage = registry(identity("data-storage").channelCredentials());
    RegisterRequest scheduler = RegisterRequest.newBuilder().setInstance(Instance.newBuilder()
            .setService("scheduler").setInstanceId("fake")
            .setAddress(Endpoint.newBuilder().setHost("127.0.0.1").setPort(7105)))
        .build();

    assertThatThrownBy(() -> storage.register(scheduler)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(e.getStatus().getDescription())
          .contains("spiffe://marketprism/service/data-storage", "instances of scheduler");
    });
    assertThatThrownBy(() -> storage.deregister(DeregisterRequest.newBuilder()
            .setService("scheduler").setInstanceId("fake").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    // reading is open to every mesh identity
    assertThat(storage.listInstances(ListInstancesRequest.newBuilder().setService("scheduler").build())
        .getInstancesList()).isEmpty();
  }

  @Test
  void aClientRefusesAServerThatIsNotTheControlPlane() throws Exception {
    // data-storage's certificate is from the right CA but names another service: the client must not talk to it
    MeshTls server = open(identity("data-storage"));
    Server impostor = Grpc.newServerBuilderForPort(0, server.serverCredentials())
        .addService(new HealthStatusManager().getHealthService())
        .build().start();
    closing.add(impostor::shutdownNow);
    ManagedChannel channel = open(Grpc.newChannelBuilder("127.0.0.1:" + impostor.getPort(),
        identity("api-gateway").channelCredentials()).build());

    assertThatThrownBy(() -> HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  private static ServiceConfig meshConfig(String service) {
    return ConfigLoader.load(ServiceConfig.class, null, Map.of(
        "MARKETPRISM_MESH_ENABLED", "true",
        "MARKETPRISM_MESH_CONTROL_PLANE", target,
        "MARKETPRISM_MESH_CONTROL_PLANE_TLS", "true",
        "MARKETPRISM_MESH_CERT_DIR", dir.resolve(service).toString(),
        "MARKETPRISM_MESH_LEASE_TTL", "6s",
        "MARKETPRISM_MESH_DRAIN_PERIOD", "0s"));
  }

  private static MeshTls identity(String service) throws Exception {
    return open(MeshTls.watchingDirectory(dir.resolve(service), Optional.of(MeshTls.CONTROL_PLANE_ID)));
  }

  private static RegistryServiceGrpc.RegistryServiceBlockingStub registry(ChannelCredentials credentials) {
    ManagedChannel channel = open(Grpc.newChannelBuilder(target, credentials).build());
    return RegistryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @SuppressWarnings({"deprecation", "unchecked"})
  private static ManagedChannel xdsChannel(String service, String bootstrapJson) throws Exception {
    String scheme = "xds-tls-test";
    Map<String, ?> bootstrap = new ObjectMapper().readValue(bootstrapJson, Map.class);
    return open(Grpc.newChannelBuilder(scheme + ":///" + service, XdsChannelCredentials.create(InsecureChannelCredentials.create()))
        .nameResolverFactory(XdsNameResolverProvider.createForTest(scheme, bootstrap))
        .build());
  }

  private static ManagedChannel open(ManagedChannel channel) {
    closing.add(channel::shutdownNow);
    return channel;
  }

  private static <T extends AutoCloseable> T open(T resource) {
    closing.add(resource);
    return resource;
  }
}
