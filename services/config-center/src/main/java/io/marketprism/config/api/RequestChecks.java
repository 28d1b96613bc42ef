package io.marketprism.config.api;

import io.marketprism.config.domain.EntryName;
import io.marketprism.config.domain.GrayRule;
import io.marketprism.config.domain.ValueFormats;
import io.marketprism.config.domain.ValueType;
import io.marketprism.kit.api.FieldViolations;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The config service's rules for names and values, as its contract states them. Stateless. */
final class RequestChecks {

  private static final Pattern ENVIRONMENT = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  private static final Pattern NAMESPACE = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
  private static final int MAX_KEY_LENGTH = 256;

  private RequestChecks() {}

  /** Checks the three names, adding what is wrong to {@code violations}. */
  static EntryName name(FieldViolations violations, String environment, String namespace, String key) {
    scope(violations, environment, namespace);
    key(violations, "key", key, false);
    return new EntryName(environment, namespace, key);
  }

  static void scope(FieldViolations violations, String environment, String namespace) {
    if (!ENVIRONMENT.matcher(environment).matches()) {
      violations.add("environment", "must be 1 to 32 characters of [a-z0-9-], starting with a letter (was \""
          + abbreviated(environment) + "\")");
    }
    if (!NAMESPACE.matcher(namespace).matches()) {
      violations.add("namespace", "must be 1 to 63 characters of [a-z0-9-], starting with a letter (was \""
          + abbreviated(namespace) + "\")");
    }
  }

  /** A list of 1 to {@code max} keys, each well formed and named once. */
  static void keyList(FieldViolations violations, String field, List<String> keys, int max) {
    if (keys.isEmpty()) {
      violations.add(field, "is required: 1 to " + max + " keys");
      return;
    }
    if (keys.size() > max) {
      violations.add(field, "must be at most " + max + " keys (was " + keys.size() + ")");
      return;
    }
    Set<String> named = new HashSet<>();
    for (int i = 0; i < keys.size(); i++) {
      String element = field + "[" + i + "]";
      key(violations, element, keys.get(i), false);
      if (!named.add(keys.get(i))) {
        violations.add(element, "repeats \"" + abbreviated(keys.get(i)) + "\"");
      }
    }
  }

  /** A key, or a key prefix (which may also be empty). */
  static void key(FieldViolations violations, String field, String key, boolean prefix) {
    if (prefix && key.isEmpty()) {
      return;
    }
    if (key.isEmpty()) {
      violations.add(field, "is required");
    } else if (key.length() > MAX_KEY_LENGTH) {
      violations.add(field, "must be at most " + MAX_KEY_LENGTH + " characters (was " + key.length() + ")");
    } else if (!KEY.matcher(key).matches()) {
      violations.add(field, "must be segments of [A-Za-z0-9_-] joined by '.' (was \"" + abbreviated(key) + "\")");
    }
  }

  /** The value's type, after checking that the value fits and parses as it. */
  static ValueType value(FieldViolations violations, String value, io.marketprism.config.v1.ValueType declared, int maxBytes) {
    ValueType type =
        switch (declared) {
          case VALUE_TYPE_UNSPECIFIED, VALUE_TYPE_STRING -> ValueType.STRING;
          case VALUE_TYPE_JSON -> ValueType.JSON;
          case VALUE_TYPE_YAML -> ValueType.YAML;
          case UNRECOGNIZED -> null;
        };
    if (type == null) {
      violations.add("value_type", "is not a known value type");
      return ValueType.STRING;
    }
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > maxBytes) {
      violations.add("value", "must be at most " + maxBytes + " bytes of UTF-8 (was " + bytes + ")");
    } else {
      ValueFormats.problem(value, type).ifPresent(problem -> violations.add("value", problem));
    }
    return type;
  }

  /** A gray release's rule: a percentage from 0 to 100, and someone named. */
  static GrayRule grayRule(FieldViolations violations, io.marketprism.config.v1.GrayRule rule) {
    if (rule.getPercentage() < 0 || rule.getPercentage() > 100) {
      violations.add("rule.percentage", "must be between 0 and 100 (was " + rule.getPercentage() + ")");
    }
    GrayRule checked =
        new GrayRule(
            rule.getServicesList(), rule.getVersionsList(), rule.getZonesList(), rule.getInstanceIdsList(),
            rule.getPercentage());
    if (checked.isEmpty()) {
      violations.add("rule", "must list services, versions, zones or instance ids, or give a percentage > 0");
    }
    return checked;
  }

  static void notNegative(FieldViolations violations, String field, long value) {
    if (value < 0) {
      violations.add(field, "must not be negative (was " + value + ")");
    }
  }

  static void positive(FieldViolations violations, String field, long value) {
    if (value <= 0) {
      violations.add(field, "must be a version > 0 (was " + value + ")");
    }
  }

  /** The page size to use: 0 means the default, anything above the maximum is lowered to it. */
  static int pageSize(FieldViolations violations, int requested, int defaultSize, int maximum) {
    notNegative(violations, "page_size", requested);
    return requested <= 0 ? defaultSize : Math.min(requested, maximum);
  }

  private static String abbreviated(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
