package io.marketprism.collector.exchange.binance;

import static io.marketprism.collector.exchange.Frames.RECEIVE_NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.collector.book.OrderBook;
import io.marketprism.collector.book.ResyncReason;
import io.marketprism.collector.exchange.FrameOutcome;
import io.marketprism.collector.exchange.Frames;
import io.marketprism.collector.exchange.RecordingListener;
import io.marketprism.collector.exchange.RejectReason;
import io.marketprism.marketdata.v1.BookDelta;
import io.marketprism.marketdata.v1.BookSnapshot;
import io.marketprism.marketdata.v1.FundingRate;
import io.marketprism.marketdata.v1.Level;
import io.marketprism.marketdata.v1.Liquidation;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.OpenInterest;
import io.marketprism.marketdata.v1.Side;
import io.marketprism.marketdata.v1.Ticker;
import io.marketprism.marketdata.v1.Trade;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinanceFeedTest {
  private final RecordingListener listener = new RecordingListener();
  private final BinanceFeed feed = new BinanceFeed(listener);

  @Test
  void spotTradeWithBuyerMakerIsATakerSellWithExactDecimalsAndNanos() {
    FrameOutcome outcome = feed.handle(Frames.frame("binance/trade-spot-raw.json"), RECEIVE_NS);

    assertThat(outcome).isEqualTo(FrameOutcome.DATA);
    assertThat(listener.events).containsExactly(MarketEvent.newBuilder().setTrade(Trade.newBuilder()
        .setExchange("binance")
        .setSymbol("BNB-BTC")
        .setNativeSymbol("BNBBTC")
        .setTradeId("12345")
        .setSide(Side.SIDE_SELL)
        .setPrice("0.00100000")
        .setAmount("100.00000000")
        .setExchangeTimeNs(1_672_515_782_134_000_000L)
        .setReceiveTimeNs(RECEIVE_NS)).build());
  }

  @Test
  void combinedStreamFrameGivesTheSameTradeAsTheRawFrame() {
    feed.handle(Frames.frame("binance/trade-spot-raw.json"), RECEIVE_NS);
    feed.handle(Frames.frame("binance/trade-spot-combined.json"), RECEIVE_NS);

    assertThat(listener.events).hasSize(2);
    assertThat(listener.events.get(1)).isEqualTo(listener.events.get(0));
  }

  @Test
  void futuresAggTradeIsAPerpetualTradeAndNotMakerBuyerMeansTakerBuy() {
    feed.handle(Frames.frame("binance/aggtrade-futures.json"), RECEIVE_NS);

    Trade trade = listener.events.get(0).getTrade();
    assertThat(trade.getSymbol()).isEqualTo("BTC-USDT-PERP");
    assertThat(trade.getTradeId()).isEqualTo("5933014");
    assertThat(trade.getSide()).isEqualTo(Side.SIDE_BUY);
    assertThat(trade.getPrice()).isEqualTo("42219.90");
    assertThat(trade.getExchangeTimeNs()).isEqualTo(1_700_000_000_120_000_000L);
  }

  @Test
  void feedForTheSpotMarketMapsAggTradesToSpotSymbols() {
    BinanceFeed spot = new BinanceFeed(listener, BinanceMarket.SPOT);
    spot.handle(Frames.frame("binance/aggtrade-futures.json"), RECEIVE_NS);

    assertThat(listener.events.get(0).getTrade().getSymbol()).isEqualTo("BTC-USDT");
  }

  @Test
  void syncsSpotBookFromBufferedUpdatesAndRestSnapshot() {
    Frames.feed(feed, "binance/depth-spot-happy.jsonl");

    assertThat(listener.rejects).isEmpty();
    assertThat(listener.faults()).isEmpty();
    assertThat(listener.resyncs).extracting(RecordingListener.Resync::reason).containsExactly(ResyncReason.NO_SNAPSHOT);
    assertThat(listener.events).extracting(MarketEvent::getEventCase).containsExactly(
        MarketEvent.EventCase.BOOK_SNAPSHOT, MarketEvent.EventCase.BOOK_DELTA, MarketEvent.EventCase.BOOK_DELTA);
    BookSnapshot snapshot = listener.events.get(0).getBookSnapshot();
    assertThat(snapshot.getSymbol()).isEqualTo("BNB-BTC");
    assertThat(snapshot.getNativeSymbol()).isEqualTo("BNBBTC");
    assertThat(snapshot.getLastSequence()).isEqualTo(162);
    assertThat(snapshot.hasChecksum()).isFalse();
    assertThat(snapshot.getBidsList()).containsExactly(level("0.0024", "11"), level("0.0022", "7"));
    BookDelta first = listener.events.get(1).getBookDelta();
    assertThat(first.getFirstSequence()).isEqualTo(161);
    assertThat(first.getLastSequence()).isEqualTo(165);
    assertThat(first.hasPrevSequence()).isFalse();
    assertThat(first.getAsksList()).containsExactly(level("0.0026", "0"));
    assertThat(listener.events.get(2).getBookDelta().getFirstSequence()).isEqualTo(166);
  }

  @Test
  void aSnapshotLineBeforeTheFirstUpdateSeedsTheBookWithoutAskingForAnother() {
    List<String> happy = Frames.lines("binance/depth-spot-happy.jsonl");
    for (String line : List.of(happy.get(2), happy.get(0), happy.get(1), happy.get(3))) {
      feed.handle(line, RECEIVE_NS);
    }

    assertThat(listener.rejects).isEmpty();
    assertThat(listener.resyncs).isEmpty();
    assertThat(listener.events).extracting(BinanceFeedTest::sequence)
        .containsExactly("snapshot 162", "delta 165", "delta 168");
    assertThat(feed.booksAwaitingSnapshot()).isEmpty();
  }

  @Test
  void keepsTheLocalBookExactlyAsTheExchangeDefinesIt() {
    Frames.feed(feed, "binance/depth-spot-happy.jsonl");

    // Replaying what was emitted onto an empty book gives the exchange's book. Zero amounts ("0", "0.000") removed their levels; the rest carry the latest amounts.
    BookSnapshot snapshot = listener.events.get(0).getBookSnapshot();
    OrderBook book = new OrderBook();
    book.apply(snapshot.getBidsList(), snapshot.getAsksList());
    for (MarketEvent event : listener.events.subList(1, listener.events.size())) {
      book.apply(event.getBookDelta().getBidsList(), event.getBookDelta().getAsksList());
    }
    assertThat(book.topBids(0)).containsExactly(level("0.0024", "12"), level("0.0023", "5"));
    assertThat(book.topAsks(0)).containsExactly(level("0.0027", "4"), level("0.0028", "1.5"));
  }

  @Test
  void resyncsBookAfterSequenceGapAndEmitsNothingUntilANewSnapshot() {
    Frames.feed(feed, "binance/depth-spot-gap.jsonl");

    assertThat(listener.faults()).singleElement().satisfies(resync -> {
      assertThat(resync.reason()).isEqualTo(ResyncReason.SEQUENCE_GAP);
      assertThat(resync.nativeSymbol()).isEqualTo("BNBBTC");
      assertThat(resync.detail()).contains("expected U=162, got U=165");
    });
    assertThat(listener.events).extracting(BinanceFeedTest::sequence)
        .containsExactly("snapshot 160", "delta 161", "snapshot 171", "delta 172", "delta 175");
    assertThat(feed.counters().resyncs(ResyncReason.SEQUENCE_GAP)).isEqualTo(1);
  }

  @Test
  void futuresBookFollowsThePreviousUpdateIdAndDetectsAGap() {
    Frames.feed(feed, "binance/depth-futures.jsonl");

    assertThat(listener.events).extracting(BinanceFeedTest::sequence)
        .containsExactly("snapshot 395", "delta 400", "delta 410");
    BookSnapshot snapshot = listener.events.get(0).getBookSnapshot();
    assertThat(snapshot.getSymbol()).isEqualTo("BTC-USDT-PERP");
    assertThat(snapshot.getExchangeTimeNs()).isEqualTo(1_700_000_000_049_000_000L);
    assertThat(listener.events.get(2).getBookDelta().getPrevSequence()).isEqualTo(400);
    assertThat(listener.faults()).singleElement().satisfies(resync -> {
      assertThat(resync.reason()).isEqualTo(ResyncReason.SEQUENCE_GAP);
      assertThat(resync.detail()).contains("expected pu=410, got pu=412");
    });
  }

  @Test
  void snapshotOlderThanTheBufferedUpdatesAsksForANewerOne() {
    feed.handle("{\"e\":\"depthUpdate\",\"E\":1,\"s\":\"BTCUSDT\",\"U\":200,\"u\":210,\"b\":[],\"a\":[]}", RECEIVE_NS);
    feed.onDepthSnapshot("BTCUSDT", "{\"lastUpdateId\":150,\"bids\":[],\"asks\":[]}", RECEIVE_NS);

    assertThat(listener.events).isEmpty();
    assertThat(listener.faults()).extracting(RecordingListener.Resync::reason)
        .containsExactly(ResyncReason.STALE_SNAPSHOT);

    feed.onDepthSnapshot("BTCUSDT", "{\"lastUpdateId\":205,\"bids\":[[\"1\",\"2\"]],\"asks\":[]}", RECEIVE_NS);
    assertThat(listener.events).extracting(BinanceFeedTest::sequence).containsExactly("snapshot 205", "delta 210");
  }

  @Test
  void resetBooksMakesTheNextUpdateWaitForASnapshot() {
    Frames.feed(feed, "binance/depth-spot-happy.jsonl");
    listener.clear();

    feed.resetBooks();
    feed.handle("{\"e\":\"depthUpdate\",\"E\":1,\"s\":\"BNBBTC\",\"U\":169,\"u\":170,\"b\":[],\"a\":[]}", RECEIVE_NS);

    assertThat(listener.events).isEmpty();
    assertThat(listener.resyncs).extracting(RecordingListener.Resync::reason).containsExactly(ResyncReason.NO_SNAPSHOT);
    assertThat(feed.booksAwaitingSnapshot()).containsExactly("BNBBTC");
  }

  @Test
  void bookTickersOfBothMarkets() {
    feed.handle(Frames.frame("binance/bookticker-spot.json"), RECEIVE_NS);
    feed.handle(Frames.frame("binance/bookticker-futures.json"), RECEIVE_NS);

    Ticker spot = listener.events.get(0).getTicker();
    assertThat(spot.getSymbol()).isEqualTo("BNB-USDT");
    assertThat(spot.getBidPrice()).isEqualTo("25.35190000");
    assertThat(spot.getBidAmount()).isEqualTo("31.21000000");
    assertThat(spot.getAskPrice()).isEqualTo("25.36520000");
    assertThat(spot.getAskAmount()).isEqualTo("40.66000000");
    assertThat(spot.getExchangeTimeNs()).isZero();
    assertThat(spot.getLastSequence()).isEqualTo(400900217);
    Ticker futures = listener.events.get(1).getTicker();
    assertThat(futures.getSymbol()).isEqualTo("BNB-USDT-PERP");
    assertThat(futures.getExchangeTimeNs()).isEqualTo(1_568_014_460_891_000_000L);
  }

  @Test
  void markPriceUpdateIsAFundingRate() {
    feed.handle(Frames.frame("binance/markprice.json"), RECEIVE_NS);

    assertThat(listener.events.get(0).getFundingRate()).isEqualTo(FundingRate.newBuilder()
        .setExchange("binance")
        .setSymbol("BTC-USDT-PERP")
        .setNativeSymbol("BTCUSDT")
        .setRate("0.00038167")
        .setMarkPrice("11794.15000000")
        .setIndexPrice("11784.62659091")
        .setFundingTimeNs(1_562_306_400_000_000_000L)
        .setExchangeTimeNs(1_562_305_380_000_000_000L)
        .setReceiveTimeNs(RECEIVE_NS)
        .build());
  }

  @Test
  void forceOrderIsALiquidation() {
    feed.handle(Frames.frame("binance/forceorder.json"), RECEIVE_NS);

    assertThat(listener.events.get(0).getLiquidation()).isEqualTo(Liquidation.newBuilder()
        .setExchange("binance")
        .setSymbol("BTC-USDT-PERP")
        .setNativeSymbol("BTCUSDT")
        .setSide(Side.SIDE_SELL)
        .setPrice("9910")
        .setAmount("0.014")
        .setAveragePrice("9910.5")
        .setExchangeTimeNs(1_568_014_460_891_000_000L)
        .setReceiveTimeNs(RECEIVE_NS)
        .build());
  }

  @Test
  void restOpenInterestIsAnOpenInterest() {
    feed.handle(Frames.frame("binance/open-interest.json"), RECEIVE_NS);

    assertThat(listener.events.get(0).getOpenInterest()).isEqualTo(OpenInterest.newBuilder()
        .setExchange("binance")
        .setSymbol("BTC-USDT-PERP")
        .setNativeSymbol("BTCUSDT")
        .setAmount("10659.509")
        .setExchangeTimeNs(1_589_437_530_011_000_000L)
        .setReceiveTimeNs(RECEIVE_NS)
        .build());
  }

  @Test
  void subscriptionAnswersAreSilentControlFrames() {
    for (String line : Frames.lines("binance/control.jsonl")) {
      assertThat(feed.handle(line, RECEIVE_NS)).isEqualTo(FrameOutcome.CONTROL);
    }
    assertThat(listener.events).isEmpty();
    assertThat(listener.rejects).isEmpty();
    assertThat(feed.counters().controlFrames()).isEqualTo(2);
  }

  @Test
  void malformedFramesAreCountedByReasonAndLaterFramesStillParse() {
    String good = Frames.frame("binance/trade-spot-raw.json");
    List<String> bad = List.of(
        "{\"e\":\"trade\",\"s\":\"BNBBTC\"",
        "not json at all",
        "{\"e\":\"trade\",\"E\":1,\"s\":\"BNBBTC\",\"t\":1,\"q\":\"1\",\"T\":1,\"m\":true}",
        "{\"e\":\"trade\",\"E\":1,\"s\":\"BNBBTC\",\"t\":1,\"p\":\"1e5\",\"q\":\"1\",\"T\":1,\"m\":true}",
        "{\"e\":\"trade\",\"E\":1,\"s\":\"BNBBTC\",\"t\":1,\"p\":\"abc\",\"q\":\"1\",\"T\":1,\"m\":true}",
        "{\"e\":\"kline\",\"E\":1,\"s\":\"BNBBTC\"}",
        "{\"e\":\"trade\",\"E\":1,\"s\":\"NOTAPAIR\",\"t\":1,\"p\":\"1\",\"q\":\"1\",\"T\":1,\"m\":true}",
        "{\"e\":\"trade\",\"E\":1,\"s\":\"BNBBTC\",\"t\":1,\"p\":\"1\",\"q\":\"1\",\"T\":\"soon\",\"m\":true}",
        "{\"code\":2,\"msg\":\"Invalid request: unknown property\",\"id\":4}",
        "[1,2,3]");
    for (String frame : bad) {
      assertThat(feed.handle(frame, RECEIVE_NS)).as(frame).isEqualTo(FrameOutcome.REJECTED);
    }
    assertThat(feed.handle(good, RECEIVE_NS)).isEqualTo(FrameOutcome.DATA);

    assertThat(listener.events).hasSize(1);
    assertThat(feed.counters().rejects(RejectReason.MALFORMED_JSON)).isEqualTo(2);
    assertThat(feed.counters().rejects(RejectReason.MISSING_FIELD)).isEqualTo(1);
    assertThat(feed.counters().rejects(RejectReason.BAD_DECIMAL)).isEqualTo(2);
    assertThat(feed.counters().rejects(RejectReason.UNKNOWN_CHANNEL)).isEqualTo(1);
    assertThat(feed.counters().rejects(RejectReason.UNKNOWN_SYMBOL)).isEqualTo(1);
    assertThat(feed.counters().rejects(RejectReason.BAD_NUMBER)).isEqualTo(1);
    assertThat(feed.counters().rejects(RejectReason.EXCHANGE_ERROR)).isEqualTo(1);
    assertThat(feed.counters().rejects(RejectReason.UNEXPECTED_FRAME)).isEqualTo(1);
    assertThat(listener.rejects.get(2).detail()).isEqualTo("missing field \"p\"");
    assertThat(listener.rejects.get(2).sample()).startsWith("{\"e\":\"trade\"");
  }

  private static Level level(String price, String amount) {
    return Level.newBuilder().setPrice(price).setAmount(amount).build();
  }

  private static String sequence(MarketEvent event) {
    return event.hasBookSnapshot()
        ? "snapshot " + event.getBookSnapshot().getLastSequence()
        : "delta " + event.getBookDelta().getLastSequence();
  }
}
