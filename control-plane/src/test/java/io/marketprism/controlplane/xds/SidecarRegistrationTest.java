package io.marketprism.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.marketprism.controlplane.registry.InstanceKey;
import io.marketprism.controlplane.snapshot.EnvoyNode;
import io.marketprism.controlplane.snapshot.EnvoySettings;
import io.marketprism.controlplane.support.AdsStream;
import io.marketprism.controlplane.support.HealthServer;
import io.marketprism.controlplane.support.MeshHarness;
import io.marketprism.registry.v1.Instance;
import io.marketprism.registry.v1.InstanceState;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a sidecar the service runs outside the mesh, so the sidecar's ADS stream registers the instance: at the
 * stream's peer address and the inbound port, health-checked through the sidecar's health port, drained when the
 * stream ends. Other Envoy nodes then find it in EDS.
 */
@WithNats
class SidecarRegistrationTest {

  private static final int INBOUND_PORT = 25006;

  private static Optional<Instance> instance(MeshHarness mesh) {
    return mesh.controlPlane().registryView().get(new InstanceKey("data-storage", "storage-sidecar-1"))
        .map(e -> e.entry().instance());
  }

  @Test
  void aSidecarStreamRegistersItsInstanceUntilItEnds(NatsServer nats, @TempDir Path dir) throws Exception {
    try (HealthServer service = new HealthServer()) {
      EnvoySettings defaults = EnvoySettings.defaults();
      EnvoySettings envoy = new EnvoySettings(defaults.certDir(), INBOUND_PORT, service.port(), defaults.servicePorts(),
          defaults.gateway());
      try (MeshHarness mesh = new MeshHarness(nats.url(), dir, "services: {data-storage: {mtls: DISABLE}}", envoy);
          AdsStream gateway = new AdsStream(mesh.controlPort(), Node.newBuilder().setId("edge-1").setCluster("edge-gateway")
              .setMetadata(Struct.newBuilder().putFields(EnvoyNode.ROLE_KEY, Value.newBuilder().setStringValue("gateway").build()))
              .build())) {
        AdsStream sidecar = new AdsStream(mesh.controlPort(), Node.newBuilder().setId("storage-sidecar-1")
            .setCluster("data-storage").setLocality(Locality.newBuilder().setZone("zone-b"))
            .setMetadata(Struct.newBuilder()
                .putFields(EnvoyNode.ROLE_KEY, Value.newBuilder().setStringValue("sidecar").build())
                .putFields(SidecarRegistrar.VERSION_KEY, Value.newBuilder().setStringValue("0.3.0").build()))
            .build());
        sidecar.request(Resources.V3.CLUSTER_TYPE_URL, List.of());

        await().atMost(Duration.ofSeconds(30)).until(() -> instance(mesh)
            .filter(i -> i.getState() == InstanceState.INSTANCE_STATE_SERVING).isPresent());
        Instance registered = instance(mesh).orElseThrow();
        assertThat(registered.getAddress().getHost()).isEqualTo("127.0.0.1");
        assertThat(registered.getAddress().getPort()).isEqualTo(INBOUND_PORT);
        assertThat(registered.getHealthPort()).isEqualTo(service.port());
        assertThat(registered.getZone()).isEqualTo("zone-b");
        assertThat(registered.getVersion()).isEqualTo("0.3.0");

        // the edge finds the sidecar's inbound listener as data-storage's endpoint
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          DiscoveryResponse eds = gateway.request(Resources.V3.ENDPOINT_TYPE_URL, List.of("outbound|data-storage"));
          List<LbEndpoint> endpoints = eds.getResources(0).unpack(ClusterLoadAssignment.class).getEndpointsList().stream()
              .flatMap(l -> l.getLbEndpointsList().stream()).toList();
          assertThat(endpoints).extracting(e -> e.getEndpoint().getAddress().getSocketAddress().getPortValue())
              .containsExactly(INBOUND_PORT);
        });

        sidecar.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> instance(mesh)
            .map(i -> i.getState() == InstanceState.INSTANCE_STATE_DRAINING).orElse(true));
      }
    }
  }
}
