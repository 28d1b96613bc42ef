package io.marketprism.monitoring.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.util.JsonFormat;
import io.grpc.StatusRuntimeException;
import io.marketprism.kit.api.FieldViolations;
import io.marketprism.kit.config.Durations;
import io.marketprism.monitoring.v1.AlertRule;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules file: YAML with a list {@code rules:} whose items are {@link AlertRule}s spelled as the API's JSON
 * (snake_case or lowerCamelCase field names, enum names), so a rule moves between the file and the API unchanged;
 * durations may also be written as in the service's config ({@code 1m}, {@code 500ms}). Every rule is checked as CreateAlertRule checks it; any error fails the start.
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

  private static final List<String> DURATIONS =
      List.of("for_duration", "forDuration", "evaluation_interval", "evaluationInterval", "window");

  private RulesFile() {}

  // the file speaks the project's durations ("1m", "500ms", "PT10S"); protobuf JSON only "60s"
  private static void protoDuration(JsonNode parent, String name) throws IOException {
    JsonNode value = parent.get(name);
    if (value == null || !value.isTextual() || !(parent instanceof ObjectNode object)) {
      return;
    }
    Duration duration = Durations.parse(value.asText())
        .orElseThrow(() -> new IOException(name + ": cannot parse \"" + value.asText()
            + "\" as a duration (use e.g. 500ms, 10s, 1m, 1h)"));
    object.put(name, duration.getSeconds() + "." + String.format("%09d", duration.getNano()) + "s");
  }

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
        JsonNode item = items.get(i);
        for (String name : DURATIONS) {
          protoDuration(item, name);
          protoDuration(item.path("threshold"), name);
        }
        JsonFormat.parser().merge(item.toString(), rule);
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
