package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusReportTest {

  private final ObjectMapper mapper = new ObjectMapper();
  private final Workspace workspace = new Workspace(Path.of("/repo"), Path.of("/ws"));
  private final List<ComponentState> components =
      MeshPlan.components(ConfigLoader.defaults(), workspace, false);

  /**
   * Storage is down, the broker answers NOT_SERVING, everything else serves; NATS is up, ClickHouse
   * down.
   */
  private final StatusProbe probe =
      new StatusProbe() {
        @Override
        public String grpcHealth(String address) {
          return Map.of("127.0.0.1:7102", "DOWN", "127.0.0.1:7103", "NOT_SERVING")
              .getOrDefault(address, "SERVING");
        }

        @Override
        public boolean httpOk(String url) {
          return url.equals("http://127.0.0.1:18222/healthz");
        }
      };

  @Test
  void jsonListsServicesWithAddressAndLiveHealth() throws Exception {
    JsonNode json =
        mapper.readTree(
            mapper.writeValueAsString(
                StatusReport.probe(components, RunState.Mesh.OFF, probe).toJson(mapper)));

    assertThat(json.get("services")).hasSize(ServiceCatalog.SERVICES.size());
    JsonNode storage = entry(json.get("services"), "data-storage");
    assertThat(storage.get("address").asText()).isEqualTo("127.0.0.1:7102");
    assertThat(storage.get("health").asText()).isEqualTo("DOWN");
    assertThat(entry(json.get("services"), "message-broker").get("health").asText())
        .isEqualTo("NOT_SERVING");
    assertThat(entry(json.get("services"), "scheduler").get("health").asText())
        .isEqualTo("SERVING");
    assertThat(iterableFieldNames(storage)).containsExactly("name", "address", "health");
  }

  @Test
  void gatewayCarriesHttpAndControlPlaneCarriesAdmin() throws Exception {
    JsonNode json =
        mapper.readTree(
            mapper.writeValueAsString(
                StatusReport.probe(components, RunState.Mesh.OFF, probe).toJson(mapper)));

    assertThat(entry(json.get("services"), "api-gateway").get("http").asText())
        .isEqualTo("http://127.0.0.1:8080");
    assertThat(entry(json.get("services"), "control-plane").get("admin").asText())
        .isEqualTo("http://127.0.0.1:7190");
  }

  @Test
  void infrastructureIsAseparateKeyWithUpOrDown() throws Exception {
    JsonNode json =
        mapper.readTree(
            mapper.writeValueAsString(
                StatusReport.probe(components, RunState.Mesh.OFF, probe).toJson(mapper)));

    assertThat(iterableFieldNames(json)).containsExactly("services", "infrastructure", "mesh");
    assertThat(json.get("mesh").get("enabled").asBoolean()).isFalse();
    assertThat(entry(json.get("infrastructure"), "nats").get("health").asText()).isEqualTo("UP");
    assertThat(entry(json.get("infrastructure"), "clickhouse").get("health").asText())
        .isEqualTo("DOWN");
    assertThat(entry(json.get("infrastructure"), "clickhouse").get("http").asText())
        .isEqualTo("http://127.0.0.1:18123");
    assertThat(json.get("services").findValues("name"))
        .extracting(JsonNode::asText)
        .doesNotContain("nats", "clickhouse");
  }

  @Test
  void inTheMeshHealthIsProbedOnTheHealthPortAndTheMeshIsDescribed() throws Exception {
    LauncherConfig config = ConfigLoader.defaults();
    StatusReport report =
        StatusReport.probe(
            MeshPlan.components(config, workspace, true),
            MeshPlan.meshState(config, workspace, true),
            probe);
    JsonNode json = mapper.readTree(mapper.writeValueAsString(report.toJson(mapper)));

    // the probe answers DOWN for 127.0.0.1:7102, storage's mTLS port; its health port serves
    JsonNode storage = entry(json.get("services"), "data-storage");
    assertThat(storage.get("health").asText()).isEqualTo("SERVING");
    assertThat(storage.get("health_address").asText()).isEqualTo("127.0.0.1:7302");
    // the control plane's gRPC port is mTLS in the mesh too: it is probed on its plaintext health port
    assertThat(entry(json.get("services"), "control-plane").get("health_address").asText())
        .isEqualTo("127.0.0.1:7300");
    JsonNode mesh = json.get("mesh");
    assertThat(mesh.get("enabled").asBoolean()).isTrue();
    assertThat(mesh.get("control_plane").asText()).isEqualTo("127.0.0.1:7100");
    assertThat(mesh.get("ca").asText()).isEqualTo("/ws/pki/ca/ca.pem");
    assertThat(report.toTable()).contains("mesh: on").contains("./marketprism pki issue");
  }

  private static JsonNode entry(JsonNode array, String name) {
    for (JsonNode element : array) {
      if (element.get("name").asText().equals(name)) {
        return element;
      }
    }
    throw new AssertionError("no entry named " + name + " in " + array);
  }

  private static List<String> iterableFieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.properties().forEach(property -> names.add(property.getKey()));
    return names;
  }
}
