package io.marketprism.monitoring.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marketprism.monitoring.v1.Aggregation;
import org.junit.jupiter.api.Test;

class SampleBufferTest {

  private static final long S = 1_000_000_000L;

  @Test
  void rateIsThePerSecondIncreaseAndSurvivesACounterReset() {
    SampleBuffer buffer = new SampleBuffer(16);
    buffer.add(10 * S, 100);
    buffer.add(20 * S, 110);
    buffer.add(30 * S, 5);    // the process restarted: 5 new since the reset
    buffer.add(40 * S, 25);

    // 10 + 5 + 20 over 30 s
    assertThat(buffer.reduce(Aggregation.AGGREGATION_RATE, 60 * S, 40 * S, 0)).isCloseTo(35.0 / 30, within(1e-9));
    // only the last two samples are in a 15 s window
    assertThat(buffer.reduce(Aggregation.AGGREGATION_RATE, 15 * S, 40 * S, 0)).isCloseTo(2.0, within(1e-9));
    // one sample in the window is not enough for a rate
    assertThat(buffer.reduce(Aggregation.AGGREGATION_RATE, 5 * S, 40 * S, 0)).isNaN();
  }

  @Test
  void avgMinMaxLookOnlyAtTheWindowAndLastAtFreshness() {
    SampleBuffer buffer = new SampleBuffer(4);
    for (int i = 1; i <= 6; i++) {
      buffer.add(i * S, i);   // capacity 4: samples 3..6 remain
    }
    assertThat(buffer.reduce(Aggregation.AGGREGATION_AVG, 100 * S, 6 * S, 0)).isEqualTo(4.5);
    assertThat(buffer.reduce(Aggregation.AGGREGATION_MIN, 100 * S, 6 * S, 0)).isEqualTo(3);
    assertThat(buffer.reduce(Aggregation.AGGREGATION_MAX, 2 * S, 6 * S, 0)).isEqualTo(6);
    assertThat(buffer.reduce(Aggregation.AGGREGATION_MIN, 2 * S, 6 * S, 0)).isEqualTo(4);
    assertThat(buffer.reduce(Aggregation.AGGREGATION_LAST, 0, 6 * S, 5 * S)).isEqualTo(6);
    assertThat(buffer.reduce(Aggregation.AGGREGATION_LAST, 0, 9 * S, 7 * S)).isNaN();
  }

  @Test
  void ignoresASampleThatIsNotNewer() {
    SampleBuffer buffer = new SampleBuffer(4);
    buffer.add(5 * S, 1);
    buffer.add(5 * S, 2);
    buffer.add(4 * S, 3);
    assertThat(buffer.reduce(Aggregation.AGGREGATION_LAST, 0, 5 * S, 0)).isEqualTo(1);
  }
}
