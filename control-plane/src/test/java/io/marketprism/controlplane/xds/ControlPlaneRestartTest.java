package io.marketprism.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.marketprism.controlplane.support.MeshHarness;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nodes keep their last configuration while the control plane is down, and converge after it restarts. */
@WithNats
class ControlPlaneRestartTest {

  private static MeshHarness mesh;

  @BeforeAll
  static void start(NatsServer nats, @TempDir Path dir) throws Exception {
    mesh = new MeshHarness(nats.url(), dir, "");
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  @Test
  void clientsAndServersKeepWorkingWhileItIsDownAndConvergeAfterARestart() throws Exception {
    mesh.backend("steady", "steady-a", "1.0");
    mesh.backend("steady", "steady-b", "1.0");
    ManagedChannel channel = mesh.client("steady");
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> seen(channel, 50).size() == 2);

    mesh.stopControlPlane();
    assertThat(seen(channel, 200)).containsExactlyInAnyOrder("steady-a", "steady-b");

    mesh.restartControlPlane();
    mesh.backend("steady", "steady-c", "1.0");
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> seen(channel, 60).equals(Set.of("steady-a", "steady-b", "steady-c")));
    assertThat(mesh.controlPlane().nodes().nodes()).isNotEmpty();
  }

  private static Set<String> seen(ManagedChannel channel, int calls) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < calls; i++) {
      seen.add(MeshHarness.call(channel, Map.of()));
    }
    return seen;
  }
}
