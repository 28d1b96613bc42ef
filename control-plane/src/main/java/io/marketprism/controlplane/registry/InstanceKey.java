package io.marketprism.controlplane.registry;

import io.marketprism.registry.v1.Instance;
import java.util.Comparator;

/**
 * Identifies an instance: its service and its instance id. Also the instance's key in the registry bucket,
 * {@code <service>.<instance_id>}: service names have no dot, so the first dot separates the two.
 */
public record InstanceKey(String service, String instanceId) implements Comparable<InstanceKey> {

  private static final Comparator<InstanceKey> ORDER =
      Comparator.comparing(InstanceKey::service).thenComparing(InstanceKey::instanceId);

  public static InstanceKey of(Instance instance) {
    return new InstanceKey(instance.getService(), instance.getInstanceId());
  }

  /** The bucket key. */
  public String bucketKey() {
    return service + "." + instanceId;
  }

  /** The key whose {@link #bucketKey()} is {@code key}. */
  public static InstanceKey fromBucketKey(String key) {
    int dot = key.indexOf('.');
    if (dot <= 0 || dot == key.length() - 1) {
      throw new IllegalArgumentException("not a registry key: " + key);
    }
    return new InstanceKey(key.substring(0, dot), key.substring(dot + 1));
  }

  @Override
  public int compareTo(InstanceKey other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return service + "/" + instanceId;
  }
}
