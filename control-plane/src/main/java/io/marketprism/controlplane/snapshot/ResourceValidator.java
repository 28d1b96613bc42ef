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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a group's resources before they reach the cache: every reference resolves, every weight is positive, every
 * listener has the shape gRPC accepts. A resource a client NACKs would otherwise be resent in a loop (the cache
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
        if (!listener.getAddress().getSocketAddress().getAddress().equals("0.0.0.0")
            || listener.getAddress().getSocketAddress().getPortValue() <= 0) {
          problems.add(where + ": a server listener must be bound to 0.0.0.0 and a port");
        }
        if (listener.getFilterChainsCount() == 0) {
          problems.add(where + ": no filter chain");
        }
        for (FilterChain chain : listener.getFilterChainsList()) {
          for (Filter filter : chain.getFiltersList()) {
            HttpConnectionManager hcm = unpack(filter.getTypedConfig(), HttpConnectionManager.class, where, problems);
            if (hcm != null) {
              if (!hcm.hasRouteConfig()) {
                problems.add(where + ": a server listener needs an inline route configuration");
              }
              checkFilters(hcm, where, problems);
            }
          }
        }
      }
    }
    for (RouteConfiguration routes : snapshot.routes()) {
      for (VirtualHost host : routes.getVirtualHostsList()) {
        for (Route route : host.getRoutesList()) {
          String where = "route configuration " + routes.getName();
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
    for (Cluster cluster : snapshot.clusters()) {
      if (cluster.getType() == Cluster.DiscoveryType.EDS && !endpointNames.contains(cluster.getEdsClusterConfig().getServiceName())) {
        problems.add("cluster " + cluster.getName() + ": endpoints " + cluster.getEdsClusterConfig().getServiceName() + " do not exist");
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
