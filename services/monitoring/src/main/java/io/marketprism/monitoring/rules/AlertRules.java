package io.marketprism.monitoring.rules;

import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Timestamps;
import io.marketprism.kit.api.FieldViolations;
import io.marketprism.monitoring.series.Nanos;
import io.marketprism.monitoring.store.MonitoringStore;
import io.marketprism.monitoring.v1.AlertRule;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The alert rules: created and changed over the API or installed from the rules file, each written through to the
 * store, compiled for the evaluator. Versions start at 1 and grow with each change.
 *
 * <p>Thread-safe: synchronized; the evaluator takes {@link #compiled()} copies.
 */
public final class AlertRules {

  /** No rule with this id. */
  public static final class NoSuchRuleException extends RuntimeException {
    public NoSuchRuleException(String ruleId) {
      super("no alert rule \"" + ruleId + "\"");
    }
  }

  /** The id is taken. */
  public static final class RuleExistsException extends RuntimeException {
    public RuleExistsException(String ruleId) {
      super("alert rule \"" + ruleId + "\" already exists");
    }
  }

  /** The caller's expected version is not the rule's. */
  public static final class StaleVersionException extends RuntimeException {
    public StaleVersionException(String ruleId, long expected, long actual) {
      super("alert rule \"" + ruleId + "\" is at version " + actual + ", not " + expected);
    }
  }

  private static final List<String> UPDATABLE = List.of(
      "threshold", "for_duration", "severity", "labels", "annotations", "disabled", "evaluation_interval");

  private final MonitoringStore store;
  private final Clock clock;
  private final TreeMap<String, CompiledRule> byId = new TreeMap<>();

  public AlertRules(MonitoringStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Loads the stored rules (at start). */
  public synchronized void restore() {
    store.rules().forEach(rule -> byId.put(rule.getRuleId(), CompiledRule.of(rule)));
  }

  /**
   * Installs a rule of the rules file: created if new, replaced (version + 1) if its definition differs from the one
   * stored, untouched otherwise — so restarting with the same file changes nothing.
   */
  public synchronized void install(AlertRule rule) {
    CompiledRule existing = byId.get(rule.getRuleId());
    if (existing == null) {
      create(rule);
    } else if (!definition(existing.rule()).equals(definition(rule))) {
      update(rule, FieldMask.newBuilder().addPaths("*").build(), OptionalLong.empty());
    }
  }

  public synchronized AlertRule create(AlertRule requested) {
    if (byId.containsKey(requested.getRuleId())) {
      throw new RuleExistsException(requested.getRuleId());
    }
    var now = Timestamps.fromNanos(Nanos.now(clock));
    AlertRule rule = definition(requested).toBuilder().setVersion(1).setCreateTime(now).setUpdateTime(now).build();
    store.putRule(rule);
    byId.put(rule.getRuleId(), CompiledRule.of(rule));
    return rule;
  }

  public synchronized Optional<AlertRule> get(String ruleId) {
    return Optional.ofNullable(byId.get(ruleId)).map(CompiledRule::rule);
  }

  /** Every rule, ordered by id. */
  public synchronized List<AlertRule> list() {
    List<AlertRule> rules = new ArrayList<>();
    byId.values().forEach(compiled -> rules.add(compiled.rule()));
    return rules;
  }

  /** Checks an update mask's paths, naming the bad ones under {@code update_mask.paths}. */
  public static void checkMask(FieldMask mask, FieldViolations bad) {
    if (mask.getPathsCount() == 0) {
      bad.add("update_mask", "required: name the fields to change, or \"*\"");
    }
    for (int i = 0; i < mask.getPathsCount(); i++) {
      String path = mask.getPaths(i);
      if (!path.equals("*") && !UPDATABLE.contains(path)) {
        bad.add("update_mask.paths[" + i + "]", "\"" + path + "\" cannot be changed; one of " + UPDATABLE + " or *");
      }
    }
  }

  /**
   * Changes the masked fields; the result must be a valid rule (checked by the caller with
   * {@link #merged}).
   */
  public synchronized AlertRule update(AlertRule changes, FieldMask mask, OptionalLong expectedVersion) {
    AlertRule merged = merged(changes, mask);
    AlertRule current = byId.get(changes.getRuleId()).rule();
    if (expectedVersion.isPresent() && expectedVersion.getAsLong() != current.getVersion()) {
      throw new StaleVersionException(current.getRuleId(), expectedVersion.getAsLong(), current.getVersion());
    }
    AlertRule rule = merged.toBuilder().setVersion(current.getVersion() + 1)
        .setUpdateTime(Timestamps.fromNanos(Nanos.now(clock))).build();
    store.putRule(rule);
    byId.put(rule.getRuleId(), CompiledRule.of(rule));
    return rule;
  }

  /** The stored rule with the masked fields of {@code changes}, unversioned; for validation before the update. */
  public synchronized AlertRule merged(AlertRule changes, FieldMask mask) {
    CompiledRule existing = byId.get(changes.getRuleId());
    if (existing == null) {
      throw new NoSuchRuleException(changes.getRuleId());
    }
    AlertRule.Builder rule = existing.rule().toBuilder();
    for (String path : mask.getPathsList()) {
      List<String> fields = path.equals("*") ? UPDATABLE : List.of(path);
      for (String field : fields) {
        switch (field) {
          case "threshold" -> rule.setThreshold(changes.getThreshold());
          case "for_duration" -> rule.setForDuration(changes.getForDuration());
          case "severity" -> rule.setSeverity(changes.getSeverity());
          case "labels" -> rule.clearLabels().putAllLabels(changes.getLabelsMap());
          case "annotations" -> rule.clearAnnotations().putAllAnnotations(changes.getAnnotationsMap());
          case "disabled" -> rule.setDisabled(changes.getDisabled());
          case "evaluation_interval" -> {
            if (changes.hasEvaluationInterval()) {
              rule.setEvaluationInterval(changes.getEvaluationInterval());
            } else {
              rule.clearEvaluationInterval();
            }
          }
          default -> throw new IllegalArgumentException("unchecked mask path " + field);
        }
      }
    }
    if (!changes.hasForDuration() && (mask.getPathsList().contains("*")
        || mask.getPathsList().contains("for_duration"))) {
      rule.clearForDuration();
    }
    return rule.build();
  }

  public synchronized void delete(String ruleId, OptionalLong expectedVersion) {
    CompiledRule existing = byId.get(ruleId);
    if (existing == null) {
      throw new NoSuchRuleException(ruleId);
    }
    if (expectedVersion.isPresent() && expectedVersion.getAsLong() != existing.rule().getVersion()) {
      throw new StaleVersionException(ruleId, expectedVersion.getAsLong(), existing.rule().getVersion());
    }
    store.deleteRule(ruleId);
    byId.remove(ruleId);
  }

  /** The rules to evaluate (not disabled), compiled. */
  public synchronized List<CompiledRule> compiled() {
    List<CompiledRule> rules = new ArrayList<>();
    byId.values().stream().filter(r -> !r.rule().getDisabled()).forEach(rules::add);
    return rules;
  }

  // a rule without its output-only fields
  private static AlertRule definition(AlertRule rule) {
    return rule.toBuilder().clearVersion().clearCreateTime().clearUpdateTime().build();
  }
}
