package io.marketprism.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.marketprism.controlplane.support.MeshHarness;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proxyless gRPC clients and servers driven by the control plane over real loopback connections. */
@WithNats
class TrafficPolicyTest {

  private static MeshHarness mesh;

  @BeforeAll
  static void start(NatsServer nats, @TempDir Path dir) throws Exception {
    mesh = new MeshHarness(nats.url(), dir, """
        services:
          ring:
            load-balancing: {policy: RING_HASH, hash-header: x-symbol}
          split:
            split: [{version: "1.0", weight: 90}, {version: "1.1", weight: 10}]
            header-routes: [{header: x-canary, exact: "yes", version: "1.1"}]
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  private static Map<String, Integer> spread(ManagedChannel channel, int calls, Map<String, String> headers) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < calls; i++) {
      counts.merge(MeshHarness.call(channel, headers), 1, Integer::sum);
    }
    return counts;
  }

  private static void awaitAllSeen(ManagedChannel channel, Set<String> instances) {
    Set<String> seen = new HashSet<>();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> {
      seen.add(MeshHarness.call(channel, Map.of()));
      return seen.containsAll(instances);
    });
  }

  @Test
  void roundRobinSpreadsCallsEvenlyOverInstances() throws Exception {
    for (String id : new String[] {"rr-a", "rr-b", "rr-c"}) {
      mesh.backend("rr", id, "1.0");
    }
    ManagedChannel channel = mesh.client("rr");
    awaitAllSeen(channel, Set.of("rr-a", "rr-b", "rr-c"));

    Map<String, Integer> counts = spread(channel, 300, Map.of());

    assertThat(counts).containsOnlyKeys("rr-a", "rr-b", "rr-c");
    assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(90, 110));
  }

  @Test
  void ringHashKeepsEachKeyOnOneInstance() throws Exception {
    for (String id : new String[] {"ring-a", "ring-b", "ring-c"}) {
      mesh.backend("ring", id, "1.0");
    }
    ManagedChannel channel = mesh.client("ring");
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> mesh.controlPlane().registryView().instances(i -> i.getService().equals("ring")
            && i.getState() == io.marketprism.registry.v1.InstanceState.INSTANCE_STATE_SERVING).size() == 3);
    // the three endpoints reach the client within one push; a key may move while the ring grows, so wait for it
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
      Set<String> all = new HashSet<>();
      for (int key = 0; key < 30; key++) {
        all.add(MeshHarness.call(channel, Map.of("x-symbol", "KEY-" + key)));
      }
      return all.size() == 3;
    });

    Set<String> used = new HashSet<>();
    for (int key = 0; key < 20; key++) {
      Map<String, Integer> counts = spread(channel, 10, Map.of("x-symbol", "KEY-" + key));
      assertThat(counts).as("instances that served key %d", key).hasSize(1);
      used.addAll(counts.keySet());
    }
    assertThat(used).hasSizeGreaterThan(1);
  }

  @Test
  void weightedSplitSendsNinetyTenAndAHeaderRouteGoesToItsVersion() throws Exception {
    mesh.backend("split", "stable", "1.0");
    mesh.backend("split", "canary", "1.1");
    ManagedChannel channel = mesh.client("split");
    awaitAllSeen(channel, Set.of("stable", "canary"));

    Map<String, Integer> counts = spread(channel, 2000, Map.of());
    double canaryShare = counts.getOrDefault("canary", 0) / 2000.0;
    assertThat(canaryShare).isBetween(0.05, 0.15);

    assertThat(spread(channel, 50, Map.of("x-canary", "yes"))).containsOnlyKeys("canary");
    assertThat(mesh.controlPlane().nodes().nackCount()).isZero();
  }
}
