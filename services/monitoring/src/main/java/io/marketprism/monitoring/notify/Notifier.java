package io.marketprism.monitoring.notify;

import io.marketprism.monitoring.MonitoringConfig;
import io.marketprism.monitoring.store.MonitoringStore;
import io.marketprism.monitoring.store.MonitoringStore.GroupedChange;
import io.marketprism.monitoring.v1.Alert;
import io.marketprism.monitoring.v1.AlertState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Turns alert changes into notifications, grouped as Alertmanager groups them: alerts with the same values of the
 * {@code notify.group-by} labels go out together, and a group's notification lists all its firing alerts (not only
 * the one that changed) plus the ones that just resolved. Each group notification goes to every webhook and to the
 * NATS subject ({@code sys.alerts}) through the {@link Outbox}.
 *
 * <p>Timing, as Alertmanager's: the first notification of a new group waits {@code group-wait} after its first change,
 * so that siblings firing moments later go out with it; a group already notified is notified again no sooner than
 * {@code group-interval} after its last notification. A group with no firing alert left after a notification is
 * forgotten, so its next firing is a new group. Changes waiting for their group are stored ({@code grouped.<alert>})
 * before the alerts' new states and deleted only once their notification is in the outbox: a restart delays them,
 * never drops them.
 *
 * <p>Not thread-safe: confined to the evaluation loop's thread (and to start-up for {@link #restore}).
 */
public final class Notifier {

  private final MonitoringConfig.Notifications config;
  private final Outbox outbox;
  private final MonitoringStore store;
  private final List<String> targets = new ArrayList<>();
  private final long groupWaitNanos;
  private final long groupIntervalNanos;
  /** Groups with changes not notified yet, by group labels. */
  private final Map<SortedMap<String, String>, Waiting> waiting = new HashMap<>();
  /** When each group with firing alerts was last notified. */
  private final Map<SortedMap<String, String>, Long> lastSent = new HashMap<>();

  /** A group's changes not notified yet, by alert id (the latest change of each), and when the first came. */
  private static final class Waiting {
    final long sinceNanos;
    final Map<String, Alert> changes = new LinkedHashMap<>();
    /** Whether its changes are in the store (then deleted once notified). */
    boolean stored;

    Waiting(long sinceNanos) {
      this.sinceNanos = sinceNanos;
    }
  }

  public Notifier(MonitoringConfig.Notifications config, Outbox outbox, MonitoringStore store) {
    this.config = config;
    this.outbox = outbox;
    this.store = store;
    this.groupWaitNanos = config.groupWait().toNanos();
    this.groupIntervalNanos = config.groupInterval().toNanos();
    targets.addAll(config.webhooks());
    targets.add(Notification.NATS_PREFIX + config.subject());
  }

  /** Takes back the changes a previous run left waiting for their group. */
  public void restore(List<GroupedChange> changes) {
    for (GroupedChange change : changes) {
      Waiting group = waiting.computeIfAbsent(groupLabels(change.alert()), g -> new Waiting(change.groupSinceNanos()));
      group.changes.put(change.alert().getAlertId(), change.alert());
      group.stored = true;
    }
  }

  /**
   * @param changed alerts whose change is to be notified (newly firing, or resolved after a notified firing)
   * @param firing every firing alert that is not silenced, as of now
   */
  public void notify(List<Alert> changed, List<Alert> firing, long nowNanos) {
    for (Alert alert : changed) {
      SortedMap<String, String> group = groupLabels(alert);
      Waiting changes = waiting.computeIfAbsent(group, g -> new Waiting(nowNanos));
      changes.changes.put(alert.getAlertId(), alert);
      if (dueNanos(group, changes) > nowNanos) {
        store.putGroupedChange(new GroupedChange(alert, changes.sinceNanos));
        changes.stored = true;
      }
    }
    flush(firing, nowNanos);
  }

  /** True if some group has changes waiting: the loop then calls {@link #flush} on every tick. */
  public boolean hasWaiting() {
    return !waiting.isEmpty();
  }

  /** Notifies every group whose wait is over. */
  public void flush(List<Alert> firing, long nowNanos) {
    Map<SortedMap<String, String>, List<Alert>> firingByGroup = new HashMap<>();
    List<Notification> notifications = new ArrayList<>();
    List<String> sent = new ArrayList<>();
    for (Iterator<Map.Entry<SortedMap<String, String>, Waiting>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<SortedMap<String, String>, Waiting> group = it.next();
      if (dueNanos(group.getKey(), group.getValue()) > nowNanos) {
        continue;
      }
      if (firingByGroup.isEmpty()) {
        firing.forEach(alert -> firingByGroup.computeIfAbsent(groupLabels(alert), g -> new ArrayList<>()).add(alert));
      }
      List<Alert> alerts = new ArrayList<>(firingByGroup.getOrDefault(group.getKey(), List.of()));
      group.getValue().changes.values().stream().filter(a -> a.getState() == AlertState.ALERT_STATE_RESOLVED)
          .forEach(alerts::add);
      if (!alerts.isEmpty()) {
        for (String target : targets) {
          notifications.add(new Notification(UUID.randomUUID().toString(), target,
              AlertmanagerPayload.of(target, group.getKey(), alerts, config.externalUrl()), nowNanos));
        }
      }
      if (firingByGroup.containsKey(group.getKey())) {
        lastSent.put(group.getKey(), nowNanos);
      } else {
        lastSent.remove(group.getKey());
      }
      if (group.getValue().stored) {
        sent.addAll(group.getValue().changes.keySet());
      }
      it.remove();
    }
    outbox.send(notifications);
    sent.forEach(store::deleteGroupedChange);
  }

  private long dueNanos(SortedMap<String, String> group, Waiting changes) {
    Long last = lastSent.get(group);
    return last == null ? changes.sinceNanos + groupWaitNanos : Math.max(changes.sinceNanos, last + groupIntervalNanos);
  }

  private SortedMap<String, String> groupLabels(Alert alert) {
    SortedMap<String, String> labels = new TreeMap<>();
    for (String name : config.groupBy()) {
      labels.put(name, alert.getLabelsMap().getOrDefault(name, ""));
    }
    return labels;
  }
}
