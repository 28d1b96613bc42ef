package io.marketprism.collector.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentStringsTest {
  private final RecentStrings recent = new RecentStrings();

  private String read(String buffer, int offset, int length) {
    return recent.of(buffer.toCharArray(), offset, length);
  }

  @Test
  void aValueReadAgainIsTheSameStringNotANewOne() {
    String first = read("{\"s\":\"BTCUSDT\"}", 6, 7);
    String again = read("[\"BTCUSDT\",1]", 2, 7);

    assertThat(first).isEqualTo("BTCUSDT");
    assertThat(again).isSameAs(first);
  }

  @Test
  void differentTextNeverComesBackAsAnEarlierString() {
    // many values compete for 64 slots: whatever is evicted, each read must give its own text
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 500; i++) {
        String text = "SYM" + i;
        assertThat(read("x" + text + "y", 1, text.length())).isEqualTo(text);
      }
    }
    assertThat(read("ETHUSDT", 0, 7)).isEqualTo("ETHUSDT");
    assertThat(read("ETHUSDC", 0, 7)).isEqualTo("ETHUSDC");
  }

  @Test
  void longValuesAreReadButNotKept() {
    String text = "x".repeat(RecentStrings.MAX_LENGTH + 1);

    String first = read(text, 0, text.length());

    assertThat(first).isEqualTo(text);
    assertThat(read(text, 0, text.length())).isNotSameAs(first).isEqualTo(text);
  }
}
