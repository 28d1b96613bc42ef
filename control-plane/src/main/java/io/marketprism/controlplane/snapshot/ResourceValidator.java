package io.marketprism.controlplane.snapshot;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a group's resources before they reach the cache: every reference resolves (listener → route configuration,
 * route → cluster, cluster → endpoints, TLS context → SDS secret), every weight is positive, every gRPC server listener
 * has the shape gRPC accepts. A resource a client NACKs would otherwise be resent in a loop (the cache
 * resends the same version to a node that rejected it), so an invalid snapshot is refused here and the group keeps
 * its last good one. Stateless and thread-safe.
 */
public final class ResourceValidator {

  /** The snapshot is not safe to send; the message lists every problem found. */
  public static final class InvalidSnapshotException extends Exception {
    public InvalidSnapshotException(String message) {
      super(message);
    }
  }

  public void validate(MeshSnapshot snapshot) throws InvalidSnapshotException {
    List<String> problems = new ArrayList<>();
    Set<String> routeNames = new HashSet<>();
    snapshot.routes().forEach(r -> routeNames.add(r.getName()));
    Set<String> clusterNames = new HashSet<>();
    snapshot.clusters().forEach(c -> clusterNames.add(c.getName()));
    Set<String> endpointNames = new HashSet<>();
    snapshot.endpoints().forEach(e -> endpointNames.add(e.getClusterName()));

    Set<String> secretNames = new HashSet<>();
    snapshot.secrets().forEach(x -> secretNames.add(x.getName()));

    Set<String> seen = new HashSet<>();
    for (Listener listener : snapshot.listeners()) {
      String where = "listener " + listener.getName();
      if (listener.getName().isEmpty() || !seen.add(listener.getName())) {
        problems.add(where + ": empty or duplicate name");
      }
      if (listener.hasApiListener()) {
        HttpConnectionManager hcm = unpack(listener.getApiListener().getApiListener(), HttpConnectionManager.class, where, problems);
        if (hcm != null) {
          if (!hcm.hasRds() || !routeNames.contains(hcm.getRds().getRouteConfigName())) {
            problems.add(where + ": route configuration " + hcm.getRds().getRouteConfigName() + " does not exist");
          }
          checkFilters(hcm, where, problems);
        }
      } else {
        boolean grpcServer = listener.getName().startsWith(MeshNames.SERVER_LISTENER_PREFIX);
        if (grpcServer && !listener.getAddress().getSocketAddress().getAddress().equals("0.0.0.0")
            || listener.getAddress().getSocketAddress().getPortValue() <= 0) {
          problems.add(where + ": a server listener must be bound to 0.0.0.0 and a port");
        }
        if (listener.getFilterChainsCount() == 0) {
          problems.add(where + ": no filter chain");
        }
        for (FilterChain chain : listener.getFilterChainsList()) {
          if (chain.hasTransportSocket()) {
            DownstreamTlsContext tls =
                unpack(chain.getTransportSocket().getTypedConfig(), DownstreamTlsContext.class, where, problems);
            if (tls != null) {
              checkSecrets(tls.getCommonTlsContext(), secretNames, where, problems);
            }
          }
          for (Filter filter : chain.getFiltersList()) {
            HttpConnectionManager hcm = unpack(filter.getTypedConfig(), HttpConnectionManager.class, where, problems);
            if (hcm == null) {
              continue;
            }
            if (grpcServer && !hcm.hasRouteConfig()) {
              problems.add(where + ": a server listener needs an inline route configuration");
            } else if (hcm.hasRds()) {
              if (!routeNames.contains(hcm.getRds().getRouteConfigName())) {
                problems.add(where + ": route configuration " + hcm.getRds().getRouteConfigName() + " does not exist");
              }
            } else if (hcm.hasRouteConfig()) {
              checkRoutes(hcm.getRouteConfig(), clusterNames, problems);
            } else {
              problems.add(where + ": no route configuration");
            }
            checkFilters(hcm, where, problems);
          }
        }
      }
    }
    for (RouteConfiguration routes : snapshot.routes()) {
      checkRoutes(routes, clusterNames, problems);
    }
    for (Cluster cluster : snapshot.clusters()) {
      if (cluster.getType() == Cluster.DiscoveryType.EDS && !endpointNames.contains(cluster.getEdsClusterConfig().getServiceName())) {
        problems.add("cluster " + cluster.getName() + ": endpoints " + cluster.getEdsClusterConfig().getServiceName() + " do not exist");
      }
      if (cluster.getType() != Cluster.DiscoveryType.EDS && cluster.getLoadAssignment().getEndpointsCount() == 0) {
        problems.add("cluster " + cluster.getName() + ": a cluster without EDS needs its endpoints inline");
      }
      if (cluster.hasTransportSocket() && cluster.getTransportSocket().getTypedConfig().is(UpstreamTlsContext.class)) {
        String where = "cluster " + cluster.getName();
        UpstreamTlsContext tls =
            unpack(cluster.getTransportSocket().getTypedConfig(), UpstreamTlsContext.class, where, problems);
        if (tls != null) {
          checkSecrets(tls.getCommonTlsContext(), secretNames, where, problems);
        }
      }
    }
    for (ClusterLoadAssignment cla : snapshot.endpoints()) {
      for (LocalityLbEndpoints locality : cla.getEndpointsList()) {
        if (locality.getLoadBalancingWeight().getValue() == 0) {
          problems.add("endpoints " + cla.getClusterName() + ": locality " + locality.getLocality().getZone() + " has weight 0");
        }
        for (LbEndpoint e : locality.getLbEndpointsList()) {
          int port = e.getEndpoint().getAddress().getSocketAddress().getPortValue();
          if (port <= 0 || port > 65535 || e.getLoadBalancingWeight().getValue() == 0) {
            problems.add("endpoints " + cla.getClusterName() + ": endpoint with port " + port + " or weight 0");
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidSnapshotException(String.join("; ", problems));
    }
  }

  private static void checkRoutes(RouteConfiguration routes, Set<String> clusterNames, List<String> problems) {
    String where = "route configuration " + routes.getName();
    for (VirtualHost host : routes.getVirtualHostsList()) {
      for (Route route : host.getRoutesList()) {
        if (!route.hasRoute()) {
          continue;
        }
        if (route.getRoute().hasWeightedClusters()) {
          long total = 0;
          for (WeightedCluster.ClusterWeight w : route.getRoute().getWeightedClusters().getClustersList()) {
            total += w.getWeight().getValue();
            if (!clusterNames.contains(w.getName())) {
              problems.add(where + ": cluster " + w.getName() + " does not exist");
            }
          }
          if (total <= 0) {
            problems.add(where + ": weighted clusters with total weight 0");
          }
        } else if (!clusterNames.contains(route.getRoute().getCluster())) {
          problems.add(where + ": cluster " + route.getRoute().getCluster() + " does not exist");
        }
      }
    }
  }

  /** Every SDS secret a TLS context names must be in the snapshot (Envoy would wait for it forever). */
  private static void checkSecrets(CommonTlsContext tls, Set<String> secretNames, String where, List<String> problems) {
    List<String> names = new ArrayList<>();
    tls.getTlsCertificateSdsSecretConfigsList().forEach(c -> names.add(c.getName()));
    if (tls.hasCombinedValidationContext()) {
      names.add(tls.getCombinedValidationContext().getValidationContextSdsSecretConfig().getName());
    }
    if (tls.hasValidationContextSdsSecretConfig()) {
      names.add(tls.getValidationContextSdsSecretConfig().getName());
    }
    for (String name : names) {
      if (!secretNames.contains(name)) {
        problems.add(where + ": SDS secret " + name + " does not exist");
      }
    }
  }

  private static void checkFilters(HttpConnectionManager hcm, String where, List<String> problems) {
    List<HttpFilter> filters = hcm.getHttpFiltersList();
    if (filters.isEmpty() || !filters.get(filters.size() - 1).getName().equals(ClientResources.ROUTER_FILTER)) {
      problems.add(where + ": the router must be the last HTTP filter");
    }
  }

  private static <T extends com.google.protobuf.Message> T unpack(Any any, Class<T> type, String where, List<String> problems) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      problems.add(where + ": not a " + type.getSimpleName() + ": " + e.getMessage());
      return null;
    }
  }
}
