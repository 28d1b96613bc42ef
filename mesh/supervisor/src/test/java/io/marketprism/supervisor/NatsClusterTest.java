package io.marketprism.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link NatsCluster} lays out its members (the cluster itself runs in the launcher's and testkit's tests). */
class NatsClusterTest {

  @TempDir Path directory;

  @Test
  void membersHaveOwnNamesStoresAndPortsAndRouteToEveryMember() {
    NatsCluster cluster =
        NatsCluster.builder(directory, 3)
            .ports(List.of(4001, 4002, 4003), List.of(8001, 8002, 8003), List.of(6001, 6002, 6003))
            .eachMember(member -> member.binary(Path.of("/bin/true")))
            .build();

    assertThat(cluster.urls()).isEqualTo("nats://127.0.0.1:4001,nats://127.0.0.1:4002,nats://127.0.0.1:4003");
    assertThat(cluster.streamReplicas()).isEqualTo(3);
    NatsServerProcess second = cluster.node(1);
    assertThat(second.name()).isEqualTo("nats-2");
    assertThat(second.storeDirectory()).isEqualTo(directory.resolve("nats-2").resolve("jetstream"));
    assertThat(second.configText())
        .contains("server_name: \"nats-2\"")
        .contains("listen: \"127.0.0.1:4002\"")
        .contains("listen: \"127.0.0.1:6002\"")
        .contains("routes: [\"nats-route://127.0.0.1:6001\", \"nats-route://127.0.0.1:6002\","
            + " \"nats-route://127.0.0.1:6003\"]");
    assertThat(second.ports()).extracting(PortClaim::port).containsExactly(4002, 8002, 6002);
  }

  @Test
  void aClusterOfOneIsAPlainServer() {
    NatsCluster single =
        NatsCluster.builder(directory, 1)
            .ports(List.of(4001), List.of(8001), List.of(6001))
            .eachMember(member -> member.binary(Path.of("/bin/true")))
            .build();

    assertThat(single.node(0).name()).isEqualTo("nats");
    assertThat(single.node(0).configText()).doesNotContain("cluster {");
    assertThat(single.streamReplicas()).isEqualTo(1);
  }

  @Test
  void portListsMustCoverEveryMember() {
    assertThatThrownBy(() -> NatsCluster.builder(directory, 3).ports(List.of(1, 2), List.of(3, 4, 5), List.of(6, 7, 8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 client ports needed, 2 given");
  }
}
