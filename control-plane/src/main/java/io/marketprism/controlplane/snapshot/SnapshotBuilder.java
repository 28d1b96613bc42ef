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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Turns the registry and the mesh policy into each node group's resources. Client resources are built once per
 * service and shared by every group; a proxyless group adds the server listeners its nodes asked for, built from its
 * own service's policy (mTLS mode, RBAC). Envoy groups ({@link EnvoyNode}) get the same client resources adapted by
 * {@link EnvoySidecarResources} or {@link EnvoyGatewayResources}.
 *
 * <p>Which services get client resources: every service that is registered, named in the policy, dialled by a
 * client, or routed to by a gateway — so a client of a service with no instances yet gets a valid, empty cluster
 * (calls fail with UNAVAILABLE at once) instead of waiting for a resource that never comes. Thread-safe (the
 * descriptor set is loaded once, when a gateway first connects). O(instances + services × groups).
 */
public final class SnapshotBuilder {

  private final EnvoySettings envoy;
  private final Supplier<ApiDescriptors> api;

  public SnapshotBuilder() {
    this(EnvoySettings.defaults());
  }

  public SnapshotBuilder(EnvoySettings envoy) {
    this.envoy = envoy;
    this.api = memoized(ApiDescriptors::load);
  }

  /**
   * Checks the gateway's routes against the descriptor set now, rather than when the first gateway connects.
   *
   * @throws IllegalArgumentException naming the route that cannot be served
   */
  public void checkGatewayRoutes() {
    EnvoyGatewayResources.prefixes(envoy.gateway().routes(), api.get());
  }

  /** The resources of every requested group. */
  public Map<String, MeshSnapshot> build(MeshPolicy policy, List<Instance> instances, RequestedNames requested) {
    Map<String, List<Instance>> byService = new HashMap<>();
    instances.forEach(i -> byService.computeIfAbsent(i.getService(), s -> new ArrayList<>()).add(i));
    Set<String> groups = requested.groups();
    Set<String> services = new TreeSet<>(byService.keySet());
    services.addAll(policy.serviceNames());
    services.addAll(requested.clientServices());
    boolean gateways = groups.stream()
        .anyMatch(g -> EnvoyNode.ofGroup(g).filter(n -> n.role() == EnvoyNode.Role.GATEWAY).isPresent());
    if (gateways) {
      services.addAll(envoy.gateway().routes().values());
    }

    Map<String, ClientResources> clients = new LinkedHashMap<>();
    List<Listener> clientListeners = new ArrayList<>();
    List<RouteConfiguration> routes = new ArrayList<>();
    List<Cluster> clusters = new ArrayList<>();
    List<ClusterLoadAssignment> endpoints = new ArrayList<>();
    for (String service : services) {
      ClientResources r = new ClientResources(service, policy.forService(service), byService.getOrDefault(service, List.of()));
      clients.put(service, r);
      clientListeners.add(r.listener);
      routes.add(r.routes);
      clusters.addAll(r.clusters);
      endpoints.addAll(r.endpoints);
    }

    Map<String, MeshSnapshot> out = new HashMap<>();
    for (String group : groups) {
      Optional<EnvoyNode> envoyNode = EnvoyNode.ofGroup(group);
      if (envoyNode.isPresent()) {
        out.put(group, envoySnapshot(envoyNode.get(), policy, clients));
        continue;
      }
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

  private MeshSnapshot envoySnapshot(EnvoyNode node, MeshPolicy policy, Map<String, ClientResources> clients) {
    return switch (node.role()) {
      case SIDECAR -> EnvoySidecarResources.build(node.name(), policy.forService(node.name()), clients, envoy);
      case GATEWAY -> EnvoyGatewayResources.build(clients, envoy.gateway(), envoy.certDir(), api.get());
    };
  }

  private static <T> Supplier<T> memoized(Supplier<T> load) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = load.get();
        }
        return value;
      }
    };
  }
}
