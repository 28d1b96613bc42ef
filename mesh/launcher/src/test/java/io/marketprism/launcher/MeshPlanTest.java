package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.launcher.LauncherConfig.ServiceSettings;
import io.marketprism.supervisor.JavaServiceProcess;
import io.marketprism.supervisor.PortCheck;
import io.marketprism.supervisor.PortClaim;
import io.marketprism.supervisor.PortConflictException;
import io.marketprism.supervisor.SupervisedProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeshPlanTest {

  private final LauncherConfig defaults = ConfigLoader.defaults();
  private final Workspace workspace = new Workspace(Path.of("/repo"), Path.of("/ws"));

  @Test
  void serviceReceivesItsSettingsAsEnvironmentVariables() {
    ServiceSettings storage = service("data-storage");

    Map<String, String> env = MeshPlan.environment(defaults, workspace, storage, false);

    assertThat(env)
        .containsEntry("MARKETPRISM_GRPC_HOST", "127.0.0.1")
        .containsEntry("MARKETPRISM_GRPC_PORT", "7102")
        .containsEntry("MARKETPRISM_METRICS_PORT", "9102")
        .containsEntry("MARKETPRISM_NATS_URL", "nats://127.0.0.1:14222")
        .containsEntry(
            "MARKETPRISM_CLICKHOUSE_URL",
            "jdbc:clickhouse://127.0.0.1:18123/default?compress=false")
        .containsEntry("MARKETPRISM_PEERS_CONTROL_PLANE", "127.0.0.1:7100")
        .containsEntry("MARKETPRISM_PEERS_API_GATEWAY", "127.0.0.1:7104")
        .doesNotContainKey("MARKETPRISM_PEERS_DATA_STORAGE")
        .doesNotContainKeys("MARKETPRISM_MESH_ENABLED", "MARKETPRISM_MESH_CERT_DIR");
  }

  @Test
  void inTheMeshAServiceGetsTheControlPlaneItsCertificatesAndAPlaintextHealthPort() {
    Map<String, String> env =
        MeshPlan.environment(defaults, workspace, service("data-storage"), true);

    assertThat(env)
        .containsEntry("MARKETPRISM_MESH_ENABLED", "true")
        .containsEntry("MARKETPRISM_MESH_CONTROL_PLANE", "127.0.0.1:7100")
        .containsEntry("MARKETPRISM_MESH_CERT_DIR", "/ws/certs/data-storage")
        .containsEntry("MARKETPRISM_MESH_HEALTH_PORT", "7302")
        .containsEntry("MARKETPRISM_GRPC_PORT", "7102");
  }

  @Test
  void inTheMeshTheControlPlaneStaysOutsideAndReadsThePolicy() {
    Map<String, String> env =
        MeshPlan.environment(defaults, workspace, service("control-plane"), true);

    assertThat(env)
        .containsEntry("MARKETPRISM_POLICY_FILE", "/repo/mesh/deploy/mesh-policy.yaml")
        .doesNotContainKey("MARKETPRISM_MESH_ENABLED");
    assertThat(MeshPlan.meshServices(defaults, true))
        .doesNotContain("control-plane")
        .contains("data-storage", "api-gateway");
    assertThat(MeshPlan.meshServices(defaults, false)).isEmpty();
  }

  @Test
  void inTheMeshTheControlPlaneServesMutualTlsAndTheServicesDialItWithTheirCertificates() {
    Map<String, String> controlPlane =
        MeshPlan.environment(defaults, workspace, service("control-plane"), true);
    Map<String, String> storage =
        MeshPlan.environment(defaults, workspace, service("data-storage"), true);

    assertThat(controlPlane)
        .containsEntry(
            "MARKETPRISM_SERVER_TLS_CERT_DIR",
            workspace.certificateDirectory("control-plane").toString())
        .containsEntry("MARKETPRISM_SERVER_TLS_HEALTH_PORT", "7300");
    assertThat(storage).containsEntry("MARKETPRISM_MESH_CONTROL_PLANE_TLS", "true");
    assertThat(MeshPlan.certificateHolders(defaults, true)).contains("control-plane", "data-storage");
    assertThat(MeshPlan.certificateHolders(defaults, false)).isEmpty();
    assertThat(MeshPlan.environment(defaults, workspace, service("control-plane"), false))
        .doesNotContainKey("MARKETPRISM_SERVER_TLS_CERT_DIR");
  }

  @Test
  void inTheMeshTheControlPlaneServesReadOnlyPlaintextAdsOnItsLoopbackPort() {
    assertThat(MeshPlan.environment(defaults, workspace, service("control-plane"), true))
        .containsEntry("MARKETPRISM_PLAINTEXT_ADS_ENABLED", "true")
        .containsEntry("MARKETPRISM_PLAINTEXT_ADS_PORT", "7110");
    assertThat(MeshPlan.environment(defaults, workspace, service("control-plane"), false))
        .doesNotContainKey("MARKETPRISM_PLAINTEXT_ADS_ENABLED");
    assertThat(MeshPlan.portClaims(defaults, true))
        .filteredOn(claim -> claim.port() == 7110)
        .singleElement()
        .satisfies(claim -> assertThat(claim.howToChange()).contains("mesh.plaintext-ads-port"));
    assertThat(MeshPlan.portClaims(defaults, false)).extracting(PortClaim::port).doesNotContain(7110);
    // recorded in state.json, so status --json shows local xDS clients where ADS is
    assertThat(controlPlaneEndpoints(true)).containsEntry(ComponentState.PLAINTEXT_ADS, "127.0.0.1:7110");
    assertThat(controlPlaneEndpoints(false)).doesNotContainKey(ComponentState.PLAINTEXT_ADS);
  }

  private java.util.Map<String, String> controlPlaneEndpoints(boolean mesh) {
    return MeshPlan.components(defaults, workspace, mesh).stream()
        .filter(component -> component.name().equals("control-plane"))
        .findFirst()
        .orElseThrow()
        .endpoints();
  }

  @Test
  void inTheMeshReadinessAndStatusProbeTheHealthPort() {
    List<SupervisedProcess> inMesh = MeshPlan.processes(defaults, workspace, "1.0", true);
    List<SupervisedProcess> direct = MeshPlan.processes(defaults, workspace, "1.0", false);

    assertThat(javaProcess(inMesh, "data-storage").healthPort()).isEqualTo(7302);
    // the control plane's gRPC port wants a client certificate: it is probed on its plaintext health port
    assertThat(javaProcess(inMesh, "control-plane").healthPort()).isEqualTo(7300);
    assertThat(javaProcess(direct, "control-plane").healthPort()).isEqualTo(7100);
    assertThat(javaProcess(direct, "data-storage").healthPort()).isEqualTo(7102);
    assertThat(MeshPlan.portClaims(defaults, true)).extracting(PortClaim::port).contains(7302);
    assertThat(MeshPlan.portClaims(defaults, false))
        .extracting(PortClaim::port)
        .doesNotContain(7302);
    ComponentState storage =
        MeshPlan.components(defaults, workspace, true).stream()
            .filter(component -> component.name().equals("data-storage"))
            .findFirst()
            .orElseThrow();
    assertThat(storage.healthCheckAddress()).isEqualTo("127.0.0.1:7302");
  }

  @Test
  void theMeshNeedsTheControlPlane() {
    LauncherConfig config =
        ConfigLoader.parse("services:\n  control-plane:\n    enabled: false\n", "marketprism.yaml");

    assertThatThrownBy(() -> MeshPlan.requireMeshRunnable(config, workspace))
        .isInstanceOf(LauncherException.class)
        .hasMessageContaining("the mesh needs the control plane")
        .hasMessageContaining("--no-mesh");
  }

  private ServiceSettings service(String name) {
    return defaults.services().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static JavaServiceProcess javaProcess(List<SupervisedProcess> processes, String name) {
    return (JavaServiceProcess)
        processes.stream().filter(process -> process.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void gatewayGetsItsHttpPortAndControlPlaneItsAdminPort() {
    ServiceSettings gateway = service("api-gateway");
    ServiceSettings controlPlane = defaults.services().get(0);

    assertThat(MeshPlan.environment(defaults, workspace, gateway, false))
        .containsEntry("MARKETPRISM_HTTP_PORT", "8080");
    assertThat(MeshPlan.environment(defaults, workspace, controlPlane, false))
        .containsEntry("MARKETPRISM_ADMIN_PORT", "7190")
        .containsEntry("MARKETPRISM_METRICS_PORT", "9100");
  }

  @Test
  void configCenterGetsNatsAndTheWorkspacesSecretKeyFile() {
    assertThat(MeshPlan.environment(defaults, workspace, service("config-center"), true))
        .containsEntry("MARKETPRISM_NATS_URL", defaults.natsUrl())
        .containsEntry("MARKETPRISM_SECRETS_KEYS_FILE", "/ws/config-center/secret-keys");
  }

  @Test
  void processesStartInfrastructureFirstThenTheCatalogInOrder() {
    List<SupervisedProcess> processes = MeshPlan.processes(defaults, workspace, "1.0", true);

    List<String> expected = new java.util.ArrayList<>(List.of("nats", "clickhouse"));
    expected.addAll(ServiceCatalog.names());
    assertThat(processes).extracting(SupervisedProcess::name).containsExactlyElementsOf(expected);
    assertThat(processes.get(2).logFile()).isEqualTo(Path.of("/ws/logs/control-plane.log"));
  }

  @Test
  void portConflictNamesThePortItsOwnerAndTheKeyThatMovesIt() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      LauncherConfig config =
          ConfigLoader.parse(
              "services:\n  data-storage:\n    grpc-port: " + port + "\n", "marketprism.yaml");

      assertThatThrownBy(() -> PortCheck.requireFree(MeshPlan.portClaims(config, true)))
          .isInstanceOf(PortConflictException.class)
          .hasMessageContaining(
              "port "
                  + port
                  + " (data-storage gRPC) is already in use by another process; "
                  + "to use another port, set services.data-storage.grpc-port in marketprism.yaml");
    }
  }

  @Test
  void samePortTwiceInTheFileIsAConflict() {
    LauncherConfig config = ConfigLoader.parse("nats:\n  port: 7102\n", "marketprism.yaml");

    assertThatThrownBy(() -> PortCheck.requireFree(MeshPlan.portClaims(config, true)))
        .isInstanceOf(PortConflictException.class)
        .hasMessageContaining(
            "port 7102 (data-storage gRPC) is also configured for nats client; "
                + "to use another port, set services.data-storage.grpc-port in marketprism.yaml");
  }
}
