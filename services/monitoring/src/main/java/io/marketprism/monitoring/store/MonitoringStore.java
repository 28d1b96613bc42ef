package io.marketprism.monitoring.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.marketprism.monitoring.alerts.TrackedAlert;
import io.marketprism.monitoring.notify.Notification;
import io.marketprism.monitoring.v1.Alert;
import io.marketprism.monitoring.v1.AlertRule;
import io.marketprism.monitoring.v1.Silence;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monitoring's durable state in one JetStream key-value bucket, so that a restarted monitoring resumes where it
 * stopped: {@code rule.<rule_id>} and {@code silence.<id>} (protobuf), {@code alert.<alert_id>} (the alert and
 * whether its firing was notified, JSON) and {@code outbox.<id>} (a notification not yet delivered, JSON).
 *
 * <p>Thread-safe: a view on the process's NATS connection.
 */
public final class MonitoringStore {

  private static final Logger log = LoggerFactory.getLogger(MonitoringStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KeyValue kv;

  private MonitoringStore(KeyValue kv) {
    this.kv = kv;
  }

  /** Opens the bucket, creating it if needed. */
  public static MonitoringStore open(Connection connection, String bucket, boolean fileStorage)
      throws IOException, JetStreamApiException {
    // create is idempotent for an identical configuration
    connection.keyValueManagement().create(KeyValueConfiguration.builder()
        .name(bucket)
        .description("MarketPrism monitoring: alert rules, silences, alert state, notification outbox")
        .maxHistoryPerKey(1)
        .storageType(fileStorage ? StorageType.File : StorageType.Memory)
        .build());
    return new MonitoringStore(connection.keyValue(bucket));
  }

  public void putRule(AlertRule rule) {
    put("rule." + rule.getRuleId(), rule.toByteArray());
  }

  public void deleteRule(String ruleId) {
    delete("rule." + ruleId);
  }

  public List<AlertRule> rules() {
    List<AlertRule> rules = new ArrayList<>();
    for (byte[] value : values("rule.")) {
      try {
        rules.add(AlertRule.parseFrom(value));
      } catch (InvalidProtocolBufferException e) {
        log.error("skipping an unreadable stored rule: {}", e.getMessage());
      }
    }
    return rules;
  }

  public void putSilence(Silence silence) {
    put("silence." + silence.getSilenceId(), silence.toByteArray());
  }

  public List<Silence> silences() {
    List<Silence> silences = new ArrayList<>();
    for (byte[] value : values("silence.")) {
      try {
        silences.add(Silence.parseFrom(value));
      } catch (InvalidProtocolBufferException e) {
        log.error("skipping an unreadable stored silence: {}", e.getMessage());
      }
    }
    return silences;
  }

  public void putAlert(TrackedAlert alert) {
    try {
      ObjectNode node = alertNode(alert.alert());
      node.put("notified", alert.notified());
      put("alert." + alert.alert().getAlertId(), JSON.writeValueAsBytes(node));
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot encode alert " + alert.alert().getAlertId(), e);
    }
  }

  public void deleteAlert(String alertId) {
    delete("alert." + alertId);
  }

  public List<TrackedAlert> alerts() {
    List<TrackedAlert> alerts = new ArrayList<>();
    for (byte[] value : values("alert.")) {
      try {
        JsonNode node = JSON.readTree(value);
        alerts.add(new TrackedAlert(alert(node), node.path("notified").asBoolean()));
      } catch (IOException e) {
        log.error("skipping an unreadable stored alert: {}", e.getMessage());
      }
    }
    return alerts;
  }

  /** A change of {@code alert} waiting for its group's notification, since its group began waiting. */
  public record GroupedChange(Alert alert, long groupSinceNanos) {}

  public void putGroupedChange(GroupedChange change) {
    try {
      ObjectNode node = alertNode(change.alert());
      node.put("since", change.groupSinceNanos());
      put("grouped." + change.alert().getAlertId(), JSON.writeValueAsBytes(node));
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot encode alert " + change.alert().getAlertId(), e);
    }
  }

  public void deleteGroupedChange(String alertId) {
    delete("grouped." + alertId);
  }

  public List<GroupedChange> groupedChanges() {
    List<GroupedChange> changes = new ArrayList<>();
    for (byte[] value : values("grouped.")) {
      try {
        JsonNode node = JSON.readTree(value);
        changes.add(new GroupedChange(alert(node), node.path("since").asLong()));
      } catch (IOException e) {
        log.error("skipping an unreadable stored grouped change: {}", e.getMessage());
      }
    }
    return changes;
  }

  private static ObjectNode alertNode(Alert alert) throws IOException {
    ObjectNode node = JSON.createObjectNode();
    node.set("alert", JSON.readTree(JsonFormat.printer().omittingInsignificantWhitespace().print(alert)));
    return node;
  }

  private static Alert alert(JsonNode node) throws IOException {
    Alert.Builder alert = Alert.newBuilder();
    JsonFormat.parser().merge(node.path("alert").toString(), alert);
    return alert.build();
  }

  public void putNotification(Notification notification) {
    try {
      put("outbox." + notification.id(), JSON.writeValueAsBytes(notification));
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot encode notification " + notification.id(), e);
    }
  }

  public void deleteNotification(String id) {
    delete("outbox." + id);
  }

  public List<Notification> outbox() {
    List<Notification> outbox = new ArrayList<>();
    for (byte[] value : values("outbox.")) {
      try {
        outbox.add(JSON.readValue(value, Notification.class));
      } catch (IOException e) {
        log.error("skipping an unreadable stored notification: {}", e.getMessage());
      }
    }
    return outbox;
  }

  private void put(String key, byte[] value) {
    try {
      kv.put(key, value);
    } catch (IOException | JetStreamApiException e) {
      throw new StoreUnavailableException("cannot write " + key + ": " + e.getMessage(), e);
    }
  }

  private void delete(String key) {
    try {
      kv.purge(key);
    } catch (IOException | JetStreamApiException e) {
      throw new StoreUnavailableException("cannot delete " + key + ": " + e.getMessage(), e);
    }
  }

  private List<byte[]> values(String prefix) {
    try {
      List<byte[]> values = new ArrayList<>();
      for (String key : kv.keys()) {
        if (key.startsWith(prefix)) {
          KeyValueEntry entry = kv.get(key);
          if (entry != null && entry.getValue() != null && entry.getValue().length > 0) {
            values.add(entry.getValue());
          }
        }
      }
      return values;
    } catch (IOException | JetStreamApiException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new StoreUnavailableException("cannot read the bucket: " + e.getMessage(), e);
    }
  }
}
