package io.marketprism.monitoring.notify;

import io.marketprism.monitoring.MonitoringConfig;
import io.marketprism.monitoring.v1.Alert;
import io.marketprism.monitoring.v1.AlertState;
import java.util.ArrayList;
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
 */
public final class Notifier {

  private final MonitoringConfig.Notifications config;
  private final Outbox outbox;
  private final List<String> targets = new ArrayList<>();

  public Notifier(MonitoringConfig.Notifications config, Outbox outbox) {
    this.config = config;
    this.outbox = outbox;
    targets.addAll(config.webhooks());
    targets.add(Notification.NATS_PREFIX + config.subject());
  }

  /**
   * @param changed alerts whose change is to be notified (newly firing, or resolved after a notified firing)
   * @param firing every firing alert that is not silenced, as of now
   */
  public void notify(List<Alert> changed, List<Alert> firing, long nowNanos) {
    if (changed.isEmpty()) {
      return;
    }
    Map<SortedMap<String, String>, List<Alert>> groups = new LinkedHashMap<>();
    changed.forEach(alert -> groups.computeIfAbsent(groupLabels(alert), g -> new ArrayList<>()));
    for (Alert alert : firing) {
      List<Alert> group = groups.get(groupLabels(alert));
      if (group != null) {
        group.add(alert);
      }
    }
    changed.stream().filter(a -> a.getState() == AlertState.ALERT_STATE_RESOLVED)
        .forEach(alert -> groups.get(groupLabels(alert)).add(alert));
    List<Notification> notifications = new ArrayList<>();
    groups.forEach((groupLabels, alerts) -> {
      if (alerts.isEmpty()) {
        return;
      }
      for (String target : targets) {
        notifications.add(new Notification(UUID.randomUUID().toString(), target,
            AlertmanagerPayload.of(target, groupLabels, alerts, config.externalUrl()), nowNanos));
      }
    });
    outbox.send(notifications);
  }

  private SortedMap<String, String> groupLabels(Alert alert) {
    SortedMap<String, String> labels = new TreeMap<>();
    for (String name : config.groupBy()) {
      labels.put(name, alert.getLabelsMap().getOrDefault(name, ""));
    }
    return labels;
  }
}
