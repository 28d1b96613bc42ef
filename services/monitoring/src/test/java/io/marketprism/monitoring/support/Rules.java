package io.marketprism.monitoring.support;

import com.google.protobuf.util.Durations;
import io.marketprism.monitoring.v1.Aggregation;
import io.marketprism.monitoring.v1.AlertRule;
import io.marketprism.monitoring.v1.Comparison;
import io.marketprism.monitoring.v1.LabelMatcher;
import io.marketprism.monitoring.v1.MatchType;
import io.marketprism.monitoring.v1.Severity;
import io.marketprism.monitoring.v1.ThresholdCondition;

/** Rules as tests write them. */
public final class Rules {

  private Rules() {}

  /** {@code metric > threshold} on the latest sample, evaluated every 5 s (the contract's shortest interval). */
  public static AlertRule above(String ruleId, String metric, double threshold, int forSeconds) {
    return AlertRule.newBuilder()
        .setRuleId(ruleId)
        .setThreshold(ThresholdCondition.newBuilder().setMetric(metric)
            .setComparison(Comparison.COMPARISON_GREATER).setThreshold(threshold))
        .setForDuration(Durations.fromSeconds(forSeconds))
        .setEvaluationInterval(Durations.fromSeconds(5))
        .setSeverity(Severity.SEVERITY_WARNING)
        .putAnnotations("summary", ruleId + " above " + threshold)
        .build();
  }

  /** The same with a per-second rate over {@code windowSeconds}. */
  public static AlertRule rateAbove(String ruleId, String metric, double perSecond, int windowSeconds,
      LabelMatcher... matchers) {
    AlertRule rule = above(ruleId, metric, perSecond, 0);
    return rule.toBuilder().setThreshold(rule.getThreshold().toBuilder()
        .setAggregation(Aggregation.AGGREGATION_RATE).setWindow(Durations.fromSeconds(windowSeconds))
        .addAllMatchers(java.util.List.of(matchers))).build();
  }

  public static LabelMatcher equal(String name, String value) {
    return LabelMatcher.newBuilder().setName(name).setValue(value).setType(MatchType.MATCH_TYPE_EQUAL).build();
  }
}
