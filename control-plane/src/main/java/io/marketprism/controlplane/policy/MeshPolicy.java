package io.marketprism.controlplane.policy;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The mesh policy file as read: defaults and per-service policies. Immutable.
 *
 * @param defaults what services get for every part they leave out
 * @param services service name → its own policy (without defaults applied)
 */
public record MeshPolicy(ServicePolicy defaults, Map<String, ServicePolicy> services) {

  public static final MeshPolicy EMPTY = new MeshPolicy(ServicePolicy.EMPTY, Map.of());

  public MeshPolicy {
    services = Map.copyOf(new TreeMap<>(services));
  }

  /** The policy in force for {@code service}: its own parts, then the defaults. */
  public ServicePolicy forService(String service) {
    return services.getOrDefault(service, ServicePolicy.EMPTY).orElse(defaults);
  }

  /** Services the file names. */
  public Set<String> serviceNames() {
    return services.keySet();
  }
}
