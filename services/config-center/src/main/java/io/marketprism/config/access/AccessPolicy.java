package io.marketprism.config.access;

import io.marketprism.kit.api.Caller;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;

/**
 * Decides whether a caller may act on a namespace: the first rule whose namespace pattern matches decides; a
 * namespace no rule covers is closed to everyone. Immutable and thread-safe.
 */
public final class AccessPolicy {

  private final List<AccessRule> rules;

  public AccessPolicy(List<AccessRule> rules) {
    this.rules = List.copyOf(rules);
  }

  public boolean allows(Caller caller, String namespace, Action action) {
    for (AccessRule rule : rules) {
      if (rule.covers(namespace)) {
        return rule.principals(action).stream().anyMatch(p -> Principals.matches(p, caller, namespace));
      }
    }
    return false;
  }

  /** Fails with {@code PERMISSION_DENIED} naming caller, namespace and action unless {@link #allows}. */
  public void check(Caller caller, String namespace, Action action) {
    if (!allows(caller, namespace, action)) {
      throw denied(caller, namespace, action);
    }
  }

  private static StatusRuntimeException denied(Caller caller, String namespace, Action action) {
    return Status.PERMISSION_DENIED
        .withDescription(caller + " may not " + action + " namespace " + namespace)
        .asRuntimeException();
  }
}
