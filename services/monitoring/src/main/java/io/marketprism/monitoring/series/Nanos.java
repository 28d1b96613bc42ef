package io.marketprism.monitoring.series;

import java.time.Clock;
import java.time.Instant;

/** Nanoseconds since the epoch, the project's one time unit. */
public final class Nanos {

  private Nanos() {}

  public static long now(Clock clock) {
    return of(clock.instant());
  }

  public static long of(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
