package io.marketprism.controlplane.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.controlplane.ControlPlaneConfig;
import io.marketprism.controlplane.ControlPlaneService;
import io.marketprism.kit.RunningService;
import io.marketprism.kit.ServiceKit;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.testkit.NatsClusterForTest;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * On a three-member NATS cluster the control plane, configured as {@code up --nats-cluster 3} configures every
 * service ({@code MARKETPRISM_NATS_STREAMS_REPLICAS=3}, every member's URL), creates its registry bucket with three
 * replicas, so the mesh's registry outlives a member as the data does.
 */
class ReplicatedRegistryTest {

  @Test
  void theRegistryBucketGetsOneReplicaPerClusterMember() throws Exception {
    try (NatsClusterForTest cluster = NatsClusterForTest.start(3)) {
      ControlPlaneConfig config =
          ConfigLoader.load(
              ControlPlaneConfig.class,
              null,
              Map.of(
                  "MARKETPRISM_GRPC_HOST", "127.0.0.1",
                  "MARKETPRISM_GRPC_PORT", "0",
                  "MARKETPRISM_ADMIN_PORT", "0",
                  "MARKETPRISM_METRICS_ENABLED", "false",
                  "MARKETPRISM_NATS_URL", cluster.urls(),
                  "MARKETPRISM_NATS_STREAMS_REPLICAS", Integer.toString(cluster.streamReplicas()),
                  "MARKETPRISM_REGISTRY_BUCKET", "replicated-registry"));
      try (RunningService controlPlane = ServiceKit.builder(new ControlPlaneService(), config).start();
          Connection connection = Nats.connect(Options.builder().server(cluster.urls()).build())) {
        KeyValueStatus bucket = connection.keyValueManagement().getStatus("replicated-registry");
        assertThat(bucket.getReplicas()).isEqualTo(3);
        assertThat(bucket.getBackingStreamInfo().getClusterInfo().getReplicas()).hasSize(2);
      }
    }
  }
}
