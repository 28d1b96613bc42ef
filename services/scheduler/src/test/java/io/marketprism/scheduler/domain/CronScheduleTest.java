package io.marketprism.scheduler.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static List<Instant> next(FireSchedule schedule, Instant from, int count) {
    List<Instant> times = new ArrayList<>();
    Instant at = from;
    for (int i = 0; i < count; i++) {
      at = schedule.nextAfter(at).orElseThrow();
      times.add(at);
    }
    return times;
  }

  @Test
  void dailyLocalTimeInTheSpringGapFiresAtTheFirstInstantAfterTheGap() {
    // 2026-03-08: New York clocks jump from 02:00 EST to 03:00 EDT; 02:30 does not exist that day
    CronSchedule schedule = CronSchedule.parse("30 2 * * *", NEW_YORK);
    List<Instant> times = next(schedule, Instant.parse("2026-03-06T12:00:00Z"), 4);
    assertThat(times.get(0)).isEqualTo(Instant.parse("2026-03-07T07:30:00Z")); // 02:30 EST
    assertThat(times.get(1)).isEqualTo(Instant.parse("2026-03-08T07:00:00Z")); // 03:00 EDT, right after the gap
    assertThat(times.get(2)).isEqualTo(Instant.parse("2026-03-09T06:30:00Z")); // 02:30 EDT
    assertThat(times.get(3)).isEqualTo(Instant.parse("2026-03-10T06:30:00Z"));
  }

  @Test
  void dailyLocalTimeThatOccursTwiceInAutumnFiresOnce() {
    // 2026-11-01: New York clocks fall back from 02:00 EDT to 01:00 EST; 01:30 happens twice
    CronSchedule schedule = CronSchedule.parse("30 1 * * *", NEW_YORK);
    List<Instant> times = next(schedule, Instant.parse("2026-10-31T12:00:00Z"), 3);
    assertThat(times).containsExactly(
        Instant.parse("2026-11-01T05:30:00Z"), // 01:30 EDT, the first occurrence only
        Instant.parse("2026-11-02T06:30:00Z"), // 01:30 EST
        Instant.parse("2026-11-03T06:30:00Z"));
  }

  @Test
  void hourlyScheduleAcrossTheSpringChangeSkipsNoRealHour() {
    CronSchedule schedule = CronSchedule.parse("0 * * * *", NEW_YORK);
    List<Instant> times = next(schedule, Instant.parse("2026-03-08T05:30:00Z"), 3);
    // 01:00 EST, then 03:00 EDT: one real hour apart
    assertThat(times).containsExactly(
        Instant.parse("2026-03-08T06:00:00Z"), Instant.parse("2026-03-08T07:00:00Z"),
        Instant.parse("2026-03-08T08:00:00Z"));
  }

  @Test
  void readsTheZoneNotUtc() {
    CronSchedule shanghai = CronSchedule.parse("0 9 * * 1-5", ZoneId.of("Asia/Shanghai"));
    // Friday 2026-12-04 09:00 CST is 01:00 UTC; next is Monday 2026-12-07
    assertThat(next(shanghai, Instant.parse("2026-12-04T00:00:00Z"), 2)).containsExactly(
        Instant.parse("2026-12-04T01:00:00Z"), Instant.parse("2026-12-07T01:00:00Z"));
  }

  @Test
  void macrosAndSundayAsSeven() {
    assertThat(CronSchedule.parse("@daily", ZoneId.of("UTC")).nextAfter(Instant.parse("2026-12-07T10:00:00Z")))
        .contains(Instant.parse("2026-12-08T00:00:00Z"));
    // 2026-12-13 is a Sunday
    assertThat(CronSchedule.parse("0 0 * * 7", ZoneId.of("UTC")).nextAfter(Instant.parse("2026-12-07T10:00:00Z")))
        .contains(Instant.parse("2026-12-13T00:00:00Z"));
  }

  @Test
  void rejectsSixFieldsAndNonsense() {
    assertThatThrownBy(() -> CronSchedule.parse("0 30 2 * * *", ZoneId.of("UTC")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("five fields");
    assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", ZoneId.of("UTC")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CronSchedule.parse("@sometimes", ZoneId.of("UTC")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void intervalsAreAlignedToTheEpoch() {
    IntervalSchedule every5s = new IntervalSchedule(Duration.ofSeconds(5));
    assertThat(next(every5s, Instant.parse("2026-12-07T10:00:03.250Z"), 2)).containsExactly(
        Instant.parse("2026-12-07T10:00:05Z"), Instant.parse("2026-12-07T10:00:10Z"));
    assertThat(every5s.nextAfter(Instant.parse("2026-12-07T10:00:05Z"))).contains(Instant.parse("2026-12-07T10:00:10Z"));
  }

  @Test
  void retryBackoffGrowsByTheMultiplierUpToTheMax() {
    RetrySchedule retry = new RetrySchedule(5, Duration.ofMillis(100), Duration.ofMillis(350), 2.0,
        java.util.Set.of(io.grpc.Status.Code.UNAVAILABLE));
    assertThat(retry.backoffAfter(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(retry.backoffAfter(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(retry.backoffAfter(3)).isEqualTo(Duration.ofMillis(350));
    assertThat(retry.retries(4, io.grpc.Status.Code.UNAVAILABLE)).isTrue();
    assertThat(retry.retries(5, io.grpc.Status.Code.UNAVAILABLE)).isFalse();
    assertThat(retry.retries(1, io.grpc.Status.Code.INVALID_ARGUMENT)).isFalse();
  }
}
