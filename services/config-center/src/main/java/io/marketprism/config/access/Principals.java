package io.marketprism.config.access;

import io.marketprism.kit.api.Caller;
import java.util.regex.Pattern;

/**
 * The principals a rule lists, and how one matches a caller:
 *
 * <ul>
 *   <li>{@code *}: anyone;
 *   <li>{@code role:<role>}: a gateway user with that role ({@code role:*}: any gateway user);
 *   <li>{@code self}: the service whose name is the namespace ({@code spiffe://marketprism/service/data-storage} for
 *       namespace {@code data-storage});
 *   <li>anything else: a caller identity, exactly or as a pattern with {@code *}
 *       ({@code spiffe://marketprism/service/*}). A pattern never matches a gateway user, so that a user's subject
 *       cannot pose as a service.
 * </ul>
 */
final class Principals {

  private Principals() {}

  static boolean matches(String principal, Caller caller, String namespace) {
    if (principal.equals("*")) {
      return true;
    }
    if (principal.startsWith("role:")) {
      return caller.role().isPresent() && glob(principal.substring("role:".length()), caller.role().get());
    }
    if (principal.equals("self")) {
      return caller.serviceName().filter(namespace::equals).isPresent();
    }
    return caller.role().isEmpty() && glob(principal, caller.identity());
  }

  /** Whether {@code text} matches {@code pattern}, in which {@code *} stands for any run of characters. */
  static boolean glob(String pattern, String text) {
    if (!pattern.contains("*")) {
      return pattern.equals(text);
    }
    StringBuilder regex = new StringBuilder();
    for (String part : pattern.split("\\*", -1)) {
      if (regex.length() > 0) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(part));
    }
    return Pattern.matches(regex.toString(), text);
  }
}
