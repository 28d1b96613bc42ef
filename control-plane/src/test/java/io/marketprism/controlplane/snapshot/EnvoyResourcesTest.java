package io.marketprism.controlplane.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.marketprism.common.v1.Endpoint;
import io.marketprism.controlplane.policy.MeshPolicy;
import io.marketprism.controlplane.policy.PolicyReader;
import io.marketprism.controlplane.support.CanaryPolicy;
import io.marketprism.controlplane.support.EnvoyProtos;
import io.marketprism.controlplane.support.EnvoyReferences;
import io.marketprism.registry.v1.Instance;
import io.marketprism.registry.v1.InstanceState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The resources an Envoy sidecar and an Envoy edge gateway get, built from the repository's mesh policy: each one
 * parses into the typed Envoy v3 protos with every extension type resolved, and every name one refers to exists.
 */
class EnvoyResourcesTest {

  private static final String SIDECAR = "sidecar|data-storage";
  private static final String GATEWAY = "gateway|edge-gateway";

  private static MeshPolicy meshPolicy() throws Exception {
    return new PolicyReader().read(CanaryPolicy.shippedWithCanary());
  }

  private static Instance instance(String service, String id, String version, int port) {
    return Instance.newBuilder().setService(service).setInstanceId(id).setVersion(version)
        .setState(InstanceState.INSTANCE_STATE_SERVING).setZone("zone-a").setWeight(100)
        .setAddress(Endpoint.newBuilder().setHost("10.0.0." + (port % 250)).setPort(15006)).build();
  }

  private static final List<Instance> INSTANCES = List.of(
      instance("data-storage", "storage-1", "0.1.0", 1),
      instance("data-storage", "storage-2", "0.1.0", 2),
      instance("market-data-collector", "collector-1", "0.1.0", 3),
      instance("config-center", "config-1", "0.1.0", 4),
      instance("config-center", "config-2", "0.2.0", 5));

  private static Map<String, MeshSnapshot> build(EnvoySettings settings, String... groups) throws Exception {
    RequestedNames requested = new RequestedNames();
    for (String group : groups) {
      requested.addGroup(group);
    }
    return new SnapshotBuilder(settings).build(meshPolicy(), INSTANCES, requested);
  }

  private static List<Message> all(MeshSnapshot s) {
    List<Message> out = new ArrayList<>();
    out.addAll(s.listeners());
    out.addAll(s.routes());
    out.addAll(s.clusters());
    out.addAll(s.endpoints());
    out.addAll(s.secrets());
    return out;
  }

  private static void assertTypedAndResolved(MeshSnapshot snapshot) throws Exception {
    for (Message resource : all(snapshot)) {
      assertThat(EnvoyProtos.roundTrip(resource)).isEqualTo(resource);
    }
    assertThat(EnvoyReferences.dangling(snapshot.listeners(), snapshot.routes(), snapshot.clusters(),
        snapshot.endpoints(), snapshot.secrets())).isEmpty();
    new ResourceValidator().validate(snapshot);
  }

  private static Listener listener(MeshSnapshot s, String name) {
    return s.listeners().stream().filter(l -> l.getName().equals(name)).findFirst().orElseThrow();
  }

  private static Cluster cluster(MeshSnapshot s, String name) {
    return s.clusters().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  private static HttpConnectionManager hcm(Listener listener) throws Exception {
    return listener.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
  }

  @Test
  void sidecarResourcesAreTypedEnvoyConfigWhoseReferencesAllResolve() throws Exception {
    MeshSnapshot sidecar = build(EnvoySettings.defaults(), SIDECAR).get(SIDECAR);

    assertTypedAndResolved(sidecar);

    Listener inbound = listener(sidecar, "inbound|data-storage");
    assertThat(inbound.getAddress().getSocketAddress().getAddress()).isEqualTo("0.0.0.0");
    assertThat(inbound.getAddress().getSocketAddress().getPortValue()).isEqualTo(15006);
    DownstreamTlsContext tls = inbound.getFilterChains(0).getTransportSocket().getTypedConfig().unpack(DownstreamTlsContext.class);
    assertThat(tls.getRequireClientCertificate().getValue()).as("mtls STRICT by default").isTrue();
    assertThat(tls.getCommonTlsContext().getTlsCertificateSdsSecretConfigs(0).getName()).isEqualTo(EnvoyTls.IDENTITY_SECRET);
    HttpConnectionManager inboundHcm = hcm(inbound);
    assertThat(inboundHcm.getHttpFiltersList()).extracting(HttpFilter::getName)
        .containsExactly("envoy.filters.http.rbac", "envoy.filters.http.router");
    RBAC rbac = inboundHcm.getHttpFilters(0).getTypedConfig().unpack(RBAC.class);
    assertThat(rbac.getRules().getPoliciesMap().values()).flatExtracting(p -> p.getPrincipalsList())
        .extracting(p -> p.getAuthenticated().getPrincipalName().getExact())
        .contains("spiffe://marketprism/service/api-gateway", "spiffe://marketprism/service/scheduler");
    Cluster local = cluster(sidecar, "inbound|data-storage");
    assertThat(local.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress())
        .satisfies(a -> {
          assertThat(a.getAddress()).isEqualTo("127.0.0.1");
          assertThat(a.getPortValue()).isEqualTo(7102);
        });

    Listener health = listener(sidecar, "health|data-storage");
    assertThat(health.getAddress().getSocketAddress().getPortValue()).isEqualTo(15021);
    assertThat(health.getFilterChains(0).hasTransportSocket()).as("plaintext, for the control plane's checks").isFalse();
    assertThat(hcm(health).getRouteConfig().getVirtualHosts(0).getRoutesList()).singleElement()
        .satisfies(r -> assertThat(r.getMatch().getPrefix()).isEqualTo("/grpc.health.v1.Health/"));

    assertThat(sidecar.listeners()).extracting(Listener::getName)
        .contains("outbound|market-data-collector", "outbound|config-center", "outbound|message-broker")
        .doesNotContain("outbound|data-storage");
    Listener toCollector = listener(sidecar, "outbound|market-data-collector");
    assertThat(toCollector.getAddress().getSocketAddress().getAddress()).isEqualTo("127.0.0.1");
    assertThat(toCollector.getAddress().getSocketAddress().getPortValue()).isEqualTo(7101);
    assertThat(hcm(toCollector).getRds().getRouteConfigName()).isEqualTo("market-data-collector");

    Cluster collector = cluster(sidecar, "outbound|market-data-collector");
    assertThat(collector.getLbPolicy()).as("ring hash from the policy").isEqualTo(Cluster.LbPolicy.RING_HASH);
    assertThat(collector.hasLrsServer()).isFalse();
    assertThat(collector.getTypedExtensionProtocolOptionsMap().get(EnvoyClusters.HTTP_PROTOCOL_OPTIONS)
        .unpack(HttpProtocolOptions.class).getExplicitHttpConfig().hasHttp2ProtocolOptions()).isTrue();
    UpstreamTlsContext upstream = collector.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    assertThat(upstream.getCommonTlsContext().getCombinedValidationContext().getDefaultValidationContext()
        .getMatchTypedSubjectAltNames(0).getMatcher().getExact()).isEqualTo("spiffe://marketprism/service/market-data-collector");
    assertThat(collector.getOutlierDetection().getFailurePercentageThreshold().getValue()).isEqualTo(50);

    RouteConfiguration configRoutes =
        sidecar.routes().stream().filter(r -> r.getName().equals("config-center")).findFirst().orElseThrow();
    assertThat(configRoutes.getVirtualHosts(0).getDomainsList()).containsExactly("*");
    assertThat(configRoutes.getVirtualHosts(0).getRoutesList()).extracting(r -> r.getRoute().getRetryPolicy().getRetryOn())
        .containsOnly("UNAVAILABLE".toLowerCase());
    assertThat(sidecar.secrets()).extracting(Secret::getName)
        .containsExactlyInAnyOrder(EnvoyTls.IDENTITY_SECRET, EnvoyTls.TRUST_SECRET);
    assertThat(sidecar.secrets().get(0).getTlsCertificate().getWatchedDirectory().getPath()).isEqualTo("/etc/marketprism/certs");
  }

  @Test
  void permissiveSidecarTakesTlsAndPlaintextCallersOnOnePort() throws Exception {
    String policy = CanaryPolicy.shippedWithCanary() + "\n  monitoring:\n    mtls: PERMISSIVE\n";
    RequestedNames requested = new RequestedNames();
    requested.addGroup("sidecar|monitoring");
    MeshSnapshot sidecar = new SnapshotBuilder(EnvoySettings.defaults())
        .build(new PolicyReader().read(policy), INSTANCES, requested).get("sidecar|monitoring");

    assertTypedAndResolved(sidecar);
    Listener inbound = listener(sidecar, "inbound|monitoring");
    assertThat(inbound.getListenerFiltersList()).extracting(f -> f.getName())
        .containsExactly("envoy.filters.listener.tls_inspector");
    assertThat(inbound.getFilterChainsList())
        .extracting(c -> c.getFilterChainMatch().getTransportProtocol(), c -> c.hasTransportSocket())
        .containsExactlyInAnyOrder(tuple("tls", true), tuple("raw_buffer", false));
    DownstreamTlsContext tls = inbound.getFilterChainsList().stream().filter(c -> c.hasTransportSocket())
        .findFirst().orElseThrow().getTransportSocket().getTypedConfig().unpack(DownstreamTlsContext.class);
    assertThat(tls.getRequireClientCertificate().getValue()).as("PERMISSIVE: certificate optional").isFalse();
    assertThat(inbound.getFilterChainsList()).extracting(c -> c.getName()).doesNotHaveDuplicates();
  }

  @Test
  void gatewayResourcesAreTypedEnvoyConfigWhoseReferencesAllResolve() throws Exception {
    MeshSnapshot gateway = build(EnvoySettings.defaults(), GATEWAY).get(GATEWAY);

    assertTypedAndResolved(gateway);

    HttpConnectionManager edge = hcm(listener(gateway, EnvoyGatewayResources.LISTENER));
    assertThat(edge.getHttpFiltersList()).extracting(HttpFilter::getName).containsExactly(
        "envoy.filters.http.cors", "envoy.filters.http.jwt_authn", "envoy.filters.http.local_ratelimit",
        "envoy.filters.http.grpc_web", "envoy.filters.http.grpc_json_transcoder", "envoy.filters.http.router");
    JwtAuthentication jwt = edge.getHttpFilters(1).getTypedConfig().unpack(JwtAuthentication.class);
    assertThat(jwt.getProvidersMap().get("marketprism").getLocalJwks().getFilename()).isEqualTo("/etc/marketprism/jwt/jwks.json");
    assertThat(jwt.getRules(0).getRequires().getProviderName()).isEqualTo("marketprism");
    assertThat(edge.getHttpFilters(2).getTypedConfig().unpack(LocalRateLimit.class).getTokenBucket().getMaxTokens()).isEqualTo(200);
    GrpcJsonTranscoder transcoder = edge.getHttpFilters(4).getTypedConfig().unpack(GrpcJsonTranscoder.class);
    assertThat(transcoder.getServicesList()).contains("marketprism.storage.v1.StorageService");
    assertThat(transcoder.getMatchIncomingRequestRoute()).isTrue();

    RouteConfiguration routes = gateway.routes().get(0);
    assertThat(routes.getVirtualHosts(0).getTypedPerFilterConfigMap().get("envoy.filters.http.cors").unpack(CorsPolicy.class)
        .getAllowOriginStringMatch(0).getExact()).isEqualTo("http://localhost:3000");
    List<Route> all = routes.getVirtualHosts(0).getRoutesList();
    assertThat(all).filteredOn(r -> r.getMatch().getPrefix().equals("/v1/trades/"))
        .singleElement().satisfies(r -> assertThat(r.getRoute().getCluster()).isEqualTo("outbound|data-storage"));
    assertThat(all).filteredOn(r -> r.getMatch().getPrefix().equals("/marketprism.storage.v1.StorageService/"))
        .singleElement().satisfies(r -> assertThat(r.getRoute().getCluster()).isEqualTo("outbound|data-storage"));
    // the config-center canary (added to the shipped policy) holds at the edge too: header route first, then the 90/10 split
    List<Route> config = all.stream().filter(r -> r.getMatch().getPrefix().equals("/v1/config/")).toList();
    assertThat(config).hasSize(2);
    assertThat(config.get(0).getMatch().getHeaders(0).getName()).isEqualTo("x-canary");
    assertThat(config.get(0).getRoute().getCluster()).isEqualTo("outbound|config-center|0.2.0");
    assertThat(config.get(1).getRoute().getWeightedClusters().getClustersList()).extracting(c -> c.getWeight().getValue())
        .containsExactly(90, 10);
    assertThat(gateway.clusters()).extracting(Cluster::getName).contains("outbound|config-center|0.1.0");
  }

  @Test
  void aRemoteJwksGetsItsOwnCluster() throws Exception {
    EnvoySettings.Gateway defaults = EnvoySettings.Gateway.defaults();
    EnvoySettings settings = EnvoySettings.defaults().withGateway(new EnvoySettings.Gateway(defaults.port(),
        new EnvoySettings.Jwt("https://auth.example.com/", List.of("marketprism-api"),
            Optional.of("https://auth.example.com/.well-known/jwks.json"), "", defaults.jwt().jwksCacheDuration()),
        defaults.rateLimit(), List.of("https://app.example.com"), defaults.routes()));
    MeshSnapshot gateway = build(settings, GATEWAY).get(GATEWAY);

    assertTypedAndResolved(gateway);
    Cluster jwks = cluster(gateway, EnvoyGatewayResources.JWKS_CLUSTER);
    assertThat(jwks.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress()
        .getPortValue()).isEqualTo(443);
  }

  @Test
  void theReferenceCheckFindsADanglingName() throws Exception {
    MeshSnapshot sidecar = build(EnvoySettings.defaults(), SIDECAR).get(SIDECAR);
    List<Cluster> withoutCollector = sidecar.clusters().stream()
        .filter(c -> !c.getName().equals("outbound|market-data-collector")).toList();

    assertThat(EnvoyReferences.dangling(sidecar.listeners(), sidecar.routes(), withoutCollector, sidecar.endpoints(),
        sidecar.secrets().subList(0, 1)))
        .contains("route configuration market-data-collector → cluster outbound|market-data-collector")
        .anyMatch(m -> m.endsWith("→ SDS secret " + EnvoyTls.TRUST_SECRET));
    assertThatThrownBy(() -> new ResourceValidator().validate(new MeshSnapshot(sidecar.listeners(), sidecar.routes(),
        withoutCollector, sidecar.endpoints(), sidecar.secrets())))
        .hasMessageContaining("cluster outbound|market-data-collector does not exist");
  }

  @Test
  void aGatewayRouteToAServiceOutsideTheContractsIsRefused() {
    EnvoySettings.Gateway defaults = EnvoySettings.Gateway.defaults();
    EnvoySettings settings = EnvoySettings.defaults().withGateway(new EnvoySettings.Gateway(defaults.port(),
        defaults.jwt(), defaults.rateLimit(), defaults.corsOrigins(), Map.of("marketprism.nope.v1.Nope", "data-storage")));

    assertThatThrownBy(() -> new SnapshotBuilder(settings).checkGatewayRoutes())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("marketprism.nope.v1.Nope");
  }

  @Test
  void envoyNodesAreToldApartByTheirMetadata() {
    Node sidecar = Node.newBuilder().setId("data-storage-0").setCluster("data-storage")
        .setMetadata(Struct.newBuilder().putFields(EnvoyNode.ROLE_KEY, Value.newBuilder().setStringValue("sidecar").build()))
        .build();
    Node proxyless = Node.newBuilder().setId("data-storage~1").setCluster("data-storage").build();
    Node unknownRole = sidecar.toBuilder().setMetadata(Struct.newBuilder()
        .putFields(EnvoyNode.ROLE_KEY, Value.newBuilder().setStringValue("waypoint").build())).build();

    assertThat(MeshNodeGroup.groupOf(sidecar)).isEqualTo(SIDECAR);
    assertThat(MeshNodeGroup.groupOf(proxyless)).isEqualTo("data-storage");
    assertThat(MeshNodeGroup.groupOf(unknownRole)).isEqualTo("data-storage");
    assertThat(EnvoyNode.ofGroup(SIDECAR)).contains(new EnvoyNode(EnvoyNode.Role.SIDECAR, "data-storage"));
    assertThat(EnvoyNode.ofGroup("data-storage")).isEmpty();
  }
}
