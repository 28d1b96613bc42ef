package io.marketprism.kit.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies {@code MARKETPRISM_*} environment variables onto the YAML tree before it is bound.
 *
 * <p>A variable overrides a key when its name is {@code MARKETPRISM_} followed by the key's path, upper case, with
 * {@code _} between words and between levels ({@code MARKETPRISM_GRPC_SHUTDOWN_GRACE} → {@code grpc.shutdown-grace}).
 * Only the config class's known keys are matched, so the launcher's own variables ({@code MARKETPRISM_CONFIG},
 * {@code MARKETPRISM_LOG_FORMAT}) and those meant for other services are ignored. Map keys take the rest of the
 * name: {@code MARKETPRISM_PEERS_DATA_STORAGE} → {@code peers.data-storage}. List values are comma-separated.
 */
final class EnvironmentOverrides {

  private final Map<String, ConfigKeys.Key> byVariable = new HashMap<>();
  private final Map<String, ConfigKeys.Key> mapsByPrefix = new HashMap<>();

  EnvironmentOverrides(List<ConfigKeys.Key> keys) {
    for (ConfigKeys.Key key : keys) {
      if (key.kind() == ConfigKeys.Kind.SECTION) {
        continue;
      }
      String variable = key.environmentVariable();
      Map<String, ConfigKeys.Key> index = key.kind() == ConfigKeys.Kind.MAP ? mapsByPrefix : byVariable;
      ConfigKeys.Key clash = index.put(variable, key);
      if (clash != null) {
        throw new IllegalStateException(
            "config keys " + clash.dotted() + " and " + key.dotted() + " share the variable " + variable);
      }
    }
  }

  /**
   * Writes every matching variable of {@code environment} into {@code tree}; returns the dotted key each variable
   * set, mapped to the variable's name (for error messages that say where a bad value came from).
   */
  Map<String, String> apply(ObjectNode tree, Map<String, String> environment) {
    Map<String, String> sources = new LinkedHashMap<>();
    // sorted, so that the outcome does not depend on the environment's iteration order
    for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
      String name = variable.getKey();
      if (!name.startsWith("MARKETPRISM_")) {
        continue;
      }
      ConfigKeys.Key key = byVariable.get(name);
      if (key != null) {
        set(tree, key.path(), key.kind(), variable.getValue());
        sources.put(key.dotted(), name);
        continue;
      }
      for (ConfigKeys.Key map : mapsByPrefix.values()) {
        String prefix = map.environmentVariable() + "_";
        if (name.startsWith(prefix) && name.length() > prefix.length()) {
          String entry = name.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '-');
          ObjectNode mapNode = objectAt(tree, map.path());
          mapNode.put(entry, variable.getValue());
          sources.put(map.dotted() + "." + entry, name);
        }
      }
    }
    return sources;
  }

  private static void set(ObjectNode tree, List<String> path, ConfigKeys.Kind kind, String value) {
    ObjectNode parent = objectAt(tree, path.subList(0, path.size() - 1));
    String leaf = path.get(path.size() - 1);
    if (kind == ConfigKeys.Kind.LIST) {
      ArrayNode items = parent.putArray(leaf);
      for (String item : value.split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
    } else {
      parent.put(leaf, value);
    }
  }

  /** The object at {@code path}, created (or replacing a non-object) where missing. */
  private static ObjectNode objectAt(ObjectNode tree, List<String> path) {
    ObjectNode node = tree;
    for (String segment : path) {
      JsonNode child = node.get(segment);
      node = child instanceof ObjectNode object ? object : node.putObject(segment);
    }
    return node;
  }
}
