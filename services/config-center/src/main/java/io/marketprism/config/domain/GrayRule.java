package io.marketprism.config.domain;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Which instances get a gray value: those whose labels match (every non-empty list contains the instance's label,
 * and at least one list is given), and those whose instance id falls in the percentage. The percentage hashes
 * instance id and key (CRC-32), so the instances in at 10 % are still in at 20 %, and different keys pick different
 * instances.
 */
public record GrayRule(
    List<String> services, List<String> versions, List<String> zones, List<String> instanceIds, int percentage) {

  public GrayRule {
    services = List.copyOf(services);
    versions = List.copyOf(versions);
    zones = List.copyOf(zones);
    instanceIds = List.copyOf(instanceIds);
  }

  /** Whether the rule names anyone at all. */
  public boolean isEmpty() {
    return !hasLabels() && percentage <= 0;
  }

  public boolean matches(Instance instance, String key) {
    return labelsMatch(instance) || inPercentage(instance, key);
  }

  private boolean hasLabels() {
    return !services.isEmpty() || !versions.isEmpty() || !zones.isEmpty() || !instanceIds.isEmpty();
  }

  private boolean labelsMatch(Instance instance) {
    return hasLabels()
        && listed(services, instance.service())
        && listed(versions, instance.version())
        && listed(zones, instance.zone())
        && listed(instanceIds, instance.instanceId());
  }

  private static boolean listed(List<String> allowed, String label) {
    return allowed.isEmpty() || (!label.isEmpty() && allowed.contains(label));
  }

  private boolean inPercentage(Instance instance, String key) {
    if (percentage <= 0 || instance.instanceId().isEmpty()) {
      return false;
    }
    CRC32 crc = new CRC32();
    crc.update((instance.instanceId() + "\n" + key).getBytes(StandardCharsets.UTF_8));
    return crc.getValue() % 100 < percentage;
  }
}
