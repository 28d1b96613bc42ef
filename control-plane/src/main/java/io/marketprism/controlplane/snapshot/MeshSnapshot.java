package io.marketprism.controlplane.snapshot;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;

/**
 * The resources one node group gets, before they become a versioned cache snapshot. Only Envoy groups get
 * {@code secrets} (SDS); proxyless gRPC reads its certificates through certificate provider instances.
 */
public record MeshSnapshot(
    List<Listener> listeners, List<RouteConfiguration> routes, List<Cluster> clusters,
    List<ClusterLoadAssignment> endpoints, List<Secret> secrets) {

  /** A proxyless group's resources: no secrets. */
  public MeshSnapshot(
      List<Listener> listeners, List<RouteConfiguration> routes, List<Cluster> clusters,
      List<ClusterLoadAssignment> endpoints) {
    this(listeners, routes, clusters, endpoints, List.of());
  }
}
