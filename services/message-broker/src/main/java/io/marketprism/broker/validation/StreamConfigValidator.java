package io.marketprism.broker.validation;

import com.google.protobuf.Duration;
import com.google.protobuf.util.Durations;
import io.marketprism.broker.v1.DiscardPolicy;
import io.marketprism.broker.v1.RetentionPolicy;
import io.marketprism.broker.v1.StorageType;
import io.marketprism.broker.v1.StreamConfig;
import io.marketprism.kit.api.FieldViolations;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a {@link StreamConfig} against the contract before it reaches JetStream, so the caller learns every field
 * at fault at once. Stateless.
 */
public final class StreamConfigValidator {

  private static final int MAX_REPLICAS = 5;

  private StreamConfigValidator() {}

  /**
   * Adds a violation for every field of {@code config} that breaks the contract; {@code prefix} is the config's path
   * in the request ({@code "config"}).
   */
  public static void check(StreamConfig config, String prefix, FieldViolations violations) {
    Names.check(config.getName(), prefix + ".name", violations);
    Names.checkDescription(config.getDescription(), prefix + ".description", violations);
    checkSubjects(config.getSubjectsList(), prefix + ".subjects", violations);
    if (config.getRetention() == RetentionPolicy.RETENTION_POLICY_UNSPECIFIED) {
      violations.add(prefix + ".retention", "required");
    } else if (config.getRetention() == RetentionPolicy.UNRECOGNIZED) {
      violations.add(prefix + ".retention", "unknown value " + config.getRetentionValue());
    }
    if (config.getStorage() == StorageType.STORAGE_TYPE_UNSPECIFIED) {
      violations.add(prefix + ".storage", "required");
    } else if (config.getStorage() == StorageType.UNRECOGNIZED) {
      violations.add(prefix + ".storage", "unknown value " + config.getStorageValue());
    }
    if (config.getDiscard() == DiscardPolicy.UNRECOGNIZED) {
      violations.add(prefix + ".discard", "unknown value " + config.getDiscardValue());
    }
    boolean maxAgeValid = checkDuration(config.hasMaxAge(), config.getMaxAge(), prefix + ".max_age", violations);
    boolean windowValid =
        checkDuration(
            config.hasDuplicateWindow(), config.getDuplicateWindow(), prefix + ".duplicate_window", violations);
    nonNegative(config.getMaxBytes(), prefix + ".max_bytes", violations);
    nonNegative(config.getMaxMsgs(), prefix + ".max_msgs", violations);
    nonNegative(config.getMaxMsgsPerSubject(), prefix + ".max_msgs_per_subject", violations);
    nonNegative(config.getMaxMsgSize(), prefix + ".max_msg_size", violations);
    if (config.getReplicas() < 0 || config.getReplicas() > MAX_REPLICAS) {
      violations.add(prefix + ".replicas", "must be between 1 and 5, or 0 for 1 (was " + config.getReplicas() + ")");
    }
    if (maxAgeValid
        && windowValid
        && config.hasDuplicateWindow()
        && Durations.toNanos(config.getMaxAge()) > 0
        && Durations.compare(config.getDuplicateWindow(), config.getMaxAge()) > 0) {
      violations.add(prefix + ".duplicate_window", "must not exceed max_age");
    }
  }

  /**
   * Adds a violation for each subject of {@code config} that overlaps a subject of another stream.
   *
   * @param otherStreams subjects of every other stream, by stream name
   */
  public static void checkNoOverlap(
      StreamConfig config, String prefix, Map<String, List<String>> otherStreams, FieldViolations violations) {
    List<String> subjects = config.getSubjectsList();
    for (int i = 0; i < subjects.size(); i++) {
      String subject = subjects.get(i);
      if (Subjects.filterProblem(subject).isPresent()) {
        continue;
      }
      for (Map.Entry<String, List<String>> other : otherStreams.entrySet()) {
        if (other.getKey().equals(config.getName())) {
          continue;
        }
        Optional<String> clash = other.getValue().stream().filter(s -> Subjects.overlap(subject, s)).findFirst();
        if (clash.isPresent()) {
          violations.add(
              prefix + ".subjects[" + i + "]",
              "overlaps \"" + clash.get() + "\" of stream " + other.getKey() + " (was \"" + subject + "\")");
          break;
        }
      }
    }
  }

  private static void checkSubjects(List<String> subjects, String field, FieldViolations violations) {
    if (subjects.isEmpty()) {
      violations.add(field, "at least one subject is required");
      return;
    }
    for (int i = 0; i < subjects.size(); i++) {
      String subject = subjects.get(i);
      Optional<String> problem = Subjects.filterProblem(subject);
      if (problem.isPresent()) {
        violations.add(field + "[" + i + "]", problem.get());
        continue;
      }
      for (int j = 0; j < i; j++) {
        if (Subjects.filterProblem(subjects.get(j)).isEmpty() && Subjects.overlap(subjects.get(j), subject)) {
          violations.add(
              field + "[" + i + "]", "overlaps subjects[" + j + "] \"" + subjects.get(j) + "\" (was \"" + subject + "\")");
          break;
        }
      }
    }
  }

  /** Checks an optional duration is well-formed and not negative; returns whether it is usable. */
  static boolean checkDuration(boolean present, Duration value, String field, FieldViolations violations) {
    if (!present) {
      return true;
    }
    if (!Durations.isValid(value)) {
      violations.add(field, "is not a valid duration");
      return false;
    }
    if (Durations.isNegative(value)) {
      violations.add(field, "must not be negative (was " + Durations.toString(value) + ")");
      return false;
    }
    return true;
  }

  static void nonNegative(long value, String field, FieldViolations violations) {
    if (value < 0) {
      violations.add(field, "must be 0 (unlimited) or more (was " + value + ")");
    }
  }
}
