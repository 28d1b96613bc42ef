package io.marketprism.collector.exchange.deribit;

import static io.marketprism.collector.exchange.Frames.RECEIVE_NS;
import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;

class DeribitFeedTest {
  private final RecordingListener listener = new RecordingListener();
  private final DeribitFeed feed = new DeribitFeed(listener);

  @Test
  void tradeNumbersKeepTheirLiteralTextAndExponentsBecomePlainDecimals() {
    feed.handle(Frames.frame("deribit/trades.json"), RECEIVE_NS);

    assertThat(listener.events).extracting(MarketEvent::getTrade).containsExactly(
        Trade.newBuilder().setExchange("deribit").setSymbol("BTC-USD-PERP").setNativeSymbol("BTC-PERPETUAL")
            .setTradeId("48079254").setSide(Side.SIDE_SELL)
            // 42219.90000001 would be 42219.90000000999... through a double; "10.0" keeps its zero.
            .setPrice("42219.90000001").setAmount("10.0")
            .setExchangeTimeNs(1_590_484_156_350_000_000L).setReceiveTimeNs(RECEIVE_NS).build(),
        Trade.newBuilder().setExchange("deribit").setSymbol("BTC-USD-PERP").setNativeSymbol("BTC-PERPETUAL")
            .setTradeId("48079255").setSide(Side.SIDE_BUY)
            .setPrice("8950").setAmount("0.00001")
            .setExchangeTimeNs(1_590_484_156_351_000_000L).setReceiveTimeNs(RECEIVE_NS).build());
  }

  @Test
  void liquidatedMakerGivesALiquidationOnTheMakersSide() {
    feed.handle(Frames.frame("deribit/trade-option-liquidation.json"), RECEIVE_NS);

    assertThat(listener.events).hasSize(2);
    Trade trade = listener.events.get(0).getTrade();
    assertThat(trade.getSymbol()).isEqualTo("BTC-USD-20261225-100000-C");
    assertThat(trade.getPrice()).isEqualTo("0.0150");
    assertThat(listener.events.get(1).getLiquidation()).isEqualTo(Liquidation.newBuilder()
        .setExchange("deribit").setSymbol("BTC-USD-20261225-100000-C").setNativeSymbol("BTC-25DEC26-100000-C")
        // The taker bought; the liquidated maker's order was the sell.
        .setSide(Side.SIDE_SELL).setPrice("0.0150").setAmount("2.5").setOrderId("ETH-34066")
        .setExchangeTimeNs(1_590_484_156_350_000_000L).setReceiveTimeNs(RECEIVE_NS).build());
  }

  @Test
  void syncsBookFromSnapshotAndFollowsChangeIds() {
    Frames.feed(feed, "deribit/book-happy.jsonl");

    assertThat(listener.rejects).isEmpty();
    assertThat(listener.resyncs).isEmpty();
    assertThat(listener.events).hasSize(2);
    BookSnapshot snapshot = listener.events.get(0).getBookSnapshot();
    assertThat(snapshot.getSymbol()).isEqualTo("BTC-USD-PERP");
    assertThat(snapshot.getLastSequence()).isEqualTo(297217);
    assertThat(snapshot.getBidsList()).containsExactly(level("5042.34", "30"), level("5041.94", "20"));
    BookDelta delta = listener.events.get(1).getBookDelta();
    assertThat(delta.getPrevSequence()).isEqualTo(297217);
    assertThat(delta.getLastSequence()).isEqualTo(297218);
    assertThat(delta.getBidsList()).containsExactly(level("5041.94", "0"));
    assertThat(delta.getAsksList()).containsExactly(level("5042.64", "50"), level("5044.0", "150"));
  }

  @Test
  void resyncsBookAfterChangeIdGapAndWaitsForTheNextSnapshot() {
    Frames.feed(feed, "deribit/book-gap.jsonl");

    assertThat(listener.faults()).singleElement().satisfies(resync -> {
      assertThat(resync.reason()).isEqualTo(ResyncReason.SEQUENCE_GAP);
      assertThat(resync.nativeSymbol()).isEqualTo("BTC-PERPETUAL");
      assertThat(resync.detail()).contains("expected prev_change_id 297217, got 297219");
    });
    assertThat(listener.events).extracting(MarketEvent::getEventCase)
        .containsExactly(MarketEvent.EventCase.BOOK_SNAPSHOT, MarketEvent.EventCase.BOOK_SNAPSHOT);
    assertThat(listener.events.get(1).getBookSnapshot().getLastSequence()).isEqualTo(297300);
  }

  @Test
  void perpetualTickerGivesTickerFundingAndOpenInterest() {
    feed.handle(Frames.frame("deribit/ticker.json"), RECEIVE_NS);

    long time = 1_623_060_194_301_000_000L;
    assertThat(listener.events).containsExactly(
        MarketEvent.newBuilder().setTicker(Ticker.newBuilder().setExchange("deribit").setSymbol("BTC-USD-PERP")
            .setNativeSymbol("BTC-PERPETUAL").setBidPrice("36443.0").setBidAmount("5000.0").setAskPrice("36443.5")
            .setAskAmount("100.0").setLastPrice("36457.5").setExchangeTimeNs(time).setReceiveTimeNs(RECEIVE_NS))
            .build(),
        MarketEvent.newBuilder().setFundingRate(FundingRate.newBuilder().setExchange("deribit")
            .setSymbol("BTC-USD-PERP").setNativeSymbol("BTC-PERPETUAL").setRate("0.00001")
            .setMarkPrice("36446.51").setIndexPrice("36441.64").setExchangeTimeNs(time)
            .setReceiveTimeNs(RECEIVE_NS)).build(),
        MarketEvent.newBuilder().setOpenInterest(OpenInterest.newBuilder().setExchange("deribit")
            .setSymbol("BTC-USD-PERP").setNativeSymbol("BTC-PERPETUAL").setAmount("593876740")
            .setExchangeTimeNs(time).setReceiveTimeNs(RECEIVE_NS)).build());
  }

  @Test
  void quoteOfADatedFutureIsATicker() {
    feed.handle(Frames.frame("deribit/quote.json"), RECEIVE_NS);

    Ticker ticker = listener.events.get(0).getTicker();
    assertThat(ticker.getSymbol()).isEqualTo("BTC-USD-20261225");
    assertThat(ticker.getBidPrice()).isEqualTo("3914.97");
    assertThat(ticker.getAskAmount()).isEqualTo("50");
  }

  @Test
  void subscribeResultsAndHeartbeatsAreSilentControlFrames() {
    for (String line : Frames.lines("deribit/control.jsonl")) {
      assertThat(feed.handle(line, RECEIVE_NS)).as(line).isEqualTo(FrameOutcome.CONTROL);
    }
    assertThat(listener.events).isEmpty();
    assertThat(listener.rejects).isEmpty();
  }

  @Test
  void testRequestAsksTheConnectionToAnswer() {
    assertThat(feed.handle(Frames.frame("deribit/test-request.json"), RECEIVE_NS))
        .isEqualTo(FrameOutcome.TEST_REQUEST);
    assertThat(listener.events).isEmpty();
  }

  @Test
  void jsonRpcErrorIsCountedAsAnExchangeError() {
    feed.handle(Frames.frame("deribit/error.json"), RECEIVE_NS);

    assertThat(listener.rejects).singleElement().satisfies(reject -> {
      assertThat(reject.reason()).isEqualTo(RejectReason.EXCHANGE_ERROR);
      assertThat(reject.detail()).isEqualTo("exchange error 11050: bad_request");
    });
  }

  @Test
  void malformedFramesAreRejectedAndLaterFramesStillParse() {
    feed.handle("{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{\"channel\":\"trades.BTC-PERPETUAL.raw\","
        + "\"data\":[{\"trade_id\":\"1\",\"timestamp\":1,\"price\":42", RECEIVE_NS);
    feed.handle("{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{\"channel\":\"trades.BTC-PERPETUAL.raw\","
        + "\"data\":[{\"trade_id\":\"1\",\"timestamp\":1,\"price\":true,\"amount\":1,\"direction\":\"buy\","
        + "\"instrument_name\":\"BTC-PERPETUAL\"}]}}", RECEIVE_NS);
    feed.handle("{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{\"channel\":\"trades.BTC-PERPETUAL.raw\","
        + "\"data\":[{\"trade_id\":\"1\",\"timestamp\":1,\"price\":1,\"amount\":1,"
        + "\"instrument_name\":\"BTC-PERPETUAL\"}]}}", RECEIVE_NS);
    feed.handle("{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{\"channel\":\"book.BTC-PERPETUAL.none.10.100ms\","
        + "\"data\":{}}}", RECEIVE_NS);
    feed.handle("{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{\"channel\":\"trades.BTC-FS-27DEC26_PERP.raw\","
        + "\"data\":[{\"trade_id\":\"1\",\"timestamp\":1,\"price\":1,\"amount\":1,\"direction\":\"buy\","
        + "\"instrument_name\":\"BTC-FS-27DEC26_PERP\"}]}}", RECEIVE_NS);
    feed.handle(Frames.frame("deribit/trades.json"), RECEIVE_NS);

    assertThat(listener.rejects).extracting(r -> r.reason()).containsExactly(RejectReason.MALFORMED_JSON,
        RejectReason.BAD_DECIMAL, RejectReason.MISSING_FIELD, RejectReason.UNKNOWN_CHANNEL,
        RejectReason.UNKNOWN_SYMBOL);
    assertThat(listener.events).hasSize(2);
  }

  private static Level level(String price, String amount) {
    return Level.newBuilder().setPrice(price).setAmount(amount).build();
  }

  @Test
  void dataBeforeChannelIsStillRead() {
    feed.handle("{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{\"data\":[{\"trade_id\":\"5\","
        + "\"timestamp\":1590484156350,\"price\":42219.90000001,\"amount\":1e-05,\"direction\":\"buy\","
        + "\"instrument_name\":\"BTC-PERPETUAL\"}],\"channel\":\"trades.BTC-PERPETUAL.100ms\"}}", RECEIVE_NS);

    assertThat(listener.rejects).isEmpty();
    // Replayed numbers keep their exact value too.
    assertThat(listener.events).singleElement().satisfies(e -> {
      assertThat(e.getTrade().getPrice()).isEqualTo("42219.90000001");
      assertThat(e.getTrade().getAmount()).isEqualTo("0.00001");
    });
  }
}
