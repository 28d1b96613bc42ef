package io.marketprism.monitoring.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.util.JsonFormat;
import io.grpc.StatusRuntimeException;
import io.marketprism.kit.api.FieldViolations;
import io.marketprism.monitoring.v1.AlertRule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules file: YAML with a list {@code rules:} whose items are {@link AlertRule}s spelled as the API's JSON
 * (snake_case or lowerCamelCase field names, enum names, durations as {@code "30s"}), so a rule moves between the
 * file and the API unchanged. Every rule is checked as CreateAlertRule checks it; any error fails the start.
 *
 * <pre>{@code
 * rules:
 *   - rule_id: feed-stale
 *     threshold: {metric: marketprism_feed_staleness_seconds, comparison: COMPARISON_GREATER, threshold: 30}
 *     for_duration: 1m
 *     severity: SEVERITY_WARNING
 *     annotations: {summary: "no {{ $labels.type }} for {{ $labels.symbol }} on {{ $labels.exchange }}"}
 * }</pre>
 */
public final class RulesFile {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private RulesFile() {}

  public static List<AlertRule> read(Path file) throws IOException {
    JsonNode root = YAML.readTree(file.toFile());
    JsonNode items = root == null ? null : root.get("rules");
    if (items == null || !items.isArray()) {
      throw new IOException(file + ": expected a list \"rules:\"");
    }
    List<AlertRule> rules = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    FieldViolations bad = new FieldViolations();
    for (int i = 0; i < items.size(); i++) {
      AlertRule.Builder rule = AlertRule.newBuilder();
      try {
        JsonFormat.parser().merge(items.get(i).toString(), rule);
      } catch (IOException e) {
        throw new IOException(file + ": rules[" + i + "]: " + e.getMessage(), e);
      }
      RuleValidation.check(rule.build(), "rules[" + i + "]", bad);
      if (!ids.add(rule.getRuleId())) {
        bad.add("rules[" + i + "].rule_id", "\"" + rule.getRuleId() + "\" appears twice");
      }
      rules.add(rule.build());
    }
    try {
      bad.throwIfAny();
    } catch (StatusRuntimeException e) {
      throw new IOException(file + ": " + e.getStatus().getDescription(), e);
    }
    return rules;
  }
}
