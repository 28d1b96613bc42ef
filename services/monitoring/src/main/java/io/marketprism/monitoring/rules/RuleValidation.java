package io.marketprism.monitoring.rules;

import com.google.protobuf.Duration;
import com.google.protobuf.util.Durations;
import io.marketprism.kit.api.FieldViolations;
import io.marketprism.monitoring.v1.Aggregation;
import io.marketprism.monitoring.v1.AlertRule;
import io.marketprism.monitoring.v1.Comparison;
import io.marketprism.monitoring.v1.Severity;
import io.marketprism.monitoring.v1.ThresholdCondition;
import java.util.regex.Pattern;

/** What makes an {@link AlertRule} valid, as the contract states it; field names as the caller spelled the rule. */
public final class RuleValidation {

  public static final Pattern RULE_ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Duration MIN_WINDOW = Durations.fromSeconds(10);
  private static final Duration MAX_WINDOW = Durations.fromHours(1);
  private static final Duration MAX_FOR = Durations.fromHours(24);
  private static final Duration MIN_INTERVAL = Durations.fromSeconds(5);
  private static final Duration MAX_INTERVAL = Durations.fromMinutes(10);

  private RuleValidation() {}

  /** Checks every field of {@code rule} under {@code field} ("rule"); the rule id too. */
  public static void check(AlertRule rule, String field, FieldViolations bad) {
    if (!RULE_ID.matcher(rule.getRuleId()).matches()) {
      bad.add(field + ".rule_id", "must be 1 to 63 characters of [a-z0-9-], starting with a letter (was \""
          + rule.getRuleId() + "\")");
    }
    checkBody(rule, field, bad);
  }

  /** Checks every field but the id (an update's mask may leave the rest as stored). */
  public static void checkBody(AlertRule rule, String field, FieldViolations bad) {
    if (rule.getConditionCase() != AlertRule.ConditionCase.THRESHOLD) {
      bad.add(field + ".threshold", "a condition is required");
    } else {
      checkThreshold(rule.getThreshold(), field + ".threshold", bad);
    }
    if (rule.hasForDuration()) {
      checkRange(rule.getForDuration(), Durations.ZERO, MAX_FOR, field + ".for_duration", "0 to 24h", bad);
    }
    if (rule.getSeverity() == Severity.SEVERITY_UNSPECIFIED || rule.getSeverity() == Severity.UNRECOGNIZED) {
      bad.add(field + ".severity", "must be SEVERITY_INFO, SEVERITY_WARNING or SEVERITY_CRITICAL");
    }
    rule.getLabelsMap().forEach((name, value) -> {
      if (!LabelMatchers.LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
        bad.add(field + ".labels", "label name \"" + name + "\" must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __");
      }
    });
    rule.getAnnotationsMap().keySet().stream().filter(String::isBlank)
        .forEach(name -> bad.add(field + ".annotations", "annotation names must not be blank"));
    if (rule.hasEvaluationInterval()) {
      checkRange(rule.getEvaluationInterval(), MIN_INTERVAL, MAX_INTERVAL, field + ".evaluation_interval",
          "5s to 10m", bad);
    }
  }

  private static void checkThreshold(ThresholdCondition condition, String field, FieldViolations bad) {
    if (!METRIC_NAME.matcher(condition.getMetric()).matches()) {
      bad.add(field + ".metric", "must be a Prometheus metric name, [a-zA-Z_:][a-zA-Z0-9_:]* (was \""
          + condition.getMetric() + "\")");
    }
    LabelMatchers.check(condition.getMatchersList(), field + ".matchers", bad);
    Aggregation aggregation = condition.getAggregation();
    if (aggregation == Aggregation.UNRECOGNIZED) {
      bad.add(field + ".aggregation", "unknown aggregation");
    } else if (aggregation != Aggregation.AGGREGATION_UNSPECIFIED && aggregation != Aggregation.AGGREGATION_LAST) {
      if (!condition.hasWindow()) {
        bad.add(field + ".window", "required for " + aggregation + " (10s to 1h)");
      } else {
        checkRange(condition.getWindow(), MIN_WINDOW, MAX_WINDOW, field + ".window", "10s to 1h", bad);
      }
    }
    if (condition.getComparison() == Comparison.COMPARISON_UNSPECIFIED
        || condition.getComparison() == Comparison.UNRECOGNIZED) {
      bad.add(field + ".comparison", "required");
    }
    if (!Double.isFinite(condition.getThreshold())) {
      bad.add(field + ".threshold", "must be a finite number");
    }
  }

  private static void checkRange(Duration value, Duration min, Duration max, String field, String range,
      FieldViolations bad) {
    if (!Durations.isValid(value) || Durations.compare(value, min) < 0 || Durations.compare(value, max) > 0) {
      bad.add(field, "must be " + range + " (was " + (Durations.isValid(value) ? Durations.toString(value) : "invalid")
          + ")");
    }
  }
}
