package io.marketprism.controlplane.snapshot;

import io.marketprism.controlplane.policy.MeshPolicy;
import io.marketprism.controlplane.policy.ServicePolicy;
import io.marketprism.registry.v1.Instance;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Versions that a service's {@code split} or {@code header-routes} send calls to while none of the service's
 * registered instances runs them. Such a version's cluster has no endpoints, so its share of the calls fails with
 * UNAVAILABLE (all of them when no split version runs — e.g. a split to 0.1.0 / 0.2.0 while every local instance
 * registers as {@code dev}). Services with no instance at all are left out: that is a service not running, not a
 * policy that misses.
 *
 * <p>Stateless and thread-safe.
 */
public final class UnservedVersions {

  /**
   * @param versions the routed versions no instance runs, sorted
   * @param registered the versions the service's instances do run, sorted
   */
  public record Gap(String service, List<String> versions, List<String> registered) {

    public String message() {
      return service + ": the policy routes calls to version(s) " + versions + " but its registered instances run "
          + registered + "; those calls fail with UNAVAILABLE";
    }
  }

  private UnservedVersions() {}

  /** Every service with a gap, by name. */
  public static List<Gap> find(MeshPolicy policy, List<Instance> instances) {
    Map<String, Set<String>> running = new TreeMap<>();
    instances.forEach(i -> running.computeIfAbsent(i.getService(), s -> new TreeSet<>()).add(i.getVersion()));
    List<Gap> gaps = new ArrayList<>();
    for (Map.Entry<String, Set<String>> service : running.entrySet()) {
      ServicePolicy own = policy.forService(service.getKey());
      Set<String> routed = new LinkedHashSet<>();
      own.split().forEach(w -> routed.add(w.version()));
      own.headerRoutes().forEach(h -> routed.add(h.version()));
      Set<String> missing = new TreeSet<>(routed);
      missing.removeAll(service.getValue());
      if (!missing.isEmpty()) {
        gaps.add(new Gap(service.getKey(), List.copyOf(missing), List.copyOf(service.getValue())));
      }
    }
    return gaps;
  }
}
