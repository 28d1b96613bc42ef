package io.marketprism.broker.validation;

import com.google.protobuf.FieldMask;
import io.marketprism.broker.v1.StreamConfig;
import io.marketprism.kit.api.FieldViolations;
import java.util.List;
import java.util.Set;

/**
 * Applies an {@code UpdateStream} field mask: the named fields of the request's config replace those of the stored
 * config ({@code subjects} as a whole). Stateless.
 */
public final class StreamUpdateMask {

  private static final Set<String> IMMUTABLE = Set.of("name", "storage", "retention");

  private static final List<String> MUTABLE =
      List.of(
          "description",
          "subjects",
          "max_age",
          "max_bytes",
          "max_msgs",
          "max_msgs_per_subject",
          "max_msg_size",
          "replicas",
          "duplicate_window",
          "discard");

  private StreamUpdateMask() {}

  /** Adds a violation for an empty mask, {@code *}, an unknown path or a path that cannot change. */
  public static void check(FieldMask mask, FieldViolations violations) {
    if (mask.getPathsCount() == 0) {
      violations.add("update_mask", "required: name the fields to change, e.g. \"max_age\"");
      return;
    }
    for (int i = 0; i < mask.getPathsCount(); i++) {
      String path = mask.getPaths(i);
      String field = "update_mask.paths[" + i + "]";
      if (IMMUTABLE.contains(path)) {
        violations.add(field, path + " cannot change after creation");
      } else if (!MUTABLE.contains(path)) {
        violations.add(field, "unknown path \"" + path + "\"; one of " + MUTABLE);
      }
    }
  }

  /** {@code current} with the masked fields taken from {@code changes}; the mask must have passed {@link #check}. */
  public static StreamConfig apply(StreamConfig current, StreamConfig changes, FieldMask mask) {
    StreamConfig.Builder result = current.toBuilder();
    for (String path : mask.getPathsList()) {
      switch (path) {
        case "description" -> result.setDescription(changes.getDescription());
        case "subjects" -> result.clearSubjects().addAllSubjects(changes.getSubjectsList());
        case "max_age" -> {
          if (changes.hasMaxAge()) {
            result.setMaxAge(changes.getMaxAge());
          } else {
            result.clearMaxAge();
          }
        }
        case "max_bytes" -> result.setMaxBytes(changes.getMaxBytes());
        case "max_msgs" -> result.setMaxMsgs(changes.getMaxMsgs());
        case "max_msgs_per_subject" -> result.setMaxMsgsPerSubject(changes.getMaxMsgsPerSubject());
        case "max_msg_size" -> result.setMaxMsgSize(changes.getMaxMsgSize());
        case "replicas" -> result.setReplicas(changes.getReplicas());
        case "duplicate_window" -> {
          if (changes.hasDuplicateWindow()) {
            result.setDuplicateWindow(changes.getDuplicateWindow());
          } else {
            result.clearDuplicateWindow();
          }
        }
        case "discard" -> result.setDiscardValue(changes.getDiscardValue());
        default -> throw new IllegalArgumentException("unchecked mask path " + path);
      }
    }
    return result.build();
  }
}
