package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.marketprism.kit.config.MeshConfig;
import io.marketprism.kit.client.XdsChannelFactory;
import io.marketprism.launcher.LauncherConfig.ServiceSettings;
import io.marketprism.registry.v1.Instance;
import io.marketprism.registry.v1.InstanceState;
import io.marketprism.registry.v1.ListInstancesRequest;
import io.marketprism.kit.mesh.MeshTls;
import io.marketprism.registry.v1.RegistryServiceGrpc;
import io.marketprism.supervisor.FreePorts;
import io.marketprism.supervisor.JavaServiceProcess;
import io.marketprism.supervisor.Supervisor;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane and two real services (monitoring, api-gateway), started as {@code up} starts
 * them — {@link MeshPlan}'s processes, {@link MeshCertificates}, the {@link Supervisor} — over real
 * loopback with the test kit's NATS and the repository's default mesh policy. In the mesh they
 * register, reach SERVING, answer an operator holding a {@code pki issue} certificate over {@code
 * xds:///} with mTLS, refuse plaintext, and keep answering while their certificates rotate; without
 * it they serve plaintext on their direct addresses and register nowhere.
 *
 * <p>The operator's xDS bootstrap is the process's (grpc-java reads one per JVM): the module's test
 * classes each run in a JVM of their own (surefire {@code reuseForks=false}).
 */
@WithNats
class MeshModeTest {

  private static final List<String> SERVICES =
      List.of("control-plane", "monitoring", "api-gateway");
  private static final List<String> MESH_SERVICES = List.of("monitoring", "api-gateway");

  /**
   * Rotated every 6 s, so a few seconds of calls see a rotation; the 3 s a replaced certificate
   * stays valid is well above the services' 1 s file-watcher refresh, so a new handshake never
   * meets an expired one (with 3 s and a 1 s margin it did, on a busy machine).
   */
  private static final Duration CERTIFICATE_LIFETIME = Duration.ofSeconds(9);

  /** Longer than one rotation period (two thirds of the lifetime). */
  private static final Duration CALLING = Duration.ofSeconds(7);

  @TempDir Path directory;

  @Test
  void inTheMeshServicesRegisterServeMutualTlsToAnOperatorRefusePlaintextAndRotateWithoutFailures(
      NatsServer nats) throws Exception {
    Workspace workspace = new Workspace(CommandRun.repository(), directory.resolve("ws"));
    LauncherConfig config = config(nats, true);

    try (MeshCertificates certificates =
            MeshCertificates.issue(
                workspace, MeshPlan.certificateHolders(config, true), CERTIFICATE_LIFETIME);
        Supervisor supervisor = supervisor(config, workspace, true);
        // the control plane's port is mTLS too: read the registry with a mesh identity (its own)
        MeshTls registryReader =
            MeshTls.watchingDirectory(
                workspace.certificateDirectory("control-plane"),
                Optional.of(MeshTls.CONTROL_PLANE_ID))) {
      supervisor.start();
      ManagedChannel controlPlane =
          Grpc.newChannelBuilder(
                  address(config, "control-plane"), registryReader.channelCredentials())
              .build();
      try {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> MESH_SERVICES.stream().allMatch(s -> isServing(controlPlane, s)));
      } finally {
        controlPlane.shutdownNow();
      }
      assertThat(plaintextCallCode(address(config, "control-plane")))
          .as("plaintext call to the control plane's mTLS port")
          .isEqualTo(Status.Code.UNAVAILABLE);

      Path operator = directory.resolve("operator");
      CommandRun issued =
          CommandRun.run(
              workspace.directory(),
              directory.resolve("none.yaml"),
              "pki",
              "issue",
              "--name",
              "tester",
              "--out",
              operator.toString());
      assertThat(issued.exitCode()).as(issued.err()).isZero();
      OperatorBootstrap.install(address(config, "control-plane"), operator);

      for (String service : MESH_SERVICES) {
        ManagedChannel mesh = new XdsChannelFactory(new MeshConfig()).create(service);
        try {
          await()
              .atMost(Duration.ofSeconds(30))
              .ignoreExceptions()
              .until(() -> health(mesh) == ServingStatus.SERVING);
        } finally {
          mesh.shutdownNow();
        }
        assertThat(plaintextCallCode(address(config, service)))
            .as("plaintext call to %s's mTLS port", service)
            .isEqualTo(Status.Code.UNAVAILABLE);
      }

      assertCallsSurviveRotation(certificates, "monitoring");
    }
  }

  @Test
  void withoutTheMeshServicesServePlaintextOnTheirDirectAddressesAndRegisterNowhere(NatsServer nats)
      throws Exception {
    Workspace workspace = new Workspace(CommandRun.repository(), directory.resolve("ws"));
    LauncherConfig config = config(nats, false);

    try (Supervisor supervisor = supervisor(config, workspace, false)) {
      supervisor.start();

      for (String service : MESH_SERVICES) {
        ManagedChannel direct = plaintext(address(config, service));
        try {
          assertThat(health(direct)).isEqualTo(ServingStatus.SERVING);
        } finally {
          direct.shutdownNow();
        }
      }
      ManagedChannel controlPlane = plaintext(address(config, "control-plane"));
      try {
        assertThat(
                RegistryServiceGrpc.newBlockingStub(controlPlane)
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .listInstances(ListInstancesRequest.getDefaultInstance())
                    .getInstancesList())
            .isEmpty();
      } finally {
        controlPlane.shutdownNow();
      }
      assertThat(workspace.directory().resolve("certs")).doesNotExist();
    }
  }

  /**
   * Calls monitoring steadily for longer than a rotation period, on one long-lived channel and on a
   * fresh channel (a new TLS handshake) now and then: no call fails, its certificate files are
   * rewritten, and new handshakes meet more than one server certificate — the server took up the
   * new files without a restart.
   */
  private static void assertCallsSurviveRotation(MeshCertificates certificates, String service)
      throws InterruptedException {
    PeerCertificates seen = new PeerCertificates();
    ManagedChannel steady = new XdsChannelFactory(new MeshConfig()).create(service);
    int rotationsBefore = certificates.rotations(service);
    int calls = 0;
    List<String> failures = new java.util.ArrayList<>();
    try {
      long until = System.nanoTime() + CALLING.toNanos();
      while (System.nanoTime() < until) {
        succeeds(steady, failures);
        calls++;
        if (calls % 25 == 0) {
          ManagedChannel fresh = new XdsChannelFactory(new MeshConfig()).create(service);
          try {
            succeeds(ClientInterceptors.intercept(fresh, seen), failures);
            calls++;
          } finally {
            fresh.shutdownNow();
          }
        }
      }
    } finally {
      steady.shutdownNow();
    }
    assertThat(failures).as("failed of %d calls", calls).isEmpty();
    assertThat(certificates.rotations(service) - rotationsBefore).isPositive();
    assertThat(seen.serials).as("server certificates met by new handshakes").hasSizeGreaterThan(1);
  }

  private static boolean succeeds(Channel channel, List<String> failures) {
    try {
      return health(channel) == ServingStatus.SERVING;
    } catch (StatusRuntimeException e) {
      failures.add(e.getStatus() + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
      return false;
    }
  }

  private static LauncherConfig config(NatsServer nats, boolean mesh) {
    Iterator<Integer> ports = FreePorts.allocate(2 + FreePortServices.PORTS).iterator();
    String yaml =
        "nats: {port: %d, monitor-port: %d}\n".formatted(nats.port(), nats.monitorPort())
            + "clickhouse: {http-port: %d, tcp-port: %d}\n".formatted(ports.next(), ports.next())
            + "jvm-options: [-Xmx128m, -XX:+UseSerialGC, -XX:TieredStopAtLevel=1]\n"
            + "mesh: {enabled: %s}\n".formatted(mesh)
            + FreePortServices.yaml(
                SERVICES,
                // its own registry bucket (the test NATS outlives this test), and quick health
                // checks
                Map.of(
                    ServiceCatalog.CONTROL_PLANE,
                    Map.of(
                        "MARKETPRISM_REGISTRY_BUCKET",
                        "mesh-test-" + UUID.randomUUID().toString().substring(0, 8),
                        "MARKETPRISM_HEALTH_CHECK_INTERVAL",
                        "200ms",
                        "MARKETPRISM_HEALTH_CHECK_HEALTHY_THRESHOLD",
                        "1")),
                ports);
    return ConfigLoader.parse(yaml, "marketprism.yaml");
  }

  private static Supervisor supervisor(LauncherConfig config, Workspace workspace, boolean mesh)
      throws Exception {
    UpCommand.prepareWorkspace(workspace); // as up does: the gateway needs its key files to start
    Supervisor.Builder builder = Supervisor.builder();
    MeshPlan.processes(config, workspace, LauncherVersion.get(), mesh).stream()
        .filter(JavaServiceProcess.class::isInstance)
        .forEach(builder::add);
    return builder.build();
  }

  private static String address(LauncherConfig config, String service) {
    return config.enabledServices().stream()
        .filter(settings -> settings.name().equals(service))
        .map(ServiceSettings::address)
        .findFirst()
        .orElseThrow();
  }

  private static boolean isServing(ManagedChannel controlPlane, String service) {
    List<Instance> instances =
        RegistryServiceGrpc.newBlockingStub(controlPlane)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .listInstances(ListInstancesRequest.newBuilder().setService(service).build())
            .getInstancesList();
    return instances.size() == 1
        && instances.get(0).getState() == InstanceState.INSTANCE_STATE_SERVING;
  }

  private static ManagedChannel plaintext(String address) {
    return Grpc.newChannelBuilder(address, InsecureChannelCredentials.create()).build();
  }

  private static ServingStatus health(Channel channel) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }

  private static Status.Code plaintextCallCode(String address) {
    ManagedChannel channel = plaintext(address);
    try {
      health(channel);
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    } finally {
      channel.shutdownNow();
    }
  }

  /** Records the serial number of every server certificate a call's TLS session presented. */
  private static final class PeerCertificates implements ClientInterceptor {

    final Set<BigInteger> serials = ConcurrentHashMap.newKeySet();

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      ClientCall<Q, R> call = next.newCall(method, options);
      return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          super.start(
              new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onHeaders(Metadata responseHeaders) {
                  record(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                  super.onHeaders(responseHeaders);
                }
              },
              headers);
        }
      };
    }

    private void record(SSLSession session) {
      if (session == null) {
        return;
      }
      try {
        serials.add(((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber());
      } catch (SSLPeerUnverifiedException e) {
        // no certificate: nothing to record, and the call's own outcome tells whether TLS worked
      }
    }
  }
}
