package io.marketprism.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.marketprism.controlplane.support.MeshHarness;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two replicas on one registry bucket: when the one a client's bootstrap names first dies, clients use the other. */
@WithNats
class ReplicaFailoverTest {

  @Test
  void whenThePrimaryReplicaIsDownClientsGetTheirConfigurationFromTheOther(NatsServer nats, @TempDir Path dir) throws Exception {
    try (MeshHarness mesh = new MeshHarness(nats.url(), dir, "")) {
      int secondary = mesh.startReplica();
      mesh.backend("replicated", "replicated-a", "1.0");
      ManagedChannel before = mesh.clientOf("replicated", List.of(mesh.controlPort(), secondary));
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> "replicated-a".equals(MeshHarness.call(before, Map.of())));

      int primary = mesh.controlPort();
      mesh.stopControlPlane();

      ManagedChannel after = mesh.clientOf("replicated", List.of(primary, secondary));
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> "replicated-a".equals(MeshHarness.call(after, Map.of())));
      assertThat(MeshHarness.call(before, Map.of())).isEqualTo("replicated-a");
    }
  }
}
