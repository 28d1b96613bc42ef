package io.marketprism.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.controlplane.cache.Resources;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.marketprism.controlplane.snapshot.EnvoyNode;
import io.marketprism.controlplane.support.MeshHarness;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real grpc-xds client that rejects a resource: grpc-java, posing as an Envoy sidecar, accepts the sidecar's
 * plaintext inbound listener and NACKs it once mTLS makes it carry SDS secrets (gRPC only takes certificate provider
 * instances). The control plane counts and shows the NACK with its error, does not resend the rejected version, keeps
 * serving every other node, and the node gets the next different version when there is one.
 */
@WithNats
class NackTest {

  private static final String LISTENER = "inbound|data-storage";

  private static NodeTracker.TypeStatus listenerStatus(MeshHarness mesh, String nodeId) {
    return mesh.controlPlane().nodes().nodes().stream()
        .filter(n -> n.node().getId().equals(nodeId))
        .flatMap(n -> n.types().stream())
        .filter(t -> t.typeUrl().equals(Resources.V3.LISTENER_TYPE_URL))
        .findFirst().orElseThrow();
  }

  @Test
  void aNackIsCountedNotResentAndTheNodeKeepsItsLastAcceptedVersion(NatsServer nats, @TempDir Path dir) throws Exception {
    String plaintext = "services: {data-storage: {mtls: DISABLE}, echo: {mtls: DISABLE}}";
    try (MeshHarness mesh = new MeshHarness(nats.url(), dir, plaintext)) {
      mesh.backend("echo", "echo-a", "1.0");
      ManagedChannel echo = mesh.client("echo");
      String nodeId = "posing-sidecar-" + UUID.randomUUID();
      Map<String, Object> bootstrap = new LinkedHashMap<>(mesh.bootstrap("data-storage", Map.of()));
      bootstrap.put("node", Map.of("id", nodeId, "cluster", "data-storage",
          "metadata", Map.of(EnvoyNode.ROLE_KEY, "sidecar")));
      ManagedChannel posing = mesh.channel("inbound%7Cdata-storage", bootstrap);
      posing.getState(true);
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> !listenerStatus(mesh, nodeId).ackedVersion().isEmpty());
      String accepted = listenerStatus(mesh, nodeId).ackedVersion();
      assertThat(listenerStatus(mesh, nodeId).requestedNames()).containsExactly(LISTENER);

      Files.writeString(mesh.policyFile(), "services: {data-storage: {mtls: STRICT}, echo: {mtls: DISABLE}}");
      await().atMost(Duration.ofSeconds(30)).until(() -> listenerStatus(mesh, nodeId).nackError().isPresent());
      NodeTracker.TypeStatus rejected = listenerStatus(mesh, nodeId);
      assertThat(rejected.nackError().get()).contains(LISTENER).contains("tls_certificate_provider_instance");
      assertThat(rejected.ackedVersion()).isEqualTo(accepted);
      assertThat(rejected.sentVersion()).isNotEqualTo(accepted);
      // every other node is served as before
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "echo-a".equals(MeshHarness.call(echo, Map.of())));

      Files.writeString(mesh.policyFile(), plaintext);
      await().atMost(Duration.ofSeconds(30))
          .until(() -> listenerStatus(mesh, nodeId).nackError().isEmpty()
              && listenerStatus(mesh, nodeId).ackedVersion().equals(accepted));
      // one NACK for one rejected version: the cache did not send it again while it stood
      assertThat(listenerStatus(mesh, nodeId).nackCount()).isEqualTo(1);
      assertThat(mesh.controlPlane().nodes().nackCount()).isEqualTo(1);
      assertThat(posing.getState(false)).isNotEqualTo(ConnectivityState.SHUTDOWN);
    }
  }
}
