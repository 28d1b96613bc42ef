package io.marketprism.kit.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void parsesShortFormsAndIso8601() {
    assertThat(Durations.parse("500ms")).contains(Duration.ofMillis(500));
    assertThat(Durations.parse("10s")).contains(Duration.ofSeconds(10));
    assertThat(Durations.parse("1m")).contains(Duration.ofMinutes(1));
    assertThat(Durations.parse("1h")).contains(Duration.ofHours(1));
    assertThat(Durations.parse("2d")).contains(Duration.ofDays(2));
    assertThat(Durations.parse(" 10 s ")).contains(Duration.ofSeconds(10));
    assertThat(Durations.parse("PT1.5S")).contains(Duration.ofMillis(1500));
    assertThat(Durations.parse("pt10s")).contains(Duration.ofSeconds(10));
  }

  @Test
  void rejectsEverythingElse() {
    assertThat(Durations.parse("ten seconds")).isEmpty();
    assertThat(Durations.parse("10")).isEmpty();
    assertThat(Durations.parse("10x")).isEmpty();
    assertThat(Durations.parse("-5s")).isEmpty();
    assertThat(Durations.parse("Pnonsense")).isEmpty();
    assertThat(Durations.parse("99999999999999999999s")).isEmpty();
  }

  @Test
  void formatsTheShortestExactForm() {
    assertThat(Durations.format(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
    assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
  }
}
