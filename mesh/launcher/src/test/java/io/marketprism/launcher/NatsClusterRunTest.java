package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.launcher.LauncherConfig.ServiceSettings;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.NatsConfig;
import io.marketprism.messaging.NatsConnections;
import io.marketprism.supervisor.FreePorts;
import io.marketprism.supervisor.PortCheck;
import io.marketprism.supervisor.PortClaim;
import io.marketprism.supervisor.Supervisor;
import io.nats.client.Connection;
import io.nats.client.api.StreamInfo;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code up --nats-cluster 3}: what the plan runs, and the cluster it starts (real nats-server members). */
class NatsClusterRunTest {

  @TempDir Path directory;

  @Test
  void clusterOfThreeRunsMembersOnConsecutivePortsAndGivesEveryServiceAllUrlsAndThreeReplicas() {
    LauncherConfig config = ConfigLoader.defaults().withNatsCluster(3);
    Workspace workspace = new Workspace(directory, directory.resolve(".marketprism"));

    assertThat(MeshPlan.natsCluster(config, workspace).nodes())
        .extracting(member -> member.name() + "@" + member.port())
        .containsExactly("nats-1@14222", "nats-2@14223", "nats-3@14224");
    assertThat(MeshPlan.portClaims(config, false))
        .extracting(PortClaim::port)
        .contains(14222, 14223, 14224, 18222, 18223, 18224, 16222, 16223, 16224);
    ServiceSettings collector =
        config.enabledServices().stream()
            .filter(service -> service.name().equals("market-data-collector"))
            .findFirst()
            .orElseThrow();
    Map<String, String> environment = MeshPlan.environment(config, workspace, collector, false);
    assertThat(environment)
        .containsEntry(
            "MARKETPRISM_NATS_URL",
            "nats://127.0.0.1:14222,nats://127.0.0.1:14223,nats://127.0.0.1:14224")
        .containsEntry("MARKETPRISM_NATS_STREAMS_REPLICAS", "3");
  }

  @Test
  void singleServerKeepsItsNameStoreAndOneReplica() {
    LauncherConfig config = ConfigLoader.defaults();
    Workspace workspace = new Workspace(directory, directory.resolve(".marketprism"));

    assertThat(MeshPlan.natsCluster(config, workspace).nodes())
        .singleElement()
        .satisfies(
            member -> {
              assertThat(member.name()).isEqualTo("nats");
              assertThat(member.storeDirectory()).isEqualTo(workspace.natsDirectory().resolve("jetstream"));
            });
    assertThat(config.natsStreamReplicas()).isEqualTo(1);
  }

  @Test
  void clusterSizeIsCheckedInTheConfigFile() {
    assertThatThrownBy(() -> ConfigLoader.parse("nats: {cluster-size: 7}\n", "test"))
        .hasMessageContaining("nats.cluster-size");
  }

  @Test
  void supervisedClusterAcceptsReplicatedStreamsOnceItsLastMemberIsReady() throws Exception {
    int client = consecutiveFreePorts();
    int monitor = consecutiveFreePorts();
    int route = consecutiveFreePorts();
    LauncherConfig config =
        ConfigLoader.parse(
                "nats: {port: %d, monitor-port: %d, route-port: %d, cluster-size: 3}\n"
                    .formatted(client, monitor, route),
                "test");
    Workspace workspace = new Workspace(directory, directory.resolve(".marketprism"));
    try (Supervisor supervisor =
        Supervisor.builder().addAll(MeshPlan.natsCluster(config, workspace).nodes()).build()) {
      supervisor.start();
      NatsConfig nats = new NatsConfig().withUrl(config.natsUrl()).withStreamReplicas(config.natsStreamReplicas());
      try (Connection connection = NatsConnections.connect(nats, "cluster-run-test", new PrometheusRegistry())) {
        // no wait and no retry: the supervisor's start returned, so the cluster has its meta leader
        DefaultStreams.ensure(connection, nats.streams());
        StreamInfo marketData = connection.jetStreamManagement().getStreamInfo(DefaultStreams.MARKET_DATA);
        assertThat(marketData.getConfiguration().getReplicas()).isEqualTo(3);
        assertThat(marketData.getClusterInfo().getReplicas()).hasSize(2);
      }
    }
  }

  /** The first of three consecutive free ports (members use port, port + 1, port + 2). */
  private static int consecutiveFreePorts() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int first = FreePorts.allocate();
      if (first < 65_000 && IntStream.range(1, 3).allMatch(offset -> PortCheck.isFree(first + offset))) {
        return first;
      }
    }
    throw new IllegalStateException("no three consecutive free ports found");
  }
}
