package io.marketprism.controlplane.api;

import com.google.protobuf.Duration;
import com.google.protobuf.util.Durations;
import io.marketprism.kit.api.FieldViolations;
import io.marketprism.registry.v1.Instance;
import java.util.Map;
import java.util.regex.Pattern;

/** The registry contract's rules for request fields (see {@code registry_service.proto}). Stateless. */
final class RequestValidator {

  static final Pattern SERVICE = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Pattern METADATA_KEY = Pattern.compile("[a-z0-9_.-]{1,63}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:-]{1,253}");

  static final java.time.Duration DEFAULT_TTL = java.time.Duration.ofSeconds(30);
  static final java.time.Duration DEFAULT_DRAIN = java.time.Duration.ofSeconds(30);

  private RequestValidator() {}

  static void service(FieldViolations bad, String field, String service) {
    if (!SERVICE.matcher(service).matches()) {
      bad.add(field, "must be 1 to 63 characters of [a-z0-9-] starting with a letter (was \"" + service + "\")");
    }
  }

  static void instanceId(FieldViolations bad, String field, String id) {
    if (!INSTANCE_ID.matcher(id).matches()) {
      bad.add(field, "must be 1 to 128 characters of [A-Za-z0-9._-] (was \"" + id + "\")");
    }
  }

  static void instance(FieldViolations bad, Instance instance) {
    service(bad, "instance.service", instance.getService());
    instanceId(bad, "instance.instance_id", instance.getInstanceId());
    if (!instance.hasAddress()) {
      bad.add("instance.address", "is required");
    } else {
      if (!HOST.matcher(instance.getAddress().getHost()).matches()) {
        bad.add("instance.address.host", "must be a host name or IP address (was \"" + instance.getAddress().getHost() + "\")");
      }
      port(bad, "instance.address.port", instance.getAddress().getPort(), false);
    }
    port(bad, "instance.health_port", instance.getHealthPort(), true);
    if (instance.getWeight() < 0 || instance.getWeight() > 1000) {
      bad.add("instance.weight", "must be 1 to 1000, or 0 for 100 (was " + instance.getWeight() + ")");
    }
    if (instance.getMetadataCount() > 32) {
      bad.add("instance.metadata", "at most 32 entries (was " + instance.getMetadataCount() + ")");
    }
    for (Map.Entry<String, String> e : instance.getMetadataMap().entrySet()) {
      if (!METADATA_KEY.matcher(e.getKey()).matches()) {
        bad.add("instance.metadata", "key \"" + e.getKey() + "\" must be 1 to 63 characters of [a-z0-9_.-]");
      }
      if (e.getValue().length() > 256) {
        bad.add("instance.metadata", "value of \"" + e.getKey() + "\" is longer than 256 characters");
      }
    }
  }

  private static void port(FieldViolations bad, String field, int port, boolean zeroAllowed) {
    if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
      bad.add(field, "must be " + (zeroAllowed ? "0" : "1") + " to 65535 (was " + port + ")");
    }
  }

  /** The duration, or {@code fallback} when unset, if within [min, max]; else a violation and {@code fallback}. */
  static java.time.Duration duration(
      FieldViolations bad, String field, boolean set, Duration value, java.time.Duration fallback,
      java.time.Duration min, java.time.Duration max) {
    if (!set) {
      return fallback;
    }
    if (!Durations.isValid(value)) {
      bad.add(field, "is not a valid duration");
      return fallback;
    }
    java.time.Duration d = java.time.Duration.ofSeconds(value.getSeconds(), value.getNanos());
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      bad.add(field, "must be " + min.toSeconds() + "s to " + max.toSeconds() + "s (was " + Durations.toString(value) + ")");
      return fallback;
    }
    return d;
  }
}
