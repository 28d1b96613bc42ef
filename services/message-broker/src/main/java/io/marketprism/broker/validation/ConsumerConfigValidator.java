package io.marketprism.broker.validation;

import io.marketprism.broker.v1.AckPolicy;
import io.marketprism.broker.v1.ConsumerConfig;
import io.marketprism.broker.v1.DeliverPolicy;
import io.marketprism.kit.api.FieldViolations;
import java.util.List;

/** Checks a {@link ConsumerConfig} against the contract and its stream's subjects. Stateless. */
public final class ConsumerConfigValidator {

  private ConsumerConfigValidator() {}

  /**
   * Adds a violation for every field at fault; {@code prefix} is the config's path in the request.
   *
   * @param streamSubjects the subjects of the consumer's stream, or null if unknown (the filter is then only
   *     checked for syntax)
   */
  public static void check(
      ConsumerConfig config, String prefix, List<String> streamSubjects, FieldViolations violations) {
    Names.check(config.getName(), prefix + ".name", violations);
    Names.checkDescription(config.getDescription(), prefix + ".description", violations);
    checkFilter(config.getFilterSubject(), prefix + ".filter_subject", streamSubjects, violations);
    checkStart(
        config.getDeliverPolicy(),
        config.getDeliverPolicyValue(),
        config.getStartSequence(),
        config.hasStartTime(),
        prefix,
        violations);
    checkTimestamp(config.hasStartTime(), config.getStartTime(), prefix + ".start_time", violations);
    if (config.getAckPolicy() == AckPolicy.UNRECOGNIZED) {
      violations.add(prefix + ".ack_policy", "unknown value " + config.getAckPolicyValue());
    }
    checkPositiveDuration(config.hasAckWait(), config.getAckWait(), prefix + ".ack_wait", violations);
    checkPositiveDuration(
        config.hasInactiveThreshold(), config.getInactiveThreshold(), prefix + ".inactive_threshold", violations);
    StreamConfigValidator.nonNegative(config.getMaxDeliver(), prefix + ".max_deliver", violations);
    StreamConfigValidator.nonNegative(config.getMaxAckPending(), prefix + ".max_ack_pending", violations);
  }

  /** A subject filter: empty (whole stream) or a valid filter inside the stream's subjects. */
  static void checkFilter(String filter, String field, List<String> streamSubjects, FieldViolations violations) {
    if (filter.isEmpty()) {
      return;
    }
    var problem = Subjects.filterProblem(filter);
    if (problem.isPresent()) {
      violations.add(field, problem.get());
    } else if (streamSubjects != null && !Subjects.withinAny(filter, streamSubjects)) {
      violations.add(field, "\"" + filter + "\" is outside the stream's subjects " + streamSubjects);
    }
  }

  /** A deliver policy with exactly the start position it needs. */
  static void checkStart(
      DeliverPolicy policy,
      int policyValue,
      long startSequence,
      boolean hasStartTime,
      String prefix,
      FieldViolations violations) {
    if (policy == DeliverPolicy.UNRECOGNIZED) {
      violations.add(prefix + ".deliver_policy", "unknown value " + policyValue);
      return;
    }
    if (policy == DeliverPolicy.DELIVER_POLICY_BY_START_SEQUENCE) {
      if (startSequence < 1) {
        violations.add(
            prefix + ".start_sequence",
            "must be 1 or more with DELIVER_POLICY_BY_START_SEQUENCE (was " + startSequence + ")");
      }
    } else if (startSequence != 0) {
      violations.add(prefix + ".start_sequence", "must be 0 unless deliver_policy is DELIVER_POLICY_BY_START_SEQUENCE");
    }
    if (policy == DeliverPolicy.DELIVER_POLICY_BY_START_TIME) {
      if (!hasStartTime) {
        violations.add(prefix + ".start_time", "required with DELIVER_POLICY_BY_START_TIME");
      }
    } else if (hasStartTime) {
      violations.add(prefix + ".start_time", "must be unset unless deliver_policy is DELIVER_POLICY_BY_START_TIME");
    }
  }

  static void checkTimestamp(
      boolean present, com.google.protobuf.Timestamp value, String field, FieldViolations violations) {
    if (present && !com.google.protobuf.util.Timestamps.isValid(value)) {
      violations.add(field, "is not a valid timestamp");
    }
  }

  static void checkPositiveDuration(
      boolean present, com.google.protobuf.Duration value, String field, FieldViolations violations) {
    if (StreamConfigValidator.checkDuration(present, value, field, violations)
        && present
        && com.google.protobuf.util.Durations.toNanos(value) == 0) {
      violations.add(field, "must be positive, or unset for the default");
    }
  }
}
