package io.marketprism.controlplane.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.marketprism.controlplane.support.EnvoyProtos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The Envoy bootstraps in {@code mesh/deploy/envoy} parse into the typed v3 {@link Bootstrap} (strictly: an unknown
 * field or type fails) and lead to the control plane; the compose file and Kubernetes manifests start each sidecar
 * as the node of its service, with its own certificates where the SDS secrets point, on the ports the control plane
 * builds listeners for.
 */
class EnvoyDeploymentFilesTest {

  private static final Path DEPLOY = Path.of("../mesh/deploy");
  private static final EnvoySettings SETTINGS = EnvoySettings.defaults();

  private static Bootstrap bootstrap(String file) throws Exception {
    Bootstrap parsed = EnvoyProtos.parseYaml(Files.readString(DEPLOY.resolve("envoy").resolve(file)), Bootstrap.newBuilder()).build();
    assertThat(EnvoyProtos.roundTrip(parsed)).isEqualTo(parsed);
    return parsed;
  }

  private static void assertLeadsToTheControlPlane(Bootstrap bootstrap) {
    String xds = bootstrap.getDynamicResources().getAdsConfig().getGrpcServices(0).getEnvoyGrpc().getClusterName();
    Cluster cluster = bootstrap.getStaticResources().getClustersList().stream()
        .filter(c -> c.getName().equals(xds)).findFirst().orElseThrow(() -> new AssertionError("no static cluster " + xds));
    assertThat(cluster.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress()
        .getPortValue()).isEqualTo(7100);
    assertThat(cluster.getTypedExtensionProtocolOptionsMap()).containsKey(EnvoyClusters.HTTP_PROTOCOL_OPTIONS);
    // the cache groups every request by its own node, so every request must carry it
    assertThat(bootstrap.getDynamicResources().getAdsConfig().getSetNodeOnFirstMessageOnly()).isFalse();
    assertThat(bootstrap.getDynamicResources().getCdsConfig().getConfigSourceSpecifierCase())
        .isEqualTo(ConfigSource.ConfigSourceSpecifierCase.ADS);
    assertThat(bootstrap.getDynamicResources().getLdsConfig().getConfigSourceSpecifierCase())
        .isEqualTo(ConfigSource.ConfigSourceSpecifierCase.ADS);
  }

  @Test
  void sidecarBootstrapIsTypedAndMakesASidecarNodeOfTheServiceOnItsCommandLine() throws Exception {
    Bootstrap sidecar = bootstrap("sidecar.yaml");

    assertLeadsToTheControlPlane(sidecar);
    // --service-cluster sets node.cluster, as compose and Kubernetes start it
    Node node = sidecar.getNode().toBuilder().setCluster("data-storage").build();
    assertThat(MeshNodeGroup.groupOf(node)).isEqualTo("sidecar|data-storage");
  }

  @Test
  void edgeBootstrapIsTypedAndMakesAGatewayNode() throws Exception {
    Bootstrap edge = bootstrap("edge-gateway.yaml");

    assertLeadsToTheControlPlane(edge);
    assertThat(MeshNodeGroup.groupOf(edge.getNode())).isEqualTo("gateway|edge-gateway");
  }

  @Test
  void composeRunsEveryServiceWithItsSidecarAsTheControlPlaneExpects() throws Exception {
    JsonNode services = new YAMLMapper().readTree(DEPLOY.resolve("docker-compose.yaml").toFile()).get("services");
    assertThat(services.has("nats") && services.has("clickhouse") && services.has("jaeger") && services.has("control-plane"))
        .isTrue();
    List<String> caCommand = texts(services.get("mesh-ca").get("command"));
    String rotated = caCommand.get(caCommand.indexOf("--services") + 1);
    for (Map.Entry<String, Integer> e : SETTINGS.servicePorts().entrySet()) {
      String service = e.getKey();
      assertThat(services.get(service).get("environment").get("MARKETPRISM_GRPC_PORT").asText())
          .as(service + " serves where its sidecar forwards").isEqualTo(e.getValue().toString());
      JsonNode sidecar = services.get(service + "-sidecar");
      assertThat(sidecar).as(service + " has a sidecar").isNotNull();
      assertThat(sidecar.get("network_mode").asText()).isEqualTo("service:" + service);
      assertThat(texts(sidecar.get("command"))).containsSubsequence("--service-cluster", service);
      assertThat(texts(sidecar.get("volumes"))).contains("./.certs/" + service + ":" + SETTINGS.certDir() + ":ro");
      assertThat(rotated.split(",")).contains(service);
    }
    JsonNode edge = services.get("edge-gateway");
    assertThat(texts(edge.get("volumes"))).contains("./.certs/edge-gateway:" + SETTINGS.certDir() + ":ro");
    assertThat(texts(edge.get("ports"))).contains(SETTINGS.gateway().port() + ":" + SETTINGS.gateway().port());
    assertThat(rotated.split(",")).contains("edge-gateway");
  }

  @Test
  void kubernetesRunsEveryServiceWithItsSidecarAsTheControlPlaneExpects() throws Exception {
    List<JsonNode> deployments = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class)
        .readValues(DEPLOY.resolve("k8s/services.yaml").toFile())) {
      docs.forEachRemaining(d -> {
        if (d.path("kind").asText().equals("Deployment")) {
          deployments.add(d);
        }
      });
    }
    assertThat(deployments).extracting(d -> d.get("metadata").get("name").asText())
        .containsExactlyInAnyOrderElementsOf(SETTINGS.servicePorts().keySet());
    for (JsonNode d : deployments) {
      String service = d.get("metadata").get("name").asText();
      List<JsonNode> containers = StreamSupport.stream(d.at("/spec/template/spec/containers").spliterator(), false).toList();
      JsonNode app = containers.get(0);
      JsonNode envoy = containers.get(1);
      Map<String, String> env = new java.util.HashMap<>();
      app.get("env").forEach(v -> env.put(v.get("name").asText(), v.get("value").asText()));
      assertThat(env.get("MARKETPRISM_GRPC_PORT")).isEqualTo(SETTINGS.servicePorts().get(service).toString());
      // every peer is dialled at the sidecar's outbound listener for it
      SETTINGS.servicePorts().forEach((peer, port) -> assertThat(env)
          .containsEntry("MARKETPRISM_PEERS_" + peer.toUpperCase().replace('-', '_'), "127.0.0.1:" + port));
      assertThat(texts(envoy.get("args"))).containsSubsequence("--service-cluster", service);
      assertThat(envoy.get("ports").get(0).get("containerPort").asInt()).isEqualTo(SETTINGS.inboundPort());
      assertThat(StreamSupport.stream(envoy.get("volumeMounts").spliterator(), false)
          .filter(m -> m.get("mountPath").asText().equals(SETTINGS.certDir())).findFirst().orElseThrow()
          .get("subPath").asText()).isEqualTo(service);
    }
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
