package io.marketprism.collector.book;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.marketdata.v1.Level;
import org.junit.jupiter.api.Test;

class OrderBookTest {
  private final OrderBook book = new OrderBook();

  @Test
  void bidsAreBestFirstAndAsksLowestFirst() {
    book.applyBid(level("100.5", "1"));
    book.applyBid(level("101", "2"));
    book.applyAsk(level("103", "3"));
    book.applyAsk(level("102.25", "4"));

    assertThat(book.topBids(0)).containsExactly(level("101", "2"), level("100.5", "1"));
    assertThat(book.topAsks(1)).containsExactly(level("102.25", "4"));
  }

  @Test
  void pricesThatDifferOnlyInTrailingZerosAreTheSameLevel() {
    book.applyBid(level("100.0", "1"));
    book.applyBid(level("100", "5"));

    assertThat(book.bidCount()).isEqualTo(1);
    assertThat(book.topBids(0)).containsExactly(level("100", "5"));
  }

  @Test
  void zeroInAnySpellingRemovesTheLevel() {
    book.applyAsk(level("1", "1"));
    book.applyAsk(level("2", "1"));
    book.applyAsk(level("3", "1"));

    book.applyAsk(level("1", "0"));
    book.applyAsk(level("2.0", "0.000"));
    book.applyAsk(level("9", "0")); // absent: removing it is not an error

    assertThat(book.topAsks(0)).containsExactly(level("3", "1"));
  }

  @Test
  void clearEmptiesBothSides() {
    book.applyBid(level("1", "1"));
    book.applyAsk(level("2", "1"));

    book.clear();

    assertThat(book.bidCount()).isZero();
    assertThat(book.askCount()).isZero();
  }

  private static Level level(String price, String amount) {
    return Level.newBuilder().setPrice(price).setAmount(amount).build();
  }
}
