package io.marketprism.scheduler.domain;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Unix five-field cron expression read in an IANA time zone, by cron-utils. Thread-safe and immutable.
 *
 * <p>Daylight-saving changes: cron-utils walks local times, so a local time that does not exist (skipped by a
 * spring-forward gap) fires at the first instant after the gap, and one that occurs twice (autumn) fires once, at
 * its first occurrence: what the contract promises, and what {@code CronScheduleTest} checks.
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
    return executionTime.nextExecution(time.atZone(zone)).map(ZonedDateTime::toInstant);
  }
}
