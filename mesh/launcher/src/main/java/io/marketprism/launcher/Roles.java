package io.marketprism.launcher;

import java.util.List;

/** The api-gateway's role names, as tokens and API keys carry them. */
final class Roles {

  static final List<String> NAMES = List.of("reader", "operator", "admin");

  private Roles() {}

  static String require(String role) {
    if (!NAMES.contains(role)) {
      throw new LauncherException("--role must be reader, operator or admin, got " + role);
    }
    return role;
  }
}
