package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.launcher.LauncherConfig.ServiceSettings;
import io.marketprism.supervisor.PortCheck;
import io.marketprism.supervisor.PortConflictException;
import io.marketprism.supervisor.SupervisedProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeshPlanTest {

  private final LauncherConfig defaults = ConfigLoader.defaults();

  @Test
  void serviceReceivesItsSettingsAsEnvironmentVariables() {
    ServiceSettings storage =
        defaults.services().stream()
            .filter(s -> s.name().equals("data-storage"))
            .findFirst()
            .orElseThrow();

    Map<String, String> env = MeshPlan.environment(defaults, storage);

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
        .doesNotContainKey("MARKETPRISM_PEERS_DATA_STORAGE");
  }

  @Test
  void gatewayGetsItsHttpPortAndControlPlaneItsAdminPort() {
    ServiceSettings gateway =
        defaults.services().stream()
            .filter(s -> s.name().equals("api-gateway"))
            .findFirst()
            .orElseThrow();
    ServiceSettings controlPlane = defaults.services().get(0);

    assertThat(MeshPlan.environment(defaults, gateway))
        .containsEntry("MARKETPRISM_HTTP_PORT", "8080");
    assertThat(MeshPlan.environment(defaults, controlPlane))
        .containsEntry("MARKETPRISM_ADMIN_PORT", "7190")
        .containsEntry("MARKETPRISM_METRICS_PORT", "9100");
  }

  @Test
  void processesStartInfrastructureFirstThenTheCatalogInOrder() {
    List<SupervisedProcess> processes =
        MeshPlan.processes(defaults, new Workspace(Path.of("/repo"), Path.of("/ws")), "1.0");

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

      assertThatThrownBy(() -> PortCheck.requireFree(MeshPlan.portClaims(config)))
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

    assertThatThrownBy(() -> PortCheck.requireFree(MeshPlan.portClaims(config)))
        .isInstanceOf(PortConflictException.class)
        .hasMessageContaining(
            "port 7102 (data-storage gRPC) is also configured for nats client; "
                + "to use another port, set services.data-storage.grpc-port in marketprism.yaml");
  }
}
