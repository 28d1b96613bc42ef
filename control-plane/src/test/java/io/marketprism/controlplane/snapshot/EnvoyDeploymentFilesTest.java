package io.marketprism.controlplane.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.marketprism.controlplane.ControlPlaneConfig;
import io.marketprism.controlplane.pki.PemFiles;
import io.marketprism.controlplane.support.EnvoyProtos;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.kit.config.MeshConfig;
import io.marketprism.kit.config.ServiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The Envoy bootstraps in {@code mesh/deploy/envoy} parse into the typed v3 {@link Bootstrap} (strictly: an unknown
 * field or type fails) and lead to the control plane; the compose file and Kubernetes manifests start each sidecar
 * as the node of its service, with its own certificates where the SDS secrets point, on the ports the control plane
 * builds listeners for. The control plane's port is mTLS only there, as in {@code ./marketprism up}: its pods carry
 * the certificate the mesh CA issues them and {@code server-tls}, every Envoy dials it with its own certificate and
 * accepts only the control plane's SPIFFE id, and probes use the plaintext health port.
 */
class EnvoyDeploymentFilesTest {

  private static final Path DEPLOY = Path.of("../mesh/deploy");
  private static final EnvoySettings SETTINGS = EnvoySettings.defaults();
  private static final String CONTROL_PLANE = "control-plane";
  private static final int CONTROL_PLANE_PORT = 7100;
  /** Where the bootstraps are mounted in every Envoy container (compose) and pod (the envoy-bootstrap ConfigMap). */
  private static final String BOOTSTRAP_DIR = "/etc/envoy/";

  private static Bootstrap bootstrap(String file) throws Exception {
    Bootstrap parsed = EnvoyProtos.parseYaml(Files.readString(DEPLOY.resolve("envoy").resolve(file)), Bootstrap.newBuilder()).build();
    assertThat(EnvoyProtos.roundTrip(parsed)).isEqualTo(parsed);
    return parsed;
  }

  private static void assertLeadsToTheControlPlane(Bootstrap bootstrap) throws Exception {
    String xds = bootstrap.getDynamicResources().getAdsConfig().getGrpcServices(0).getEnvoyGrpc().getClusterName();
    Cluster cluster = bootstrap.getStaticResources().getClustersList().stream()
        .filter(c -> c.getName().equals(xds)).findFirst().orElseThrow(() -> new AssertionError("no static cluster " + xds));
    assertThat(cluster.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress()
        .getPortValue()).isEqualTo(CONTROL_PLANE_PORT);
    assertSpeaksMtlsToTheControlPlane(cluster);
    assertThat(cluster.getTypedExtensionProtocolOptionsMap()).containsKey(EnvoyClusters.HTTP_PROTOCOL_OPTIONS);
    // the cache groups every request by its own node, so every request must carry it
    assertThat(bootstrap.getDynamicResources().getAdsConfig().getSetNodeOnFirstMessageOnly()).isFalse();
    assertThat(bootstrap.getDynamicResources().getCdsConfig().getConfigSourceSpecifierCase())
        .isEqualTo(ConfigSource.ConfigSourceSpecifierCase.ADS);
    assertThat(bootstrap.getDynamicResources().getLdsConfig().getConfigSourceSpecifierCase())
        .isEqualTo(ConfigSource.ConfigSourceSpecifierCase.ADS);
  }

  /**
   * The control plane's port takes only mesh-CA certificates (server-tls, client auth REQUIRE): the cluster presents
   * the Envoy's own workload certificate and accepts only the control plane's identity, from the files every Envoy
   * mounts at {@code envoy.cert-dir}.
   */
  private static void assertSpeaksMtlsToTheControlPlane(Cluster cluster) throws Exception {
    assertThat(cluster.getTransportSocket().getName()).isEqualTo("envoy.transport_sockets.tls");
    UpstreamTlsContext upstream = cluster.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    CommonTlsContext common = upstream.getCommonTlsContext();
    // grpc-java's TLS server closes a connection that does not negotiate h2
    assertThat(common.getAlpnProtocolsList()).containsExactly("h2");

    CertificateValidationContext validation = common.getValidationContext();
    assertThat(validation.getTrustedCa().getFilename()).isEqualTo(SETTINGS.certDir() + "/" + PemFiles.CA);
    assertThat(validation.getMatchTypedSubjectAltNamesList()).singleElement().satisfies(san -> {
      assertThat(san.getSanType()).isEqualTo(SubjectAltNameMatcher.SanType.URI);
      assertThat(san.getMatcher().getExact()).isEqualTo(MeshNames.spiffeId(CONTROL_PLANE));
    });

    // the workload certificate through file-based SDS, so that Envoy re-reads it when the rotator replaces it
    assertThat(common.getTlsCertificatesList()).as("inline certificates are never reloaded").isEmpty();
    SdsSecretConfig identity = common.getTlsCertificateSdsSecretConfigs(0);
    assertThat(common.getTlsCertificateSdsSecretConfigsCount()).isEqualTo(1);
    String sdsFile = identity.getSdsConfig().getPathConfigSource().getPath();
    assertThat(sdsFile).startsWith(BOOTSTRAP_DIR);
    Secret secret = sdsSecret(sdsFile.substring(BOOTSTRAP_DIR.length()));
    assertThat(secret.getName()).isEqualTo(identity.getName());
    TlsCertificate certificate = secret.getTlsCertificate();
    assertThat(certificate.getCertificateChain().getFilename()).isEqualTo(SETTINGS.certDir() + "/" + PemFiles.CERTIFICATE);
    assertThat(certificate.getPrivateKey().getFilename()).isEqualTo(SETTINGS.certDir() + "/" + PemFiles.KEY);
    assertThat(certificate.getWatchedDirectory().getPath()).isEqualTo(SETTINGS.certDir());
  }

  /** The one secret of a file-based SDS resource file in {@code mesh/deploy/envoy} (Envoy wants exactly one). */
  private static Secret sdsSecret(String file) throws Exception {
    DiscoveryResponse response = EnvoyProtos.parseYaml(
        Files.readString(DEPLOY.resolve("envoy").resolve(file)), DiscoveryResponse.newBuilder()).build();
    assertThat(EnvoyProtos.roundTrip(response)).isEqualTo(response);
    assertThat(response.getResourcesCount()).as(file + " holds one secret").isEqualTo(1);
    return response.getResources(0).unpack(Secret.class);
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
      Map<String, String> env = composeEnvironment(services.get(service));
      assertThat(env.get("MARKETPRISM_GRPC_PORT"))
          .as(service + " serves where its sidecar forwards").isEqualTo(e.getValue().toString());
      assertNeverDialsTheControlPlaneInPlaintext(service, env);
      JsonNode sidecar = services.get(service + "-sidecar");
      assertThat(sidecar).as(service + " has a sidecar").isNotNull();
      assertThat(sidecar.get("network_mode").asText()).isEqualTo("service:" + service);
      assertThat(texts(sidecar.get("command"))).containsSubsequence("--service-cluster", service);
      assertThat(texts(sidecar.get("volumes")))
          .contains("./.certs/" + service + ":" + SETTINGS.certDir() + ":ro", composeSdsMount(sidecarSdsFile()));
      assertThat(rotated.split(",")).contains(service);
    }
    JsonNode edge = services.get("edge-gateway");
    assertThat(texts(edge.get("volumes")))
        .contains("./.certs/edge-gateway:" + SETTINGS.certDir() + ":ro", composeSdsMount(edgeSdsFile()));
    assertThat(texts(edge.get("ports"))).contains(SETTINGS.gateway().port() + ":" + SETTINGS.gateway().port());
    assertThat(rotated.split(",")).contains("edge-gateway");
  }

  @Test
  void composeServesTheControlPlanePortOverMtlsWithTheMeshCasCertificateAndProbesItsPlaintextHealthPort() throws Exception {
    JsonNode services = new YAMLMapper().readTree(DEPLOY.resolve("docker-compose.yaml").toFile()).get("services");
    JsonNode controlPlane = services.get(CONTROL_PLANE);
    Map<String, String> env = composeEnvironment(controlPlane);
    int healthPort = assertServesMtls(env);

    String certDir = env.get("MARKETPRISM_SERVER_TLS_CERT_DIR");
    assertThat(texts(controlPlane.get("volumes"))).contains("./.certs/" + CONTROL_PLANE + ":" + certDir + ":ro");
    List<String> caCommand = texts(services.get("mesh-ca").get("command"));
    assertThat(caCommand.get(caCommand.indexOf("--services") + 1).split(",")).contains(CONTROL_PLANE);
    assertThat(caCommand.get(caCommand.indexOf("--out") + 1)).isEqualTo("/certs");
    // the control plane cannot serve before its certificate exists
    assertThat(controlPlane.at("/depends_on/mesh-ca/condition").asText()).isEqualTo("service_healthy");
    assertThat(String.join(" ", texts(services.get("mesh-ca").at("/healthcheck/test"))))
        .contains("/certs/" + CONTROL_PLANE + "/" + PemFiles.CERTIFICATE);

    String probe = String.join(" ", texts(controlPlane.at("/healthcheck/test")));
    assertThat(probe).contains("/" + healthPort).doesNotContain(Integer.toString(CONTROL_PLANE_PORT));
  }

  @Test
  void kubernetesServesTheControlPlanePortOverMtlsWithTheMeshCasCertificateAndProbesItsPlaintextHealthPort()
      throws Exception {
    JsonNode deployment = documents("k8s/control-plane.yaml").stream()
        .filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
    JsonNode container = deployment.at("/spec/template/spec/containers/0");
    Map<String, String> env = kubernetesEnvironment(container);
    int healthPort = assertServesMtls(env);

    JsonNode certs = StreamSupport.stream(container.get("volumeMounts").spliterator(), false)
        .filter(m -> m.get("mountPath").asText().equals(env.get("MARKETPRISM_SERVER_TLS_CERT_DIR"))).findFirst()
        .orElseThrow(() -> new AssertionError("the control plane mounts no certificate directory"));
    assertThat(certs.get("subPath").asText()).isEqualTo(CONTROL_PLANE);
    JsonNode volume = StreamSupport.stream(deployment.at("/spec/template/spec/volumes").spliterator(), false)
        .filter(v -> v.get("name").asText().equals(certs.get("name").asText())).findFirst().orElseThrow();
    assertThat(volume.at("/persistentVolumeClaim/claimName").asText()).isEqualTo("mesh-certs");
    JsonNode ca = documents("k8s/mesh-ca.yaml").stream()
        .filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
    List<String> caArgs = texts(ca.at("/spec/template/spec/containers/0/args"));
    assertThat(caArgs.get(caArgs.indexOf("--services") + 1).split(",")).contains(CONTROL_PLANE);

    // Kubernetes' own gRPC probe asks grpc.health.v1 for "", which the health port answers without a certificate
    assertThat(container.at("/readinessProbe/grpc/port").asInt()).isEqualTo(healthPort);
    for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
      // neither by number nor by the name of the TLS port
      assertThat(container.path(probe).findValues("port").stream().map(JsonNode::asText))
          .doesNotContain(Integer.toString(CONTROL_PLANE_PORT), "grpc");
    }
    assertThat(StreamSupport.stream(container.get("ports").spliterator(), false).map(p -> p.get("containerPort").asInt()))
        .contains(CONTROL_PLANE_PORT, healthPort);

    // every pod's /etc/envoy is the envoy-bootstrap ConfigMap: it must carry the SDS file the bootstraps name
    String apply = Files.readString(DEPLOY.resolve("k8s/apply.sh"));
    for (String file : List.of(sidecarSdsFile(), edgeSdsFile())) {
      assertThat(apply).contains("--from-file=" + file + "=\"$here/../envoy/" + file + "\"");
    }
  }

  @Test
  void kubernetesRunsEveryServiceWithItsSidecarAsTheControlPlaneExpects() throws Exception {
    List<JsonNode> deployments = documents("k8s/services.yaml").stream()
        .filter(d -> d.path("kind").asText().equals("Deployment")).toList();
    assertThat(deployments).extracting(d -> d.get("metadata").get("name").asText())
        .containsExactlyInAnyOrderElementsOf(SETTINGS.servicePorts().keySet());
    for (JsonNode d : deployments) {
      String service = d.get("metadata").get("name").asText();
      List<JsonNode> containers = StreamSupport.stream(d.at("/spec/template/spec/containers").spliterator(), false).toList();
      JsonNode app = containers.get(0);
      JsonNode envoy = containers.get(1);
      Map<String, String> env = kubernetesEnvironment(app);
      assertThat(env.get("MARKETPRISM_GRPC_PORT")).isEqualTo(SETTINGS.servicePorts().get(service).toString());
      assertNeverDialsTheControlPlaneInPlaintext(service, env);
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

  /**
   * The control plane as {@code env} configures it serves its gRPC port with mTLS ({@code server-tls}, bound by the
   * real config class, so a misspelt variable fails) and grpc.health.v1 on a fixed plaintext port, which it returns.
   */
  private static int assertServesMtls(Map<String, String> env) {
    ControlPlaneConfig config = ConfigLoader.load(ControlPlaneConfig.class, null, env);
    assertThat(config.grpc().port()).isEqualTo(CONTROL_PLANE_PORT);
    assertThat(config.serverTls().certDir()).as("server-tls.cert-dir").isPresent()
        .isEqualTo(Optional.of(Path.of(SETTINGS.certDir())));
    // REQUIRE is the default and the only value the config accepts; the files say it anyway
    assertThat(env).containsEntry("MARKETPRISM_SERVER_TLS_CLIENT_AUTH", "REQUIRE");
    int healthPort = config.serverTls().healthPort();
    assertThat(healthPort).as("a fixed plaintext health port for probes").isPositive().isNotEqualTo(CONTROL_PLANE_PORT);
    return healthPort;
  }

  /**
   * A Java service either runs outside the mesh — in these files its sidecar's ADS stream is its way to the control
   * plane — or dials the control plane over mTLS ({@code mesh.control-plane-tls}). Bound by the service kit's own
   * config class, which also refuses {@code control-plane-tls} without a certificate directory.
   */
  private static void assertNeverDialsTheControlPlaneInPlaintext(String service, Map<String, String> env) {
    MeshConfig mesh = ConfigLoader.load(ServiceConfig.class, null, env).mesh();
    assertThat(!mesh.enabled() || mesh.controlPlaneTls())
        .as(service + " joins the mesh, so it must set MARKETPRISM_MESH_CONTROL_PLANE_TLS=true and a cert dir")
        .isTrue();
  }

  /** The file-based SDS file each bootstrap's xds-control-plane cluster names, relative to {@code /etc/envoy}. */
  private static String sidecarSdsFile() throws Exception {
    return sdsFileOf(bootstrap("sidecar.yaml"));
  }

  private static String edgeSdsFile() throws Exception {
    return sdsFileOf(bootstrap("edge-gateway.yaml"));
  }

  private static String sdsFileOf(Bootstrap bootstrap) throws Exception {
    Cluster cluster = bootstrap.getStaticResources().getClustersList().stream()
        .filter(c -> c.getName().equals("xds-control-plane")).findFirst().orElseThrow();
    String path = cluster.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class).getCommonTlsContext()
        .getTlsCertificateSdsSecretConfigs(0).getSdsConfig().getPathConfigSource().getPath();
    return path.substring(BOOTSTRAP_DIR.length());
  }

  private static String composeSdsMount(String file) {
    return "./envoy/" + file + ":" + BOOTSTRAP_DIR + file + ":ro";
  }

  /** A compose service's environment, with what a {@code <<: *anchor} merge key brings in. */
  private static Map<String, String> composeEnvironment(JsonNode service) {
    Map<String, String> env = new HashMap<>();
    JsonNode environment = service.get("environment");
    JsonNode merged = environment.get("<<");
    if (merged != null) {
      merged.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
    }
    environment.fields().forEachRemaining(f -> {
      if (!f.getKey().equals("<<")) {
        env.put(f.getKey(), f.getValue().asText());
      }
    });
    return env;
  }

  /** A Kubernetes container's literal environment ({@code valueFrom} entries left out). */
  private static Map<String, String> kubernetesEnvironment(JsonNode container) {
    Map<String, String> env = new HashMap<>();
    container.get("env").forEach(v -> {
      if (v.has("value")) {
        env.put(v.get("name").asText(), v.get("value").asText());
      }
    });
    return env;
  }

  private static List<JsonNode> documents(String file) throws Exception {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class)
        .readValues(DEPLOY.resolve(file).toFile())) {
      docs.forEachRemaining(documents::add);
    }
    return documents;
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
