package io.marketprism.controlplane.snapshot;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.marketprism.controlplane.policy.MeshPolicy;
import io.marketprism.controlplane.policy.ServicePolicy;
import io.marketprism.registry.v1.Instance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the registry and the mesh policy into each node group's resources. Client resources are built once per
 * service and shared by every group; a group adds the server listeners its nodes asked for, built from its own
 * service's policy (mTLS mode, RBAC).
 *
 * <p>Which services get client resources: every service that is registered, named in the policy, or dialled by a
 * client — so a client of a service with no instances yet gets a valid, empty cluster (calls fail with UNAVAILABLE
 * at once) instead of waiting for a resource that never comes. Stateless and thread-safe. O(instances + services ×
 * groups).
 */
public final class SnapshotBuilder {

  /** The resources of every requested group. */
  public Map<String, MeshSnapshot> build(MeshPolicy policy, List<Instance> instances, RequestedNames requested) {
    Map<String, List<Instance>> byService = new HashMap<>();
    instances.forEach(i -> byService.computeIfAbsent(i.getService(), s -> new ArrayList<>()).add(i));
    Set<String> services = new TreeSet<>(byService.keySet());
    services.addAll(policy.serviceNames());
    services.addAll(requested.clientServices());

    List<Listener> clientListeners = new ArrayList<>();
    List<RouteConfiguration> routes = new ArrayList<>();
    List<Cluster> clusters = new ArrayList<>();
    List<ClusterLoadAssignment> endpoints = new ArrayList<>();
    for (String service : services) {
      ClientResources r = new ClientResources(service, policy.forService(service), byService.getOrDefault(service, List.of()));
      clientListeners.add(r.listener);
      routes.add(r.routes);
      clusters.addAll(r.clusters);
      endpoints.addAll(r.endpoints);
    }

    Map<String, MeshSnapshot> out = new HashMap<>();
    for (String group : requested.groups()) {
      List<Listener> listeners = new ArrayList<>(clientListeners);
      ServicePolicy own = group.equals(MeshNames.CLIENTS_GROUP) ? ServicePolicy.EMPTY : policy.forService(group);
      for (String name : requested.listeners(group)) {
        Optional<MeshNames.HostPort> address = MeshNames.parseServerListener(name);
        address.ifPresent(a -> listeners.add(ServerListeners.listener(name, a, group, own)));
      }
      out.put(group, new MeshSnapshot(List.copyOf(listeners), routes, clusters, endpoints));
    }
    return out;
  }
}
