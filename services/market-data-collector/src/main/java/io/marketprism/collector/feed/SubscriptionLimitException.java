package io.marketprism.collector.feed;

import java.util.List;

/** A subscription change refused, with nothing changed, because it would exceed {@link SubscriptionLimits}. */
public final class SubscriptionLimitException extends RuntimeException {
  private final List<SubscriptionLimits.Violation> violations;

  SubscriptionLimitException(List<SubscriptionLimits.Violation> violations) {
    super("subscription limits exceeded: " + String.join("; ",
        violations.stream().map(SubscriptionLimits.Violation::description).toList()));
    this.violations = List.copyOf(violations);
  }

  public List<SubscriptionLimits.Violation> violations() {
    return violations;
  }
}
