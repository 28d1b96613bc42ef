package io.marketprism.scheduler.domain;

import java.time.Instant;
import java.util.Optional;

/** When a task fires: the firing times of a cron expression in a time zone, or of a fixed interval. */
public interface FireSchedule {

  /** The first firing strictly after {@code time}; empty if there is none (a cron that never matches again). */
  Optional<Instant> nextAfter(Instant time);
}
