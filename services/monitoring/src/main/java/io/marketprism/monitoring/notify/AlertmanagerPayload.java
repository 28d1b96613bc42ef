package io.marketprism.monitoring.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.Timestamps;
import io.marketprism.monitoring.v1.Alert;
import io.marketprism.monitoring.v1.AlertState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The JSON body of a group notification in Alertmanager's webhook shape (version 4), so that receivers written for
 * Alertmanager (chat bridges, incident tools) take MarketPrism's notifications unchanged.
 */
final class AlertmanagerPayload {

  private static final ObjectMapper JSON = new ObjectMapper();
  // Alertmanager's "no end yet"
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private AlertmanagerPayload() {}

  /**
   * @param receiver the receiver's name (its URL or subject)
   * @param groupLabels the label values the group is keyed by
   * @param alerts the group's alerts: firing ones and those just resolved
   * @param externalUrl where monitoring's API is reachable, for links
   */
  static String of(String receiver, SortedMap<String, String> groupLabels, List<Alert> alerts, String externalUrl) {
    ObjectNode root = JSON.createObjectNode();
    boolean firing = alerts.stream().anyMatch(a -> a.getState() == AlertState.ALERT_STATE_FIRING);
    root.put("version", "4");
    root.put("groupKey", groupKey(groupLabels));
    root.put("truncatedAlerts", 0);
    root.put("status", firing ? "firing" : "resolved");
    root.put("receiver", receiver);
    root.set("groupLabels", JSON.valueToTree(groupLabels));
    root.set("commonLabels", JSON.valueToTree(common(alerts, true)));
    root.set("commonAnnotations", JSON.valueToTree(common(alerts, false)));
    root.put("externalURL", externalUrl);
    ArrayNode list = root.putArray("alerts");
    for (Alert alert : alerts) {
      ObjectNode item = list.addObject();
      boolean resolved = alert.getState() == AlertState.ALERT_STATE_RESOLVED;
      item.put("status", resolved ? "resolved" : "firing");
      item.set("labels", JSON.valueToTree(new TreeMap<>(alert.getLabelsMap())));
      item.set("annotations", JSON.valueToTree(new TreeMap<>(alert.getAnnotationsMap())));
      item.put("startsAt", Timestamps.toString(alert.hasFiringSince() ? alert.getFiringSince() : alert.getActiveSince()));
      item.put("endsAt", resolved ? Timestamps.toString(alert.getResolvedTime()) : ZERO_TIME);
      item.put("generatorURL", externalUrl + "/v1/monitoring/alert-rules/" + alert.getRuleId());
      item.put("fingerprint", alert.getAlertId());
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings always serializes", e);
    }
  }

  static String groupKey(SortedMap<String, String> groupLabels) {
    StringBuilder key = new StringBuilder("{}:{");
    groupLabels.forEach((name, value) -> {
      if (key.length() > 4) {
        key.append(',');
      }
      key.append(name).append("=\"").append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    });
    return key.append('}').toString();
  }

  // labels (or annotations) every alert of the group has with the same value
  private static SortedMap<String, String> common(List<Alert> alerts, boolean labels) {
    SortedMap<String, String> common = null;
    for (Alert alert : alerts) {
      Map<String, String> these = labels ? alert.getLabelsMap() : alert.getAnnotationsMap();
      if (common == null) {
        common = new TreeMap<>(these);
      } else {
        Map<String, String> other = new HashMap<>(these);
        common.entrySet().removeIf(e -> !e.getValue().equals(other.get(e.getKey())));
      }
    }
    return common == null ? new TreeMap<>() : common;
  }
}
