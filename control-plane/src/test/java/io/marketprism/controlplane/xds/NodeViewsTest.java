package io.marketprism.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.envoy.admin.v3.ClientResourceStatus;
import io.envoyproxy.envoy.service.status.v3.ClientConfig;
import io.envoyproxy.envoy.service.status.v3.ClientStatusDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.status.v3.ClientStatusRequest;
import io.envoyproxy.envoy.service.status.v3.ClientStatusResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.marketprism.controlplane.admin.AdminServer;
import io.marketprism.controlplane.support.MeshHarness;
import io.marketprism.kit.health.ServiceHealth;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What operators see: every connected node, what it was sent and whether it ACKed, over CSDS and the admin port. */
@WithNats
class NodeViewsTest {

  @Test
  void csdsAndTheAdminEndpointShowConnectedNodesAndTheirAcks(NatsServer nats, @TempDir Path dir) throws Exception {
    try (MeshHarness mesh = new MeshHarness(nats.url(), dir, "services: {views: {mtls: DISABLE}}")) {
      mesh.backend("views", "views-a", "1.0");
      ManagedChannel client = mesh.client("views");
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "views-a".equals(MeshHarness.call(client, Map.of())));

      ManagedChannel admin = Grpc.newChannelBuilder("127.0.0.1:" + mesh.controlPort(), InsecureChannelCredentials.create()).build();
      try {
        ClientStatusResponse status = ClientStatusDiscoveryServiceGrpc.newBlockingStub(admin)
            .fetchClientStatus(ClientStatusRequest.getDefaultInstance());
        List<String> clusters = status.getConfigList().stream().map(c -> c.getNode().getCluster()).toList();
        assertThat(clusters).contains("views", "test-client");
        ClientConfig server = status.getConfigList().stream()
            .filter(c -> c.getNode().getCluster().equals("views")).findFirst().orElseThrow();
        assertThat(server.getGenericXdsConfigsList())
            .anySatisfy(g -> {
              assertThat(g.getName()).startsWith("grpc/server?xds.resource.listening_address=0.0.0.0:");
              assertThat(g.getClientStatus()).isEqualTo(ClientResourceStatus.ACKED);
            });
      } finally {
        admin.shutdownNow();
      }

      try (AdminServer http = AdminServer.start("127.0.0.1", 0, mesh.controlPlane(), new ServiceHealth())) {
        HttpResponse<String> nodes = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.address().getPort() + "/nodes")).build(),
            HttpResponse.BodyHandlers.ofString());
        JsonNode body = new ObjectMapper().readTree(nodes.body());
        assertThat(nodes.statusCode()).isEqualTo(200);
        assertThat(body.get("nacks").asLong()).isZero();
        assertThat(body.get("nodes").findValuesAsText("group")).contains("views", "test-client");
        assertThat(body.get("nodes").findValuesAsText("status")).contains("ACKED").doesNotContain("NACKED");
      }
    }
  }
}
