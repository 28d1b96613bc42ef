package io.marketprism.controlplane.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.marketprism.common.v1.Endpoint;
import io.marketprism.controlplane.policy.MeshPolicy;
import io.marketprism.controlplane.policy.PolicyReader;
import io.marketprism.registry.v1.Instance;
import io.marketprism.registry.v1.InstanceState;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SnapshotBuilderTest {

  private static final MeshPolicy POLICY = policy("""
      services:
        data-storage:
          mtls: STRICT
          split: [{version: "1.0", weight: 90}, {version: "1.1", weight: 10}]
          circuit-breaker: {max-requests: 50}
          rbac: {allow: [{from: api-gateway, methods: ["/marketprism.storage.v1.StorageService/*"]}]}
      """);

  private static MeshPolicy policy(String yaml) {
    try {
      return new PolicyReader().read(yaml);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Instance instance(String id, String version, InstanceState state, String zone) {
    return Instance.newBuilder().setService("data-storage").setInstanceId(id).setVersion(version).setState(state)
        .setZone(zone).setWeight(100)
        .setAddress(Endpoint.newBuilder().setHost("127.0.0.1").setPort(7000 + id.hashCode() % 100 + 100)).build();
  }

  private static MeshSnapshot build(RequestedNames requested) {
    List<Instance> instances = List.of(
        instance("a", "1.0", InstanceState.INSTANCE_STATE_SERVING, "eu-1"),
        instance("b", "1.1", InstanceState.INSTANCE_STATE_SERVING, "eu-2"),
        instance("c", "1.0", InstanceState.INSTANCE_STATE_DRAINING, "eu-1"),
        instance("d", "1.0", InstanceState.INSTANCE_STATE_STARTING, "eu-1"));
    return new SnapshotBuilder().build(POLICY, instances, requested).get("data-storage");
  }

  @Test
  void everyResourceParsesAndEveryReferenceResolves() throws Exception {
    RequestedNames requested = new RequestedNames();
    requested.add("data-storage", List.of(MeshNames.serverListener(7102), "unknown-service"));
    MeshSnapshot snapshot = build(requested);

    new ResourceValidator().validate(snapshot);
    Map<String, Listener> listeners = snapshot.listeners().stream().collect(Collectors.toMap(Listener::getName, l -> l));
    assertThat(listeners).containsKeys("data-storage", "unknown-service", MeshNames.serverListener(7102));
    HttpConnectionManager client = listeners.get("data-storage").getApiListener().getApiListener().unpack(HttpConnectionManager.class);
    RouteConfiguration routes = snapshot.routes().stream()
        .filter(r -> r.getName().equals(client.getRds().getRouteConfigName())).findFirst().orElseThrow();
    assertThat(routes.getVirtualHosts(0).getRoutes(0).getRoute().getWeightedClusters().getClustersList())
        .extracting(c -> c.getName() + "=" + c.getWeight().getValue())
        .containsExactly("outbound|data-storage|1.0=90", "outbound|data-storage|1.1=10");
  }

  @Test
  void onlyServingInstancesBecomeEndpointsWithPositiveLocalityWeights() {
    MeshSnapshot snapshot = build(requestedClient());
    ClusterLoadAssignment all = snapshot.endpoints().stream()
        .filter(e -> e.getClusterName().equals(MeshNames.cluster("data-storage"))).findFirst().orElseThrow();

    assertThat(all.getEndpointsList()).extracting(l -> l.getLocality().getZone()).containsExactly("eu-1", "eu-2");
    assertThat(all.getEndpointsList()).allSatisfy(l -> assertThat(l.getLoadBalancingWeight().getValue()).isPositive());
    assertThat(all.getEndpointsList().stream().mapToInt(l -> l.getLbEndpointsCount()).sum()).isEqualTo(2);
    ClusterLoadAssignment canary = snapshot.endpoints().stream()
        .filter(e -> e.getClusterName().equals(MeshNames.versionCluster("data-storage", "1.1"))).findFirst().orElseThrow();
    assertThat(canary.getEndpoints(0).getLbEndpoints(0).getMetadata().getFilterMetadataOrThrow("marketprism")
        .getFieldsOrThrow("instance_id").getStringValue()).isEqualTo("b");
  }

  @Test
  void strictServicesGetMutualTlsAndTheirRbacAndClustersNeedLrsForCircuitBreaking() throws Exception {
    RequestedNames requested = new RequestedNames();
    requested.add("data-storage", List.of(MeshNames.serverListener(7102)));
    MeshSnapshot snapshot = build(requested);

    Cluster cluster = snapshot.clusters().get(0);
    assertThat(cluster.hasLrsServer()).isTrue();
    assertThat(cluster.getCircuitBreakers().getThresholds(0).getMaxRequests().getValue()).isEqualTo(50);
    UpstreamTlsContext upstream = cluster.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    assertThat(upstream.getCommonTlsContext().getTlsCertificateProviderInstance().getInstanceName()).isEqualTo("client");
    assertThat(upstream.getCommonTlsContext().getValidationContext().getMatchSubjectAltNames(0).getExact())
        .isEqualTo("spiffe://marketprism/service/data-storage");

    Listener server = snapshot.listeners().stream()
        .filter(l -> l.getName().equals(MeshNames.serverListener(7102))).findFirst().orElseThrow();
    assertThat(server.getAddress().getSocketAddress().getAddress()).isEqualTo("0.0.0.0");
    DownstreamTlsContext downstream = server.getFilterChains(0).getTransportSocket().getTypedConfig().unpack(DownstreamTlsContext.class);
    assertThat(downstream.getRequireClientCertificate().getValue()).isTrue();
    HttpConnectionManager hcm = server.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    Any rbac = hcm.getHttpFilters(0).getTypedConfig();
    assertThat(rbac.unpack(RBAC.class).getRules().getPoliciesMap().values().iterator().next()
        .getPrincipals(0).getAuthenticated().getPrincipalName().getExact()).isEqualTo("spiffe://marketprism/service/api-gateway");
    assertThat(hcm.getRouteConfig().getVirtualHosts(0).getRoutes(0).hasNonForwardingAction()).isTrue();
  }

  @Test
  void leastRequestIsOfferedAsCandidatesEndingInRoundRobinNotAsTheLbPolicyEnum() throws Exception {
    MeshPolicy leastRequest = policy("""
        services:
          data-storage:
            load-balancing: {policy: LEAST_REQUEST, choice-count: 3}
        """);
    Cluster cluster = new SnapshotBuilder()
        .build(leastRequest, List.of(instance("a", "1.0", InstanceState.INSTANCE_STATE_SERVING, "eu-1")),
            requestedClient())
        .get("data-storage").clusters().get(0);

    // the enum's default, ROUND_ROBIN, for clients that read only the enum; LEAST_REQUEST there is NACKed by grpc-js
    assertThat(cluster.getLbPolicy()).isEqualTo(Cluster.LbPolicy.ROUND_ROBIN);
    List<LoadBalancingPolicy.Policy> candidates = cluster.getLoadBalancingPolicy().getPoliciesList();
    assertThat(candidates).extracting(p -> p.getTypedExtensionConfig().getTypedConfig().getTypeUrl())
        .containsExactly("type.googleapis.com/envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality",
            "type.googleapis.com/envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin");
    List<LoadBalancingPolicy.Policy> endpointPicking = candidates.get(0).getTypedExtensionConfig().getTypedConfig()
        .unpack(WrrLocality.class).getEndpointPickingPolicy().getPoliciesList();
    assertThat(endpointPicking.get(0).getTypedExtensionConfig().getTypedConfig().unpack(LeastRequest.class)
        .getChoiceCount().getValue()).isEqualTo(3);
    assertThat(endpointPicking.get(1).getTypedExtensionConfig().getTypedConfig().is(RoundRobin.class)).isTrue();
  }

  @Test
  void aSnapshotWithADanglingReferenceIsRefused() {
    MeshSnapshot good = build(requestedClient());
    List<Cluster> withoutStable = good.clusters().stream()
        .filter(c -> !c.getName().equals(MeshNames.versionCluster("data-storage", "1.0"))).toList();
    MeshSnapshot dangling = new MeshSnapshot(good.listeners(), good.routes(), withoutStable, good.endpoints());

    assertThatThrownBy(() -> new ResourceValidator().validate(dangling))
        .hasMessageContaining("cluster outbound|data-storage|1.0 does not exist");
  }

  private static RequestedNames requestedClient() {
    RequestedNames requested = new RequestedNames();
    requested.add("data-storage", List.of("data-storage"));
    return requested;
  }
}
