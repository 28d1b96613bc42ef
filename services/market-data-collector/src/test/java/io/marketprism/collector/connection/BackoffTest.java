package io.marketprism.collector.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void delaysDoubleUpToTheCapWithJitterInTheUpperHalf() {
    Backoff lowest = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.0);
    Backoff highest = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.999999);

    assertThat(millis(lowest, 6)).containsExactly(50L, 100L, 200L, 400L, 500L, 500L);
    assertThat(millis(highest, 6)).containsExactly(99L, 199L, 399L, 799L, 999L, 999L);
  }

  @Test
  void resetStartsOverFromTheInitialDelay() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.0);
    millis(backoff, 5);

    backoff.reset();

    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(50));
  }

  private static Long[] millis(Backoff backoff, int n) {
    Long[] out = new Long[n];
    for (int i = 0; i < n; i++) {
      out[i] = backoff.next().toMillis();
    }
    return out;
  }
}
