package io.marketprism.gateway.security;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.marketprism.gateway.policy.Glob;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which gRPC methods each role may call: its own patterns plus those of every role below it (reader ⊂ operator ⊂
 * admin). Thread-safe; a role's answer for a method is worked out once (O(patterns of the role)) and remembered,
 * as the methods the gateway serves are a fixed set.
 */
public final class AccessRules {

  private final Map<Role, List<Glob>> allowed = new EnumMap<>(Role.class);
  private final Map<Role, Map<String, Boolean>> decisions = new EnumMap<>(Role.class);

  public AccessRules(SecurityConfig.Roles config) {
    List<Glob> cumulative = new ArrayList<>();
    for (Role role : Role.values()) {
      List<String> own =
          switch (role) {
            case READER -> config.reader();
            case OPERATOR -> config.operator();
            case ADMIN -> config.admin();
          };
      own.forEach(pattern -> cumulative.add(Glob.of(pattern)));
      allowed.put(role, List.copyOf(cumulative));
      decisions.put(role, new ConcurrentHashMap<>());
    }
  }

  public boolean allows(Role role, String fullMethodName) {
    return decisions.get(role).computeIfAbsent(fullMethodName, method -> matches(role, method));
  }

  private boolean matches(Role role, String fullMethodName) {
    for (Glob pattern : allowed.get(role)) {
      if (pattern.matches(fullMethodName)) {
        return true;
      }
    }
    return false;
  }

  /** Throws {@code PERMISSION_DENIED} naming the caller and the method unless the caller's role may call it. */
  public void check(Caller caller, String fullMethodName) throws StatusRuntimeException {
    if (!allows(caller.role(), fullMethodName)) {
      throw Status.PERMISSION_DENIED
          .withDescription(
              caller.subject()
                  + " (role "
                  + caller.role().name().toLowerCase(Locale.ROOT)
                  + ", "
                  + caller.credential()
                  + ") may not call "
                  + fullMethodName)
          .asRuntimeException();
    }
  }
}
