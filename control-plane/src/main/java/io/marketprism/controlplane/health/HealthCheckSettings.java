package io.marketprism.controlplane.health;

import java.time.Duration;

/**
 * How instances are checked.
 *
 * @param interval time between checks of one instance
 * @param timeout deadline of one check
 * @param healthyThreshold consecutive passes that bring an UNHEALTHY instance back to SERVING (a STARTING instance
 *     needs one)
 * @param unhealthyThreshold consecutive failures that make an instance UNHEALTHY
 */
public record HealthCheckSettings(Duration interval, Duration timeout, int healthyThreshold, int unhealthyThreshold) {

  public HealthCheckSettings {
    if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("interval and timeout must be positive");
    }
    if (healthyThreshold < 1 || unhealthyThreshold < 1) {
      throw new IllegalArgumentException("thresholds must be at least 1");
    }
  }
}
