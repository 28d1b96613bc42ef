package io.marketprism.controlplane.snapshot;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Listener names that connected nodes asked for, per node group. Snapshots answer every one of them: a name the
 * cache did not hold would stall the node's ADS stream (java-control-plane's {@code SimpleCache} answers a request
 * only when every name in it exists). Names are never forgotten while the control plane runs; they are few.
 *
 * <p>Thread-safe: concurrent sets; listeners are called on the requesting thread after a new name is added, before
 * the request reaches the cache.
 */
public final class RequestedNames {

  private final Map<String, Set<String>> listenersByGroup = new ConcurrentHashMap<>();
  private final List<Runnable> onNewName = new CopyOnWriteArrayList<>();

  /** Records names (none: a wildcard request, as Envoy's); runs the listeners if the group or any name is new. */
  public void add(String group, Collection<String> listenerNames) {
    boolean added = !listenersByGroup.containsKey(group);
    Set<String> names = listenersByGroup.computeIfAbsent(group, g -> ConcurrentHashMap.newKeySet());
    for (String name : listenerNames) {
      added |= names.add(name);
    }
    if (added) {
      onNewName.forEach(Runnable::run);
    }
  }

  /** Makes sure {@code group} gets a snapshot even before it names a listener. */
  public void addGroup(String group) {
    if (listenersByGroup.putIfAbsent(group, ConcurrentHashMap.newKeySet()) == null) {
      onNewName.forEach(Runnable::run);
    }
  }

  public void onNewName(Runnable listener) {
    onNewName.add(listener);
  }

  public Set<String> groups() {
    return new TreeSet<>(listenersByGroup.keySet());
  }

  public Set<String> listeners(String group) {
    return new TreeSet<>(listenersByGroup.getOrDefault(group, Set.of()));
  }

  /** Every requested listener name that is a service name: the services some client dials. */
  public Set<String> clientServices() {
    Set<String> services = new TreeSet<>();
    listenersByGroup.values().forEach(names -> names.stream().filter(MeshNames::isServiceName).forEach(services::add));
    return services;
  }
}
