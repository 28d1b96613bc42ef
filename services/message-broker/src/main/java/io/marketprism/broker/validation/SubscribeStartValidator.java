package io.marketprism.broker.validation;

import io.marketprism.broker.v1.AckPolicy;
import io.marketprism.broker.v1.DeliverPolicy;
import io.marketprism.broker.v1.SubscribeStart;
import io.marketprism.kit.api.FieldViolations;
import java.util.List;

/**
 * Checks the {@code start} message of a Subscribe call. A durable subscription takes everything from its consumer, so
 * only {@code stream}, {@code durable} and {@code initial_credits} may be set; an ephemeral one may set the rest.
 * Stateless.
 */
public final class SubscribeStartValidator {

  /** Most credit one message may grant. */
  public static final int MAX_CREDITS = 100_000;

  private SubscribeStartValidator() {}

  /**
   * Adds a violation for every field at fault.
   *
   * @param streamSubjects the stream's subjects, or null when not yet known
   */
  public static void check(SubscribeStart start, List<String> streamSubjects, FieldViolations violations) {
    Names.check(start.getStream(), "start.stream", violations);
    if (start.getInitialCredits() < 0 || start.getInitialCredits() > MAX_CREDITS) {
      violations.add(
          "start.initial_credits", "must be between 0 and " + MAX_CREDITS + " (was " + start.getInitialCredits() + ")");
    }
    if (!start.getDurable().isEmpty()) {
      Names.check(start.getDurable(), "start.durable", violations);
      checkUnsetForDurable(start, violations);
      return;
    }
    ConsumerConfigValidator.checkFilter(
        start.getFilterSubject(), "start.filter_subject", streamSubjects, violations);
    ConsumerConfigValidator.checkStart(
        start.getDeliverPolicy(),
        start.getDeliverPolicyValue(),
        start.getStartSequence(),
        start.hasStartTime(),
        "start",
        violations);
    ConsumerConfigValidator.checkTimestamp(start.hasStartTime(), start.getStartTime(), "start.start_time", violations);
    if (start.getAckPolicy() == AckPolicy.ACK_POLICY_ALL || start.getAckPolicy() == AckPolicy.UNRECOGNIZED) {
      violations.add("start.ack_policy", "must be ACK_POLICY_EXPLICIT or ACK_POLICY_NONE for an ephemeral subscription");
    }
    ConsumerConfigValidator.checkPositiveDuration(start.hasAckWait(), start.getAckWait(), "start.ack_wait", violations);
    StreamConfigValidator.nonNegative(start.getMaxAckPending(), "start.max_ack_pending", violations);
  }

  /** Checks the count of a {@code credits} message. */
  public static void checkCredits(int count, FieldViolations violations) {
    if (count < 1 || count > MAX_CREDITS) {
      violations.add("credits.count", "must be between 1 and " + MAX_CREDITS + " (was " + count + ")");
    }
  }

  private static void checkUnsetForDurable(SubscribeStart start, FieldViolations violations) {
    String why = "must be unset with a durable consumer (its own config applies)";
    if (!start.getFilterSubject().isEmpty()) {
      violations.add("start.filter_subject", why);
    }
    if (start.getDeliverPolicy() != DeliverPolicy.DELIVER_POLICY_UNSPECIFIED) {
      violations.add("start.deliver_policy", why);
    }
    if (start.getStartSequence() != 0) {
      violations.add("start.start_sequence", why);
    }
    if (start.hasStartTime()) {
      violations.add("start.start_time", why);
    }
    if (start.getAckPolicy() != AckPolicy.ACK_POLICY_UNSPECIFIED) {
      violations.add("start.ack_policy", why);
    }
    if (start.hasAckWait()) {
      violations.add("start.ack_wait", why);
    }
    if (start.getMaxAckPending() != 0) {
      violations.add("start.max_ack_pending", why);
    }
  }
}
