package io.marketprism.scheduler.domain;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Unix five-field cron expression read in an IANA time zone, by cron-utils. Thread-safe and immutable.
 *
 * <p>Daylight-saving changes, as the contract promises and {@code CronScheduleTest} checks: a local time that occurs
 * twice (autumn) fires once, at its first occurrence (cron-utils does that); a local time that does not exist
 * (skipped by a spring-forward gap) fires at the first instant after the gap. cron-utils skips such a time, like
 * Quartz, so {@link #nextAfter} looks into every gap before cron-utils' answer for a match.
 */
public final class CronSchedule implements FireSchedule {

  private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /** The macros the contract accepts, as the expressions they stand for. */
  private static final Map<String, String> MACROS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  private final ExecutionTime executionTime;
  private final ZoneId zone;

  private CronSchedule(ExecutionTime executionTime, ZoneId zone) {
    this.executionTime = executionTime;
    this.zone = zone;
  }

  /**
   * @throws IllegalArgumentException with a reason a user can read if the expression is not valid
   */
  public static CronSchedule parse(String expression, ZoneId zone) {
    String trimmed = expression.trim();
    String expanded = MACROS.getOrDefault(trimmed.toLowerCase(Locale.ROOT), trimmed);
    if (expanded.startsWith("@")) {
      throw new IllegalArgumentException("unknown macro " + trimmed + " (use @yearly, @monthly, @weekly, @daily or @hourly)");
    }
    if (expanded.split("\\s+").length != 5) {
      throw new IllegalArgumentException(
          "must have five fields: minute hour day-of-month month day-of-week (no seconds), e.g. \"30 2 * * *\"");
    }
    Cron cron = UNIX.parse(expanded).validate();
    return new CronSchedule(ExecutionTime.forCron(cron), zone);
  }

  @Override
  public Optional<Instant> nextAfter(Instant time) {
    Optional<Instant> next = executionTime.nextExecution(time.atZone(zone)).map(ZonedDateTime::toInstant);
    if (next.isEmpty()) {
      return next;
    }
    ZoneRules rules = zone.getRules();
    for (ZoneOffsetTransition transition = rules.nextTransition(time);
        transition != null && !transition.getInstant().isAfter(next.get());
        transition = rules.nextTransition(transition.getInstant())) {
      if (transition.isGap() && matchesWithin(transition.getDateTimeBefore(), transition.getDateTimeAfter())) {
        return Optional.of(transition.getInstant());
      }
    }
    return next;
  }

  /** Whether the expression matches a local time in [from, to), read as wall-clock times without a zone. */
  private boolean matchesWithin(LocalDateTime from, LocalDateTime to) {
    return executionTime.nextExecution(from.minusSeconds(1).atZone(ZoneOffset.UTC))
        .map(match -> match.toLocalDateTime().isBefore(to))
        .orElse(false);
  }
}
