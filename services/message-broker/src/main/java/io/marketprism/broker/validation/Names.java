package io.marketprism.broker.validation;

import io.marketprism.kit.api.FieldViolations;
import java.util.regex.Pattern;

/** Stream and consumer names as the contract allows them: 1 to 64 characters of {@code [A-Za-z0-9_-]}. */
public final class Names {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** Longest description accepted on streams and consumers. */
  static final int MAX_DESCRIPTION = 1024;

  private Names() {}

  /** Adds a violation for {@code field} unless {@code name} is a valid stream or consumer name. */
  public static void check(String name, String field, FieldViolations violations) {
    if (name.isEmpty()) {
      violations.add(field, "required");
    } else if (!NAME.matcher(name).matches()) {
      violations.add(field, "must be 1 to 64 characters of A-Z, a-z, 0-9, _ and - (was \"" + name + "\")");
    }
  }

  static void checkDescription(String description, String field, FieldViolations violations) {
    if (description.length() > MAX_DESCRIPTION) {
      violations.add(field, "must be at most " + MAX_DESCRIPTION + " characters (was " + description.length() + ")");
    }
  }
}
