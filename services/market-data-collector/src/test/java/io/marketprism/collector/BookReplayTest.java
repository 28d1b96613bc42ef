package io.marketprism.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.marketdata.v1.BookDelta;
import io.marketprism.marketdata.v1.BookSnapshot;
import io.marketprism.marketdata.v1.Level;
import org.junit.jupiter.api.Test;

/** The fault test's independent checker finds what it is meant to find. */
class BookReplayTest {

  @Test
  void acceptsDeltasThatChainFromTheirSnapshot() {
    BookReplay replay = new BookReplay();
    replay.snapshot(snapshot("okx", 10));
    replay.delta(delta("okx", 10, 11, "100.1"));
    replay.delta(delta("okx", 11, 12, "100.2"));
    assertThat(replay.problems()).isEmpty();
  }

  @Test
  void reportsAGapADeltaWithoutSnapshotAndACrossedBook() {
    BookReplay replay = new BookReplay();
    replay.delta(delta("deribit", 1, 2, "99"));
    replay.snapshot(snapshot("okx", 10));
    replay.delta(delta("okx", 12, 13, "99"));
    replay.delta(delta("okx", 13, 14, "101.5"));
    assertThat(replay.problems()).hasSize(3)
        .anySatisfy(p -> assertThat(p).contains("before any snapshot"))
        .anySatisfy(p -> assertThat(p).contains("does not follow 10"))
        .anySatisfy(p -> assertThat(p).contains("crossed"));
  }

  @Test
  void checksBinanceSpotRangesByFirstUpdateId() {
    BookReplay replay = new BookReplay();
    replay.snapshot(snapshot("binance", 100));
    replay.delta(BookDelta.newBuilder().setExchange("binance").setSymbol("BTC-USDT")
        .setFirstSequence(95).setLastSequence(105).build());
    replay.delta(BookDelta.newBuilder().setExchange("binance").setSymbol("BTC-USDT")
        .setFirstSequence(107).setLastSequence(110).build());
    assertThat(replay.problems()).singleElement().asString().contains("does not follow 105");
  }

  private static BookSnapshot snapshot(String exchange, long sequence) {
    return BookSnapshot.newBuilder().setExchange(exchange).setSymbol("BTC-USDT").setLastSequence(sequence)
        .addBids(level("100", "1")).addAsks(level("101", "1")).build();
  }

  private static BookDelta delta(String exchange, long previous, long sequence, String bid) {
    return BookDelta.newBuilder().setExchange(exchange).setSymbol("BTC-USDT").setPrevSequence(previous)
        .setLastSequence(sequence).addBids(level(bid, "2")).build();
  }

  private static Level level(String price, String amount) {
    return Level.newBuilder().setPrice(price).setAmount(amount).build();
  }
}
