package io.marketprism.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.marketprism.kit.config.MeshConfig;
import io.marketprism.controlplane.ControlPlane;
import io.marketprism.controlplane.health.HealthCheckSettings;
import io.marketprism.controlplane.pki.CertificateRotator;
import io.marketprism.controlplane.pki.MeshCa;
import io.marketprism.kit.RunningService;
import io.marketprism.kit.ServiceKit;
import io.marketprism.kit.client.XdsChannelFactory;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.registry.v1.Instance;
import io.marketprism.registry.v1.InstanceState;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway in the mesh, as {@code ./marketprism up} runs it: a real control plane (registry in
 * the test NATS, a STRICT mTLS policy), a certificate from the mesh CA in the files the kit's
 * bootstrap points at, and the {@code MARKETPRISM_MESH_*} settings. It registers, is served by
 * {@code XdsServerBuilder} — a mesh identity reaches it over {@code xds:///api-gateway}, a
 * plaintext client is refused — and its HTTP port and plaintext health port keep answering.
 *
 * <p>The kit installs the gateway's xDS bootstrap for the whole JVM, so the test's mesh client
 * speaks with the gateway's own identity; RBAC by identity is the control plane's tests' concern.
 */
@WithNats
class ApiGatewayInMeshTest {

  @TempDir Path directory;

  @Test
  void startsRegistersAndServesUnderXdsServerBuilderWithStrictMutualTls(NatsServer nats)
      throws Exception {
    Path policy = Files.writeString(directory.resolve("mesh-policy.yaml"), "defaults: {mtls: STRICT}\n");
    ControlPlane controlPlane =
        ControlPlane.start(
            ControlPlane.Settings.defaults(nats.url())
                .withBucket("gateway-test-" + UUID.randomUUID().toString().substring(0, 8))
                .withPolicyFile(policy)
                .withHealth(
                    new HealthCheckSettings(Duration.ofMillis(200), Duration.ofSeconds(1), 1, 1)));
    NettyServerBuilder controlBuilder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    controlPlane.grpcServices().forEach(controlBuilder::addService);
    Server controlServer = controlBuilder.build().start();
    MeshCa ca = MeshCa.create("test mesh CA", Duration.ofDays(1), Clock.systemUTC());
    Path certificates = directory.resolve("certs/api-gateway");
    int grpcPort = freePort();
    int httpPort = freePort();
    try (CertificateRotator rotator =
        CertificateRotator.start(ca, "api-gateway", certificates, Duration.ofHours(1), Clock.systemUTC())) {
      ApiGatewayConfig config =
          ConfigLoader.load(
              ApiGatewayConfig.class,
              null,
              Map.of(
                  "MARKETPRISM_GRPC_PORT", Integer.toString(grpcPort),
                  "MARKETPRISM_HTTP_PORT", Integer.toString(httpPort),
                  "MARKETPRISM_METRICS_ENABLED", "false",
                  "MARKETPRISM_MESH_ENABLED", "true",
                  "MARKETPRISM_MESH_CONTROL_PLANE", "127.0.0.1:" + controlServer.getPort(),
                  "MARKETPRISM_MESH_CERT_DIR", certificates.toString(),
                  "MARKETPRISM_MESH_DRAIN_PERIOD", "0s"));
      RunningService gateway = ServiceKit.builder(new ApiGatewayService(), config).start();
      ManagedChannel mesh = new XdsChannelFactory(new MeshConfig()).create("api-gateway");
      ManagedChannel plaintext =
          Grpc.newChannelBuilder("127.0.0.1:" + grpcPort, InsecureChannelCredentials.create())
              .build();
      try {
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> registered(controlPlane).size() == 1);
        Instance instance = registered(controlPlane).get(0);
        assertThat(instance.getAddress().getPort()).isEqualTo(grpcPort);
        assertThat(instance.getHealthPort()).isPositive().isNotEqualTo(grpcPort);

        await()
            .atMost(Duration.ofSeconds(20))
            .ignoreExceptions()
            .until(() -> health(mesh) == ServingStatus.SERVING);
        assertThatThrownBy(() -> health(plaintext))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

        ManagedChannel healthPort =
            Grpc.newChannelBuilder(
                    "127.0.0.1:" + instance.getHealthPort(), InsecureChannelCredentials.create())
                .build();
        try {
          assertThat(health(healthPort)).isEqualTo(ServingStatus.SERVING);
        } finally {
          healthPort.shutdownNow();
        }
        HttpResponse<String> healthz =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
        // the gateway serves; the services behind it are not running in this test, and /healthz says so
        assertThat(healthz.statusCode()).isEqualTo(503);
        assertThat(healthz.body()).contains("\"gateway\":\"SERVING\"").contains("\"status\":\"DEGRADED\"");
      } finally {
        mesh.shutdownNow();
        plaintext.shutdownNow();
        gateway.stop();
        controlServer.shutdownNow();
        controlPlane.close();
      }
    }
  }

  private static List<Instance> registered(ControlPlane controlPlane) {
    return controlPlane
        .registryView()
        .instances(
            i ->
                i.getService().equals("api-gateway")
                    && i.getState() == InstanceState.INSTANCE_STATE_SERVING);
  }

  private static ServingStatus health(Channel channel) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
