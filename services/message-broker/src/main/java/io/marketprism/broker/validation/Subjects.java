package io.marketprism.broker.validation;

import java.util.List;
import java.util.Optional;

/**
 * NATS subject syntax and the relations between subject filters. A subject is dot-separated, non-empty tokens of
 * printable ASCII without white space; a filter may use {@code *} as a whole token (exactly one token) and
 * {@code >} as the last token (one or more tokens). Stateless.
 */
public final class Subjects {

  private static final String ONE = "*";
  private static final String REST = ">";

  private Subjects() {}

  /** Why {@code subject} is not a valid filter (wildcards allowed), or empty if it is. */
  public static Optional<String> filterProblem(String subject) {
    return problem(subject, true);
  }

  /** Why {@code subject} is not a valid literal subject (no wildcards), or empty if it is. */
  public static Optional<String> literalProblem(String subject) {
    return problem(subject, false);
  }

  private static Optional<String> problem(String subject, boolean wildcards) {
    if (subject.isEmpty()) {
      return Optional.of("required");
    }
    for (int i = 0; i < subject.length(); i++) {
      char c = subject.charAt(i);
      if (c <= ' ' || c > '~') {
        return Optional.of("must be printable ASCII without white space (was \"" + subject + "\")");
      }
    }
    String[] tokens = subject.split("\\.", -1);
    for (int i = 0; i < tokens.length; i++) {
      String token = tokens[i];
      if (token.isEmpty()) {
        return Optional.of("has an empty token (was \"" + subject + "\")");
      }
      boolean wildcardToken = token.equals(ONE) || token.equals(REST);
      if (!wildcardToken && (token.contains(ONE) || token.contains(REST))) {
        return Optional.of("wildcards * and > must be whole tokens (was \"" + subject + "\")");
      }
      if (wildcardToken && !wildcards) {
        return Optional.of("must not contain wildcards (was \"" + subject + "\")");
      }
      if (token.equals(REST) && i != tokens.length - 1) {
        return Optional.of("> must be the last token (was \"" + subject + "\")");
      }
    }
    return Optional.empty();
  }

  /** True if some subject matches both filters. Both must be valid filters. */
  public static boolean overlap(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i].equals(REST) || y[i].equals(REST)) {
        return true;
      }
      if (!x[i].equals(ONE) && !y[i].equals(ONE) && !x[i].equals(y[i])) {
        return false;
      }
    }
    return x.length == y.length;
  }

  /** True if every subject {@code filter} matches is also matched by {@code scope}. Both must be valid filters. */
  public static boolean within(String filter, String scope) {
    String[] f = filter.split("\\.");
    String[] s = scope.split("\\.");
    for (int i = 0; i < f.length; i++) {
      if (i >= s.length) {
        return false;
      }
      if (s[i].equals(REST)) {
        return true;
      }
      if (f[i].equals(REST)) {
        return false;
      }
      if (s[i].equals(ONE)) {
        continue;
      }
      if (!s[i].equals(f[i])) {
        return false;
      }
    }
    return f.length == s.length;
  }

  /** True if {@code filter} lies within one of {@code scopes}. */
  public static boolean withinAny(String filter, List<String> scopes) {
    return scopes.stream().anyMatch(scope -> within(filter, scope));
  }
}
