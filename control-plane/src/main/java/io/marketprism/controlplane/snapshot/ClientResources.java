package io.marketprism.controlplane.snapshot;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SelfConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.marketprism.controlplane.policy.ServicePolicy;
import io.marketprism.registry.v1.Instance;
import io.marketprism.registry.v1.InstanceState;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The resources a client needs to call one service over {@code xds:///<service>}: its listener (an API listener
 * whose HTTP connection manager points at the route configuration over ADS), route configuration, clusters (one for
 * the whole service, one per version that a split or header route names) and their endpoints.
 *
 * <p>Only SERVING instances are endpoints; every locality carries a positive weight (the sum of its endpoints'),
 * which xDS clients other than Envoy require. Stateless; one instance per built service.
 */
final class ClientResources {

  static final String ROUTER_FILTER = "envoy.filters.http.router";
  static final String FAULT_FILTER = "envoy.filters.http.fault";
  static final String HCM_FILTER = "envoy.filters.network.http_connection_manager";
  static final String TLS_SOCKET = "envoy.transport_sockets.tls";

  final String service;
  final Listener listener;
  final RouteConfiguration routes;
  final List<Cluster> clusters = new ArrayList<>();
  final List<ClusterLoadAssignment> endpoints = new ArrayList<>();

  ClientResources(String service, ServicePolicy policy, List<Instance> instances) {
    this.service = service;
    this.listener = listener(service, policy);
    Set<String> versions = new LinkedHashSet<>();
    policy.split().forEach(v -> versions.add(v.version()));
    policy.headerRoutes().forEach(h -> versions.add(h.version()));
    this.routes = routes(service, policy);
    clusters.add(cluster(MeshNames.cluster(service), service, policy));
    endpoints.add(endpoints(MeshNames.cluster(service), instances, null));
    for (String version : versions) {
      String name = MeshNames.versionCluster(service, version);
      clusters.add(cluster(name, service, policy));
      endpoints.add(endpoints(name, instances, version));
    }
  }

  static ConfigSource ads() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }

  private static Listener listener(String service, ServicePolicy policy) {
    HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("outbound_" + service)
        .setRds(Rds.newBuilder().setConfigSource(ads()).setRouteConfigName(MeshNames.routeConfig(service)));
    policy.fault().ifPresent(f -> hcm.addHttpFilters(
        HttpFilter.newBuilder().setName(FAULT_FILTER).setTypedConfig(Any.pack(fault(f)))));
    hcm.addHttpFilters(router());
    return Listener.newBuilder()
        .setName(service)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm.build())))
        .build();
  }

  static HttpFilter router() {
    return HttpFilter.newBuilder()
        .setName(ROUTER_FILTER)
        .setTypedConfig(Any.pack(io.envoyproxy.envoy.extensions.filters.http.router.v3.Router.getDefaultInstance()))
        .build();
  }

  private static HTTPFault fault(ServicePolicy.Fault f) {
    HTTPFault.Builder fault = HTTPFault.newBuilder();
    f.delay().ifPresent(d -> fault.setDelay(FaultDelay.newBuilder()
        .setFixedDelay(duration(d))
        .setPercentage(percent(f.delayPercent()))));
    f.abortCode().ifPresent(code -> fault.setAbort(FaultAbort.newBuilder()
        .setGrpcStatus(code)
        .setPercentage(percent(f.abortPercent()))));
    return fault.build();
  }

  private static FractionalPercent percent(int percent) {
    return FractionalPercent.newBuilder()
        .setNumerator(percent)
        .setDenominator(FractionalPercent.DenominatorType.HUNDRED)
        .build();
  }

  private static RouteConfiguration routes(String service, ServicePolicy policy) {
    VirtualHost.Builder host = VirtualHost.newBuilder().setName(service).addDomains(service);
    for (ServicePolicy.HeaderRoute h : policy.headerRoutes()) {
      host.addRoutes(Route.newBuilder()
          .setMatch(RouteMatch.newBuilder().setPrefix("").addHeaders(HeaderMatcher.newBuilder()
              .setName(h.header())
              .setStringMatch(StringMatcher.newBuilder().setExact(h.exact()))))
          .setRoute(action(policy).setCluster(MeshNames.versionCluster(service, h.version()))));
    }
    RouteAction.Builder fallback = action(policy);
    List<ServicePolicy.VersionWeight> weights = policy.split().stream().filter(v -> v.weight() > 0).toList();
    if (weights.isEmpty()) {
      fallback.setCluster(MeshNames.cluster(service));
    } else {
      WeightedCluster.Builder split = WeightedCluster.newBuilder();
      for (ServicePolicy.VersionWeight v : weights) {
        split.addClusters(WeightedCluster.ClusterWeight.newBuilder()
            .setName(MeshNames.versionCluster(service, v.version()))
            .setWeight(UInt32Value.of(v.weight())));
      }
      fallback.setWeightedClusters(split);
    }
    host.addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("")).setRoute(fallback));
    return RouteConfiguration.newBuilder().setName(MeshNames.routeConfig(service)).addVirtualHosts(host).build();
  }

  static RouteAction.Builder action(ServicePolicy policy) {
    RouteAction.Builder action = RouteAction.newBuilder();
    policy.timeout().ifPresent(t -> action
        // Envoy reads timeout; gRPC clients read max_stream_duration (gRFC A31)
        .setTimeout(duration(t))
        .setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder()
            .setMaxStreamDuration(duration(t))
            .setGrpcTimeoutHeaderMax(duration(t))));
    policy.retry().filter(r -> r.attempts() > 1).ifPresent(r -> action.setRetryPolicy(RetryPolicy.newBuilder()
        .setRetryOn(String.join(",", r.codes()))
        .setNumRetries(UInt32Value.of(r.attempts() - 1))
        .setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder()
            .setBaseInterval(duration(r.initialBackoff()))
            .setMaxInterval(duration(r.maxBackoff())))));
    policy.loadBalancing().flatMap(ServicePolicy.LoadBalancing::hashHeader).ifPresent(header -> action.addHashPolicy(
        RouteAction.HashPolicy.newBuilder().setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(header))));
    return action;
  }

  /**
   * Least request where a client has it, else round robin, as a list of candidates each client takes the first it
   * knows of (gRFC A52) — not the {@code lb_policy} enum, for which gRPC for Node 1.14 and C-core 1.51 NACK the whole
   * cluster. The outer {@code wrr_locality} is what grpc-java builds from the enum; grpc-js 1.14.1 registers it under
   * a type URL without its {@code type.googleapis.com/} prefix, never matches it, and falls to the bare round robin.
   */
  private static LoadBalancingPolicy leastRequestOrRoundRobin(int choiceCount) {
    LoadBalancingPolicy.Policy roundRobin = lbCandidate(
        "envoy.load_balancing_policies.round_robin", Any.pack(RoundRobin.getDefaultInstance()));
    LoadBalancingPolicy endpointPicking = LoadBalancingPolicy.newBuilder()
        .addPolicies(lbCandidate("envoy.load_balancing_policies.least_request",
            Any.pack(LeastRequest.newBuilder().setChoiceCount(UInt32Value.of(choiceCount)).build())))
        .addPolicies(roundRobin)
        .build();
    return LoadBalancingPolicy.newBuilder()
        .addPolicies(lbCandidate("envoy.load_balancing_policies.wrr_locality",
            Any.pack(WrrLocality.newBuilder().setEndpointPickingPolicy(endpointPicking).build())))
        .addPolicies(roundRobin)
        .build();
  }

  private static LoadBalancingPolicy.Policy lbCandidate(String name, Any config) {
    return LoadBalancingPolicy.Policy.newBuilder()
        .setTypedExtensionConfig(TypedExtensionConfig.newBuilder().setName(name).setTypedConfig(config))
        .build();
  }

  private static Cluster cluster(String name, String service, ServicePolicy policy) {
    Cluster.Builder cluster = Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()).setServiceName(name))
        .setConnectTimeout(duration(Duration.ofSeconds(1)));
    ServicePolicy.LoadBalancing lb =
        policy.loadBalancing().orElse(new ServicePolicy.LoadBalancing(ServicePolicy.LbPolicy.ROUND_ROBIN, java.util.Optional.empty(), 2));
    switch (lb.policy()) {
      case ROUND_ROBIN -> cluster.setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
      case LEAST_REQUEST -> cluster.setLoadBalancingPolicy(leastRequestOrRoundRobin(lb.choiceCount()));
      case RING_HASH -> cluster.setLbPolicy(Cluster.LbPolicy.RING_HASH)
          .setRingHashLbConfig(Cluster.RingHashLbConfig.getDefaultInstance());
    }
    policy.circuitBreaker().ifPresent(cb -> cluster
        .setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
            .setPriority(RoutingPriority.DEFAULT)
            .setMaxRequests(UInt32Value.of(cb.maxRequests()))))
        // gRPC clients enforce max_requests only when load reporting is configured
        .setLrsServer(ConfigSource.newBuilder().setSelf(SelfConfigSource.getDefaultInstance())));
    policy.outlierDetection().ifPresent(od -> cluster.setOutlierDetection(OutlierDetection.newBuilder()
        .setInterval(duration(od.interval()))
        .setBaseEjectionTime(duration(od.baseEjectionTime()))
        .setMaxEjectionPercent(UInt32Value.of(od.maxEjectionPercent()))
        .setFailurePercentageThreshold(UInt32Value.of(od.failurePercentage()))
        .setEnforcingFailurePercentage(UInt32Value.of(100))
        .setFailurePercentageMinimumHosts(UInt32Value.of(od.minimumHosts()))
        .setFailurePercentageRequestVolume(UInt32Value.of(od.requestVolume()))
        // Envoy enables consecutive-5xx ejection by default; gRPC has no such algorithm: keep both alike
        .setEnforcingConsecutive5Xx(UInt32Value.of(0))
        .setEnforcingSuccessRate(UInt32Value.of(0))));
    if (policy.mtlsMode() != ServicePolicy.MtlsMode.DISABLE) {
      cluster.setTransportSocket(TransportSocket.newBuilder()
          .setName(TLS_SOCKET)
          .setTypedConfig(Any.pack(upstreamTls(service))));
    }
    return cluster.build();
  }

  private static UpstreamTlsContext upstreamTls(String service) {
    return UpstreamTlsContext.newBuilder()
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setTlsCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
                .setInstanceName(MeshNames.CLIENT_CERT_PROVIDER))
            .setValidationContext(CertificateValidationContext.newBuilder()
                .setCaCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
                    .setInstanceName(MeshNames.CLIENT_CERT_PROVIDER))
                // without it clients would accept any mesh certificate as the service
                .addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(MeshNames.spiffeId(service)))))
        .build();
  }

  private static ClusterLoadAssignment endpoints(String cluster, List<Instance> instances, String version) {
    Map<String, List<LbEndpoint>> byZone = new TreeMap<>();
    Map<String, Integer> zoneWeight = new TreeMap<>();
    for (Instance i : instances) {
      if (i.getState() != InstanceState.INSTANCE_STATE_SERVING || (version != null && !version.equals(i.getVersion()))) {
        continue;
      }
      byZone.computeIfAbsent(i.getZone(), z -> new ArrayList<>()).add(LbEndpoint.newBuilder()
          .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
              SocketAddress.newBuilder().setAddress(i.getAddress().getHost()).setPortValue(i.getAddress().getPort()))))
          .setHealthStatus(HealthStatus.HEALTHY)
          .setLoadBalancingWeight(UInt32Value.of(i.getWeight()))
          .setMetadata(metadata(i))
          .build());
      zoneWeight.merge(i.getZone(), i.getWeight(), Integer::sum);
    }
    ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(cluster);
    byZone.forEach((zone, lbEndpoints) -> cla.addEndpoints(LocalityLbEndpoints.newBuilder()
        .setLocality(Locality.newBuilder().setZone(zone))
        .setLoadBalancingWeight(UInt32Value.of(zoneWeight.get(zone)))
        .setPriority(0)
        .addAllLbEndpoints(lbEndpoints)));
    return cla.build();
  }

  private static Metadata metadata(Instance i) {
    Struct.Builder fields = Struct.newBuilder()
        .putFields("instance_id", Value.newBuilder().setStringValue(i.getInstanceId()).build())
        .putFields("version", Value.newBuilder().setStringValue(i.getVersion()).build());
    new TreeMap<>(i.getMetadataMap()).forEach((k, v) -> fields.putFields(k, Value.newBuilder().setStringValue(v).build()));
    return Metadata.newBuilder().putFilterMetadata("marketprism", fields.build()).build();
  }

  static com.google.protobuf.Duration duration(Duration d) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  static BoolValue bool(boolean value) {
    return BoolValue.of(value);
  }
}
