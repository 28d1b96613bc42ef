package io.marketprism.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RootSamplerTest {

  @Test
  void ratioZeroNeverSamplesAndOneAlwaysDoes() {
    RootSampler never = RootSampler.ratio(0);
    RootSampler always = RootSampler.ratio(1);

    assertThat(IntStream.range(0, 10_000).filter(i -> never.sampleNewTrace()).count()).isZero();
    assertThat(IntStream.range(0, 10_000).filter(i -> always.sampleNewTrace()).count()).isEqualTo(10_000);
  }

  @Test
  void samplesAboutTheRatio() {
    RootSampler sampler = RootSampler.ratio(0.01);

    long sampled = IntStream.range(0, 100_000).filter(i -> sampler.sampleNewTrace()).count();

    // 1,000 expected; binomial(100,000, 0.01) leaves 800..1,200 with odds far below 1e-9
    assertThat(sampled).isBetween(800L, 1_200L);
  }

  @Test
  void rejectsRatiosOutsideZeroToOne() {
    assertThatThrownBy(() -> RootSampler.ratio(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RootSampler.ratio(-0.1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RootSampler.ratio(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }
}
