package io.marketprism.monitoring.rules;

import com.google.protobuf.util.Durations;
import io.marketprism.monitoring.series.Labels;
import io.marketprism.monitoring.series.SeriesStore;
import io.marketprism.monitoring.v1.Aggregation;
import io.marketprism.monitoring.v1.AlertRule;
import io.marketprism.monitoring.v1.Comparison;
import io.marketprism.monitoring.v1.ThresholdCondition;
import java.time.Duration;

/**
 * A valid rule made ready to evaluate: matchers compiled, durations in nanoseconds. Immutable.
 *
 * <p>{@link #evaluate} costs O(series of the rule's metric × matchers): rules of other metrics are not touched.
 */
public final class CompiledRule {

  /** Receives each series that satisfies the condition, with its reduced value. */
  @FunctionalInterface
  public interface ActiveSink {
    void active(Labels labels, double value);
  }

  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);

  private final AlertRule rule;
  private final String metric;
  private final LabelMatchers matchers;
  private final Aggregation aggregation;
  private final long windowNanos;
  private final Comparison comparison;
  private final double threshold;
  private final long forNanos;
  private final long intervalNanos;

  private CompiledRule(AlertRule rule) {
    ThresholdCondition condition = rule.getThreshold();
    this.rule = rule;
    this.metric = condition.getMetric();
    this.matchers = LabelMatchers.compile(condition.getMatchersList());
    this.aggregation = condition.getAggregation() == Aggregation.AGGREGATION_UNSPECIFIED
        ? Aggregation.AGGREGATION_LAST : condition.getAggregation();
    this.windowNanos = Durations.toNanos(condition.getWindow());
    this.comparison = condition.getComparison();
    this.threshold = condition.getThreshold();
    this.forNanos = Durations.toNanos(rule.getForDuration());
    this.intervalNanos = rule.hasEvaluationInterval()
        ? Durations.toNanos(rule.getEvaluationInterval()) : DEFAULT_INTERVAL.toNanos();
  }

  /** Compiles a rule that passed {@link RuleValidation}. */
  public static CompiledRule of(AlertRule rule) {
    return new CompiledRule(rule);
  }

  /**
   * Calls {@code sink} for every series of the metric that matches and whose reduced value satisfies the
   * comparison. A series without a recent sample ({@code staleBefore}) or enough samples in the window is skipped.
   */
  public void evaluate(SeriesStore store, long nowNanos, long staleBefore, ActiveSink sink) {
    store.forEachSeries(metric, (labels, samples) -> {
      if (samples.lastTime() < staleBefore || !matchers.matches(labels)) {
        return;
      }
      double value = samples.reduce(aggregation, windowNanos, nowNanos, staleBefore);
      if (!Double.isNaN(value) && holds(value)) {
        sink.active(labels, value);
      }
    });
  }

  boolean holds(double value) {
    return switch (comparison) {
      case COMPARISON_GREATER -> value > threshold;
      case COMPARISON_GREATER_OR_EQUAL -> value >= threshold;
      case COMPARISON_LESS -> value < threshold;
      case COMPARISON_LESS_OR_EQUAL -> value <= threshold;
      case COMPARISON_EQUAL -> value == threshold;
      case COMPARISON_NOT_EQUAL -> value != threshold;
      default -> false;
    };
  }

  public AlertRule rule() {
    return rule;
  }

  public String ruleId() {
    return rule.getRuleId();
  }

  public long forNanos() {
    return forNanos;
  }

  public long intervalNanos() {
    return intervalNanos;
  }
}
