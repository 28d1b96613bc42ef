package io.marketprism.monitoring.alerts;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.marketprism.monitoring.rules.CompiledRule;
import io.marketprism.monitoring.series.Labels;
import io.marketprism.monitoring.v1.Alert;
import io.marketprism.monitoring.v1.AlertRule;
import io.marketprism.monitoring.v1.AlertState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every alert and its lifecycle: a series satisfying a rule is PENDING, FIRING once it has for the rule's
 * {@code for_duration}, RESOLVED when it stops (or its rule is deleted or disabled); resolved alerts are kept for
 * {@link #RESOLVED_RETENTION}. It also decides what is notified: a firing alert not silenced, once, and the
 * resolution of an alert whose firing was notified.
 *
 * <p>Thread-safe: synchronized; each method returns the alerts it changed.
 */
public final class AlertBook {

  public static final Duration RESOLVED_RETENTION = Duration.ofHours(24);

  /** What one change did, for persistence, notifications and watchers. */
  public record Change(TrackedAlert after, boolean notifies) {}

  private final Map<String, TrackedAlert> byId = new LinkedHashMap<>();

  /** Restores alerts from the store at start. */
  public synchronized void restore(List<TrackedAlert> alerts) {
    alerts.forEach(alert -> byId.put(alert.alert().getAlertId(), alert));
  }

  /**
   * Applies one evaluation of {@code rule}: {@code active} maps each series that satisfies it to its value. Alerts of
   * the rule whose series is not active any more resolve.
   */
  public synchronized List<Change> apply(CompiledRule rule, Map<Labels, Double> active, long nowNanos,
      Silences silences) {
    AlertRule definition = rule.rule();
    List<Change> changes = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Timestamp now = Timestamps.fromNanos(nowNanos);
    for (Map.Entry<Labels, Double> series : active.entrySet()) {
      Labels labels = alertLabels(definition, series.getKey());
      String id = AlertIds.of(definition.getRuleId(), labels);
      seen.add(id);
      TrackedAlert before = byId.get(id);
      boolean wasActive = before != null && isActive(before.alert());
      Alert.Builder alert = wasActive ? before.alert().toBuilder()
          : Alert.newBuilder().setAlertId(id).setRuleId(definition.getRuleId()).putAllLabels(labels.asMap())
              .setActiveSince(now).setState(AlertState.ALERT_STATE_PENDING);
      alert.setSeverity(definition.getSeverity()).clearAnnotations().putAllAnnotations(definition.getAnnotationsMap())
          .setValue(series.getValue()).clearResolvedTime();
      if (alert.getState() == AlertState.ALERT_STATE_PENDING
          && nowNanos - Timestamps.toNanos(alert.getActiveSince()) >= rule.forNanos()) {
        alert.setState(AlertState.ALERT_STATE_FIRING).setFiringSince(now);
      }
      record(before, alert, labels, nowNanos, silences, changes);
    }
    for (TrackedAlert tracked : List.copyOf(byId.values())) {
      Alert alert = tracked.alert();
      if (alert.getRuleId().equals(definition.getRuleId()) && isActive(alert) && !seen.contains(alert.getAlertId())) {
        changes.add(resolve(tracked, nowNanos));
      }
    }
    return changes;
  }

  /** Resolves every active alert of a rule that was deleted or disabled. */
  public synchronized List<Change> resolveRule(String ruleId, long nowNanos) {
    List<Change> changes = new ArrayList<>();
    for (TrackedAlert tracked : List.copyOf(byId.values())) {
      if (tracked.alert().getRuleId().equals(ruleId) && isActive(tracked.alert())) {
        changes.add(resolve(tracked, nowNanos));
      }
    }
    return changes;
  }

  /** Rule ids that have active alerts. */
  public synchronized Set<String> activeRuleIds() {
    Set<String> ids = new HashSet<>();
    byId.values().stream().filter(t -> isActive(t.alert())).forEach(t -> ids.add(t.alert().getRuleId()));
    return ids;
  }

  /**
   * Re-computes which silences mute each active alert (silences come, go and expire between evaluations); an alert
   * whose silence ended and that fires is notified then.
   */
  public synchronized List<Change> resilence(long nowNanos, Silences silences) {
    List<Change> changes = new ArrayList<>();
    for (TrackedAlert tracked : List.copyOf(byId.values())) {
      if (isActive(tracked.alert())) {
        Labels labels = Labels.of(tracked.alert().getLabelsMap());
        List<String> silencedBy = silences.silencing(labels, nowNanos);
        if (!silencedBy.equals(tracked.alert().getSilencedByList())) {
          record(tracked, tracked.alert().toBuilder(), labels, nowNanos, silences, changes);
        }
      }
    }
    return changes;
  }

  /** Drops resolved alerts older than the retention; returns their ids. */
  public synchronized List<String> purge(long nowNanos) {
    long before = nowNanos - RESOLVED_RETENTION.toNanos();
    List<String> purged = new ArrayList<>();
    byId.values().removeIf(tracked -> {
      Alert alert = tracked.alert();
      boolean old = alert.getState() == AlertState.ALERT_STATE_RESOLVED
          && Timestamps.toNanos(alert.getResolvedTime()) < before;
      if (old) {
        purged.add(alert.getAlertId());
      }
      return old;
    });
    return purged;
  }

  /** Every alert, most recently changed first. */
  public synchronized List<Alert> all() {
    List<Alert> all = new ArrayList<>();
    byId.values().forEach(tracked -> all.add(tracked.alert()));
    all.sort(Comparator.comparing((Alert a) -> Timestamps.toNanos(a.getUpdateTime())).reversed()
        .thenComparing(Alert::getAlertId));
    return all;
  }

  /** Firing alerts not silenced, the ones a group notification lists as firing. */
  public synchronized List<Alert> firingUnsilenced() {
    List<Alert> firing = new ArrayList<>();
    byId.values().stream().map(TrackedAlert::alert)
        .filter(a -> a.getState() == AlertState.ALERT_STATE_FIRING && a.getSilencedByCount() == 0)
        .forEach(firing::add);
    return firing;
  }

  private void record(TrackedAlert before, Alert.Builder alert, Labels labels, long nowNanos, Silences silences,
      List<Change> changes) {
    alert.clearSilencedBy().addAllSilencedBy(silences.silencing(labels, nowNanos));
    boolean notified = before != null && isActive(before.alert()) && before.notified();
    boolean notify = false;
    if (alert.getState() == AlertState.ALERT_STATE_FIRING && alert.getSilencedByCount() == 0 && !notified) {
      notified = true;
      notify = true;
    }
    boolean changed = before == null || before.alert().getState() != alert.getState()
        || !before.alert().getSilencedByList().equals(alert.getSilencedByList());
    if (changed) {
      alert.setUpdateTime(Timestamps.fromNanos(nowNanos));
    }
    TrackedAlert after = new TrackedAlert(alert.build(), notified);
    byId.put(after.alert().getAlertId(), after);
    if (changed || notify) {
      changes.add(new Change(after, notify));
    }
  }

  private Change resolve(TrackedAlert tracked, long nowNanos) {
    Timestamp now = Timestamps.fromNanos(nowNanos);
    Alert resolved = tracked.alert().toBuilder().setState(AlertState.ALERT_STATE_RESOLVED).setResolvedTime(now)
        .clearSilencedBy().setUpdateTime(now).build();
    TrackedAlert after = new TrackedAlert(resolved, false);
    byId.put(resolved.getAlertId(), after);
    // the resolution is news only to a receiver that was told of the firing
    return new Change(after, tracked.notified());
  }

  private static boolean isActive(Alert alert) {
    return alert.getState() == AlertState.ALERT_STATE_PENDING || alert.getState() == AlertState.ALERT_STATE_FIRING;
  }

  private static Labels alertLabels(AlertRule rule, Labels series) {
    Map<String, String> labels = new HashMap<>(series.asMap());
    labels.putAll(rule.getLabelsMap());
    labels.put("alertname", rule.getRuleId());
    return Labels.of(labels);
  }
}
