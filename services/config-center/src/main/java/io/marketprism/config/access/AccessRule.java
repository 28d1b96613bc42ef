package io.marketprism.config.access;

import java.util.List;
import java.util.Map;

/**
 * Who may do what in the namespaces matching {@code namespaces}, a pattern where {@code *} stands for any run of
 * characters ({@code data-*}, {@code *}). Principals are matched by {@link Principals}.
 */
public record AccessRule(String namespaces, Map<Action, List<String>> principals) {

  public AccessRule {
    principals = Map.copyOf(principals);
  }

  boolean covers(String namespace) {
    return Principals.glob(namespaces, namespace);
  }

  List<String> principals(Action action) {
    return principals.getOrDefault(action, List.of());
  }
}
