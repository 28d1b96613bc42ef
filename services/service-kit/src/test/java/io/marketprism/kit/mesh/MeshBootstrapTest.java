package io.marketprism.kit.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.kit.config.ConfigException;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.kit.config.ServiceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshBootstrapTest {

  private static ServiceConfig config(Map<String, String> environment) {
    return ConfigLoader.load(ServiceConfig.class, null, environment);
  }

  @Test
  void theMeshIsOffUnlessEnabled() {
    assertThat(config(Map.of()).mesh().enabled()).isFalse();
    assertThat(config(Map.of("MARKETPRISM_MESH_ENABLED", "true")).mesh().enabled()).isTrue();
  }

  @Test
  void bootstrapNamesTheControlPlanesTheServiceAndTheListenerTemplate() throws Exception {
    ServiceConfig config = config(Map.of("MARKETPRISM_MESH_CONTROL_PLANE", "10.0.0.1:7100,10.0.0.2:7100",
        "MARKETPRISM_MESH_ZONE", "eu-1"));

    JsonNode bootstrap = new ObjectMapper().readTree(MeshBootstrap.json("data-storage", config.mesh()));

    assertThat(bootstrap.get("xds_servers").findValuesAsText("server_uri")).containsExactly("10.0.0.1:7100", "10.0.0.2:7100");
    assertThat(bootstrap.at("/node/cluster").asText()).isEqualTo("data-storage");
    assertThat(bootstrap.at("/node/locality/zone").asText()).isEqualTo("eu-1");
    assertThat(bootstrap.get("server_listener_resource_name_template").asText())
        .isEqualTo("grpc/server?xds.resource.listening_address=%s");
    assertThat(bootstrap.has("certificate_providers")).isFalse();
  }

  @Test
  void aCertificateDirectoryDeclaresTheServerAndClientProviders() throws Exception {
    ServiceConfig config = config(Map.of("MARKETPRISM_MESH_CERT_DIR", "/etc/mesh/data-storage"));

    JsonNode providers = new ObjectMapper().readTree(MeshBootstrap.json("data-storage", config.mesh())).get("certificate_providers");

    assertThat(providers.fieldNames()).toIterable().containsExactlyInAnyOrder("server", "client");
    assertThat(providers.at("/server/plugin_name").asText()).isEqualTo("file_watcher");
    assertThat(providers.at("/client/config/certificate_file").asText()).isEqualTo("/etc/mesh/data-storage/cert.pem");
    assertThat(providers.at("/client/config/ca_certificate_file").asText()).isEqualTo("/etc/mesh/data-storage/ca.pem");
  }

  @Test
  void aCertificateDirectoryWithoutItsFilesIsRefusedNamingTheMissingFile(@TempDir Path dir) throws Exception {
    ServiceConfig config = config(Map.of("MARKETPRISM_MESH_CERT_DIR", dir.toString()));
    Files.writeString(dir.resolve("cert.pem"), "certificate");
    Files.writeString(dir.resolve("ca.pem"), "ca");

    assertThatThrownBy(() -> MeshBootstrap.requireCertificateFiles(config.mesh()))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("mesh.cert-dir " + dir + " has no readable key.pem");

    Files.writeString(dir.resolve("key.pem"), "key");
    MeshBootstrap.requireCertificateFiles(config.mesh());
    MeshBootstrap.requireCertificateFiles(config(Map.of()).mesh()); // no directory, nothing to check
  }

  @Test
  void aBadControlPlaneAddressIsRejectedNamingTheKey() {
    assertThatThrownBy(() -> config(Map.of("MARKETPRISM_MESH_CONTROL_PLANE", "control plane")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("mesh.control-plane");
  }

  @Test
  void theControlPlaneIsDialledPlaintextUnlessControlPlaneTlsIsOn() throws Exception {
    ServiceConfig plain = config(Map.of("MARKETPRISM_MESH_CERT_DIR", "/etc/mesh/data-storage"));
    ServiceConfig tls = config(Map.of("MARKETPRISM_MESH_CERT_DIR", "/etc/mesh/data-storage",
        "MARKETPRISM_MESH_CONTROL_PLANE", "10.0.0.1:7100,10.0.0.2:7100", "MARKETPRISM_MESH_CONTROL_PLANE_TLS", "true"));

    JsonNode plainServers = new ObjectMapper().readTree(MeshBootstrap.json("data-storage", plain.mesh())).get("xds_servers");
    JsonNode tlsServers = new ObjectMapper().readTree(MeshBootstrap.json("data-storage", tls.mesh())).get("xds_servers");

    assertThat(plainServers.at("/0/channel_creds/0/type").asText()).isEqualTo("insecure");
    for (JsonNode server : tlsServers) {
      assertThat(server.at("/channel_creds/0/type").asText()).isEqualTo("tls");
      assertThat(server.at("/channel_creds/0/config/certificate_file").asText()).isEqualTo("/etc/mesh/data-storage/cert.pem");
      assertThat(server.at("/channel_creds/0/config/private_key_file").asText()).isEqualTo("/etc/mesh/data-storage/key.pem");
      assertThat(server.at("/channel_creds/0/config/ca_certificate_file").asText()).isEqualTo("/etc/mesh/data-storage/ca.pem");
    }
    assertThat(tlsServers).hasSize(2);
  }

  @Test
  void controlPlaneTlsWithoutACertificateDirectoryIsRejectedNamingTheKeys() {
    assertThatThrownBy(() -> config(Map.of("MARKETPRISM_MESH_CONTROL_PLANE_TLS", "true")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("mesh.control-plane-tls needs mesh.cert-dir");
  }
}
