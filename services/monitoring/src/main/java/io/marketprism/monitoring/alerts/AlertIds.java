package io.marketprism.monitoring.alerts;

import io.marketprism.monitoring.series.Labels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** The stable id of an alert: a hash of its rule and label set, so a series firing again gets the same id. */
final class AlertIds {

  private AlertIds() {}

  static String of(String ruleId, Labels labels) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(ruleId.getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, String> label : labels.asMap().entrySet()) {
        // separators that cannot occur in a label name keep ("a","bc") and ("ab","c") apart
        sha.update((byte) 0);
        sha.update(label.getKey().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 1);
        sha.update(label.getValue().getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
