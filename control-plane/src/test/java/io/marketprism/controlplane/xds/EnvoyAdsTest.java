package io.marketprism.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.marketprism.controlplane.snapshot.EnvoyNode;
import io.marketprism.controlplane.support.AdsStream;
import io.marketprism.controlplane.support.CanaryPolicy;
import io.marketprism.controlplane.support.EnvoyProtos;
import io.marketprism.controlplane.support.EnvoyReferences;
import io.marketprism.controlplane.support.MeshHarness;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ADS client that identifies as an Envoy node, over a real loopback connection, asks for what Envoy asks for (CDS
 * and LDS as wildcards, then the EDS, RDS and SDS names those refer to) and receives a complete, typed configuration.
 */
@WithNats
class EnvoyAdsTest {

  private static Node envoy(String role, String cluster) {
    return Node.newBuilder().setId(cluster + "-0").setCluster(cluster).setUserAgentName("envoy")
        .setMetadata(Struct.newBuilder().putFields(EnvoyNode.ROLE_KEY, Value.newBuilder().setStringValue(role).build()))
        .build();
  }

  /** Everything an Envoy node fetches at start-up, ACKing each answer, in Envoy's order. */
  private static Fetched fetch(AdsStream ads) throws Exception {
    Fetched f = new Fetched();
    DiscoveryResponse cds = ads.request(Resources.V3.CLUSTER_TYPE_URL, List.of());
    f.clusters = unpack(cds, Cluster.class);
    List<String> edsNames = f.clusters.stream().filter(c -> c.getType() == Cluster.DiscoveryType.EDS)
        .map(c -> c.getEdsClusterConfig().getServiceName()).toList();
    DiscoveryResponse eds = ads.request(Resources.V3.ENDPOINT_TYPE_URL, edsNames);
    f.endpoints = unpack(eds, ClusterLoadAssignment.class);
    ads.ack(cds, List.of());
    ads.ack(eds, edsNames);
    DiscoveryResponse lds = ads.request(Resources.V3.LISTENER_TYPE_URL, List.of());
    f.listeners = unpack(lds, Listener.class);
    List<String> rdsNames = new ArrayList<>();
    for (Listener l : f.listeners) {
      HttpConnectionManager hcm = l.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
      if (hcm.hasRds()) {
        rdsNames.add(hcm.getRds().getRouteConfigName());
      }
    }
    DiscoveryResponse rds = ads.request(Resources.V3.ROUTE_TYPE_URL, rdsNames);
    f.routes = unpack(rds, RouteConfiguration.class);
    List<String> sdsNames = List.of("mesh-identity", "mesh-trust");
    DiscoveryResponse sds = ads.request(Resources.V3.SECRET_TYPE_URL, sdsNames);
    f.secrets = unpack(sds, Secret.class);
    ads.ack(lds, List.of());
    ads.ack(rds, rdsNames);
    ads.ack(sds, sdsNames);
    return f;
  }

  private static final class Fetched {
    List<Cluster> clusters;
    List<ClusterLoadAssignment> endpoints;
    List<Listener> listeners;
    List<RouteConfiguration> routes;
    List<Secret> secrets;
  }

  private static <T extends com.google.protobuf.Message> List<T> unpack(DiscoveryResponse response, Class<T> type)
      throws Exception {
    List<T> out = new ArrayList<>();
    for (Any any : response.getResourcesList()) {
      out.add(EnvoyProtos.roundTrip(any.unpack(type)));
    }
    return out;
  }

  @Test
  void envoySidecarAndGatewayReceiveCompleteTypedConfigurations(NatsServer nats, @TempDir Path dir) throws Exception {
    String policy = CanaryPolicy.shippedWithCanary();
    try (MeshHarness mesh = new MeshHarness(nats.url(), dir, policy);
        AdsStream sidecar = new AdsStream(mesh.controlPort(), envoy("sidecar", "data-storage"));
        AdsStream gateway = new AdsStream(mesh.controlPort(), envoy("gateway", "edge-gateway"))) {
      // the gateway first: the services it routes to join the mesh's service set, which the sidecar then sees whole
      Fetched g = fetch(gateway);
      assertThat(g.listeners).extracting(Listener::getName).containsExactly("edge-http");
      assertThat(g.routes).extracting(RouteConfiguration::getName).containsExactly("edge");
      assertThat(g.clusters).extracting(Cluster::getName).contains("outbound|data-storage", "outbound|message-broker");
      assertThat(EnvoyReferences.dangling(g.listeners, g.routes, g.clusters, g.endpoints, g.secrets)).isEmpty();


      Fetched s = fetch(sidecar);
      assertThat(s.listeners).extracting(Listener::getName).contains("inbound|data-storage", "outbound|config-center");
      assertThat(s.clusters).extracting(Cluster::getName).contains("inbound|data-storage", "outbound|config-center|0.2.0");
      assertThat(s.secrets).extracting(Secret::getName).containsExactlyInAnyOrder("mesh-identity", "mesh-trust");
      assertThat(EnvoyReferences.dangling(s.listeners, s.routes, s.clusters, s.endpoints, s.secrets)).isEmpty();

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(mesh.controlPlane().nodes().nodes())
          .filteredOn(n -> n.node().getUserAgentName().equals("envoy"))
          .extracting(NodeTracker.NodeStatus::group)
          .containsExactlyInAnyOrder("sidecar|data-storage", "gateway|edge-gateway"));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(mesh.controlPlane().nodes().nodes())
          .filteredOn(n -> n.node().getUserAgentName().equals("envoy"))
          .flatExtracting(NodeTracker.NodeStatus::types)
          .allSatisfy(t -> assertThat(t.ackedVersion()).isEqualTo(t.sentVersion()).isNotEmpty()));
      assertThat(mesh.controlPlane().nodes().nackCount()).isZero();
    }
  }
}
