package io.marketprism.controlplane.snapshot;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.marketprism.controlplane.policy.ServicePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an Envoy sidecar of one service gets (node group {@code sidecar|<service>}):
 *
 * <ul>
 *   <li>inbound: listener {@code inbound|<service>} on {@code 0.0.0.0:<inbound port>}, TLS from SDS (client
 *       certificate required for STRICT; for PERMISSIVE a TLS chain with the certificate optional beside a plaintext
 *       chain, told apart by the TLS inspector; plaintext for DISABLE), the service's RBAC filter, and a
 *       route to cluster {@code inbound|<service>}, the service itself on {@code 127.0.0.1:<its port>}; and listener
 *       {@code health|<service>} on {@code 0.0.0.0:<health port>}, plaintext, passing only {@code grpc.health.v1} to
 *       it (the control plane's health checks; {@code SidecarRegistrar} registers the instance with that port);
 *   <li>outbound: for every other service with a well-known port, listener {@code outbound|<service>} on
 *       {@code 127.0.0.1:<port>} whose HTTP connection manager is the gRPC client's (same route configuration name,
 *       same fault and router filters), that route configuration for any authority, and the service's clusters and
 *       endpoints as {@link EnvoyClusters} adapts them;
 *   <li>the SDS secrets {@link EnvoyTls} names.
 * </ul>
 *
 * So the service keeps dialling {@code 127.0.0.1:<port>} as it does without a mesh, and every policy the control plane
 * derives for gRPC clients (LB, circuit breaker, outlier detection, retries, timeouts, splits, header routes, faults)
 * applies to it unchanged. Stateless.
 */
final class EnvoySidecarResources {

  /** Envoy's name for the listener filter that tells TLS from plaintext by the first bytes. */
  static final String TLS_INSPECTOR = "envoy.filters.listener.tls_inspector";


  private EnvoySidecarResources() {}

  static MeshSnapshot build(
      String service, ServicePolicy own, Map<String, ClientResources> clients, EnvoySettings settings) {
    List<Listener> listeners = new ArrayList<>();
    List<RouteConfiguration> routes = new ArrayList<>();
    List<Cluster> clusters = new ArrayList<>();
    List<ClusterLoadAssignment> endpoints = new ArrayList<>();
    Integer ownPort = settings.servicePorts().get(service);
    if (ownPort != null) {
      listeners.add(inbound(service, own, settings.inboundPort()));
      listeners.add(health(service, settings.healthPort()));
      clusters.add(EnvoyClusters.fixed(inboundName(service), "127.0.0.1", ownPort));
    }
    for (ClientResources target : clients.values()) {
      Integer port = settings.servicePorts().get(target.service);
      if (target.service.equals(service) || port == null) {
        continue;
      }
      listeners.add(outbound(target, port));
      routes.add(anyAuthority(target.routes));
      target.clusters.forEach(c -> clusters.add(EnvoyClusters.forEnvoy(c, target.service)));
      endpoints.addAll(target.endpoints);
    }
    return new MeshSnapshot(listeners, routes, clusters, endpoints, EnvoyTls.secrets(settings.certDir()));
  }

  static String inboundName(String service) {
    return "inbound|" + service;
  }

  static String healthName(String service) {
    return "health|" + service;
  }

  static String outboundName(String service) {
    return "outbound|" + service;
  }

  private static Listener inbound(String service, ServicePolicy policy, int port) {
    HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("inbound_" + service)
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        // the service learns its caller's SPIFFE id from x-forwarded-client-cert, set here and nowhere else
        .setForwardClientCertDetails(HttpConnectionManager.ForwardClientCertDetails.SANITIZE_SET)
        .setSetCurrentClientCertDetails(HttpConnectionManager.SetCurrentClientCertDetails.newBuilder().setUri(true))
        .setRouteConfig(RouteConfiguration.newBuilder()
            .setName(inboundName(service))
            .addVirtualHosts(VirtualHost.newBuilder()
                .setName(inboundName(service))
                .addDomains("*")
                .addRoutes(Route.newBuilder()
                    .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                    // the caller's deadline (grpc-timeout) bounds the call; Envoy's 15 s default would cut streams
                    .setRoute(RouteAction.newBuilder()
                        .setCluster(inboundName(service))
                        .setTimeout(ClientResources.duration(Duration.ZERO))))));
    policy.rbac().ifPresent(rbac -> hcm.addHttpFilters(HttpFilter.newBuilder()
        .setName(ServerListeners.RBAC_FILTER)
        .setTypedConfig(Any.pack(ServerListeners.rbacFilter(rbac)))));
    hcm.addHttpFilters(ClientResources.router());
    FilterChain.Builder chain = FilterChain.newBuilder()
        .setName(inboundName(service))
        .addFilters(Filter.newBuilder().setName(ClientResources.HCM_FILTER).setTypedConfig(Any.pack(hcm.build())));
    Listener.Builder listener = Listener.newBuilder()
        .setName(inboundName(service))
        .setAddress(EnvoyClusters.address("0.0.0.0", port));
    switch (policy.mtlsMode()) {
      case DISABLE -> listener.addFilterChains(chain);
      case STRICT -> listener.addFilterChains(chain.setTransportSocket(downstreamTls(true)));
      case PERMISSIVE -> {
        // Envoy can do what proxyless gRPC cannot: take plaintext and TLS callers on one port while services move
        // into the mesh. The TLS inspector tells them apart; each kind gets its own chain, the same RBAC in both
        // (a plaintext caller has no identity, so only rules that admit any caller let it through).
        listener.addListenerFilters(ListenerFilter.newBuilder()
            .setName(TLS_INSPECTOR)
            .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())));
        listener.addFilterChains(chain.clone()
            .setFilterChainMatch(FilterChainMatch.newBuilder().setTransportProtocol("tls"))
            .setTransportSocket(downstreamTls(false)));
        listener.addFilterChains(chain.clone()
            .setName(inboundName(service) + "|plaintext")
            .setFilterChainMatch(FilterChainMatch.newBuilder().setTransportProtocol("raw_buffer")));
      }
    }
    return listener.build();
  }

  private static TransportSocket downstreamTls(boolean requireClientCertificate) {
    return TransportSocket.newBuilder()
        .setName(ClientResources.TLS_SOCKET)
        .setTypedConfig(Any.pack(EnvoyTls.downstream(requireClientCertificate)))
        .build();
  }

  /**
   * Plaintext, and only {@code grpc.health.v1}: the control plane health-checks the instance here, without a mesh
   * certificate; any other path gets 404.
   */
  private static Listener health(String service, int port) {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("health_" + service)
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        .setRouteConfig(RouteConfiguration.newBuilder()
            .setName(healthName(service))
            .addVirtualHosts(VirtualHost.newBuilder()
                .setName(healthName(service))
                .addDomains("*")
                .addRoutes(Route.newBuilder()
                    .setMatch(RouteMatch.newBuilder().setPrefix("/grpc.health.v1.Health/"))
                    .setRoute(RouteAction.newBuilder().setCluster(inboundName(service))))))
        .addHttpFilters(ClientResources.router())
        .build();
    return Listener.newBuilder()
        .setName(healthName(service))
        .setAddress(EnvoyClusters.address("0.0.0.0", port))
        .addFilterChains(FilterChain.newBuilder()
            .addFilters(Filter.newBuilder().setName(ClientResources.HCM_FILTER).setTypedConfig(Any.pack(hcm))))
        .build();
  }

  /** The gRPC client's API listener, put on a loopback socket. */
  private static Listener outbound(ClientResources target, int port) {
    HttpConnectionManager hcm;
    try {
      hcm = target.listener.getApiListener().getApiListener().unpack(HttpConnectionManager.class);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("client listener of " + target.service + " holds no HTTP connection manager", e);
    }
    return Listener.newBuilder()
        .setName(outboundName(target.service))
        .setAddress(EnvoyClusters.address("127.0.0.1", port))
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
            .setName(ClientResources.HCM_FILTER)
            .setTypedConfig(Any.pack(hcm.toBuilder()
                .setStatPrefix("outbound_" + target.service)
                .setCodecType(HttpConnectionManager.CodecType.HTTP2)
                .build()))))
        .build();
  }

  /**
   * The gRPC client's route configuration for Envoy: the application dials {@code 127.0.0.1:<port>}, so its
   * authority is not the service name; and a route without a policy timeout gets none ({@code 0s}), as in gRPC,
   * instead of Envoy's 15 s default.
   */
  static RouteConfiguration anyAuthority(RouteConfiguration grpc) {
    RouteConfiguration.Builder routes = grpc.toBuilder();
    for (VirtualHost.Builder host : routes.getVirtualHostsBuilderList()) {
      host.clearDomains().addDomains("*");
      for (Route.Builder route : host.getRoutesBuilderList()) {
        noDefaultTimeout(route);
      }
    }
    return routes.build();
  }

  static void noDefaultTimeout(Route.Builder route) {
    if (route.hasRoute() && !route.getRoute().hasTimeout()) {
      route.getRouteBuilder().setTimeout(ClientResources.duration(Duration.ZERO));
    }
  }
}
