package io.marketprism.supervisor;

import java.time.Duration;

/**
 * When a crashed component is started again: after {@code initialBackoff}, doubling with each
 * consecutive quick failure up to {@code maxBackoff}. A failure is quick when the component crashed
 * less than {@code quickFailureWindow} after it became ready (or never became ready); after {@code
 * maxQuickFailures} quick failures in a row the supervisor gives up on it. A component that stayed
 * up longer than the window starts the count again.
 */
public record RestartPolicy(
    Duration initialBackoff,
    Duration maxBackoff,
    int maxQuickFailures,
    Duration quickFailureWindow) {

  /**
   * 1 s, 2 s, 4 s ... up to 30 s; give up after 5 crashes that each came within a minute of
   * starting.
   */
  public static final RestartPolicy DEFAULT =
      new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), 5, Duration.ofSeconds(60));

  public RestartPolicy {
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max");
    }
    if (maxQuickFailures < 1) {
      throw new IllegalArgumentException("maxQuickFailures must be at least 1");
    }
  }

  /** The pause before restart number {@code failures} (1-based) of a run of quick failures. */
  public Duration backoff(int failures) {
    Duration delay = initialBackoff;
    for (int i = 1; i < failures && delay.compareTo(maxBackoff) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
  }
}
