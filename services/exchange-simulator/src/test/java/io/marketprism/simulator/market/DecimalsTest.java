package io.marketprism.simulator.market;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DecimalsTest {

  @Test
  void writesScaledIntegersExactly() {
    assertThat(Decimals.format(4221990, 2, 2)).isEqualTo("42219.90");
    assertThat(Decimals.format(4221990, 2, 0)).isEqualTo("42219.9");
    assertThat(Decimals.format(4222000, 2, 0)).isEqualTo("42220");
    assertThat(Decimals.format(5, 8, 0)).isEqualTo("0.00000005");
    assertThat(Decimals.format(-15, 1, 0)).isEqualTo("-1.5");
  }

  @Test
  void padsToBinanceSpotsEightDecimals() {
    assertThat(Decimals.appendPadded(new StringBuilder(), 650001, 2, 8).toString()).isEqualTo("6500.01000000");
    assertThat(Decimals.appendPadded(new StringBuilder(), 10, 0, 8).toString()).isEqualTo("10.00000000");
  }
}
