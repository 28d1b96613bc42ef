package io.marketprism.scheduler.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Every {@code interval}, aligned to the Unix epoch, so that every replica computes the same firing times without
 * sharing an anchor. Immutable.
 */
public final class IntervalSchedule implements FireSchedule {

  private final long intervalNanos;

  public IntervalSchedule(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("must be positive");
    }
    this.intervalNanos = interval.toNanos();
  }

  @Override
  public Optional<Instant> nextAfter(Instant time) {
    long nanos = Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000_000L), time.getNano());
    long next = Math.floorDiv(nanos, intervalNanos) * intervalNanos + intervalNanos;
    return Optional.of(Instant.ofEpochSecond(0, next));
  }
}
