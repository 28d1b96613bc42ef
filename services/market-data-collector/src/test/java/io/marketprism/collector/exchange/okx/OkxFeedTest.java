package io.marketprism.collector.exchange.okx;

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
import io.marketprism.marketdata.v1.Liquidation;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.OpenInterest;
import io.marketprism.marketdata.v1.Side;
import io.marketprism.marketdata.v1.Ticker;
import io.marketprism.marketdata.v1.Trade;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class OkxFeedTest {
  private final RecordingListener listener = new RecordingListener();
  private final OkxFeed feed = new OkxFeed(listener);

  @Test
  void tradesOfOnePushBecomeTradesInOrder() {
    feed.handle(Frames.frame("okx/trades.json"), RECEIVE_NS);

    assertThat(listener.events).extracting(MarketEvent::getTrade).containsExactly(
        Trade.newBuilder().setExchange("okx").setSymbol("BTC-USDT").setNativeSymbol("BTC-USDT")
            .setTradeId("130639474").setSide(Side.SIDE_BUY).setPrice("42219.9").setAmount("0.12060306")
            .setExchangeTimeNs(1_630_048_897_897_000_000L).setReceiveTimeNs(RECEIVE_NS).build(),
        Trade.newBuilder().setExchange("okx").setSymbol("BTC-USDT").setNativeSymbol("BTC-USDT")
            .setTradeId("130639475").setSide(Side.SIDE_SELL).setPrice("42219.8").setAmount("0.001")
            .setExchangeTimeNs(1_630_048_897_898_000_000L).setReceiveTimeNs(RECEIVE_NS).build());
  }

  @Test
  void swapTradeIsAPerpetualCountedInContracts() {
    feed.handle(Frames.frame("okx/trade-swap.json"), RECEIVE_NS);

    Trade trade = listener.events.get(0).getTrade();
    assertThat(trade.getSymbol()).isEqualTo("BTC-USDT-PERP");
    assertThat(trade.getNativeSymbol()).isEqualTo("BTC-USDT-SWAP");
    assertThat(trade.getAmount()).isEqualTo("12");
  }

  @Test
  void fixtureChecksumsFollowTheDocumentedAlgorithm() {
    // OKX's own example: bids [3366.1, 7], asks [3366.8, 9], [3368, 8], [3372, 8].
    assertThat(crc("3366.1:7:3366.8:9:3368:8:3372:8")).isEqualTo(831078360);
    // The books fixtures: top levels interleaved bid:ask, the longer side continuing alone.
    assertThat(crc("8476.98:415:8476.99:0.8:8475.55:101:8477.1:5:8478:3")).isEqualTo(-2106650707);
    assertThat(crc("8475.55:101:8476.99:0.8:8477.1:7:8478:3")).isEqualTo(1254749871);
    assertThat(crc("8476.5:2:8476.99:0.8:8475.55:101:8477.1:7:8478:3")).isEqualTo(87845770);
  }

  @Test
  void syncsBookFromSnapshotAndVerifiesEveryChecksum() {
    Frames.feed(feed, "okx/books-happy.jsonl");

    assertThat(listener.rejects).isEmpty();
    assertThat(listener.resyncs).isEmpty();
    // The keep-alive update (seqId == prevSeqId, no levels) is accepted and publishes nothing.
    assertThat(listener.events).extracting(MarketEvent::getEventCase).containsExactly(
        MarketEvent.EventCase.BOOK_SNAPSHOT, MarketEvent.EventCase.BOOK_DELTA, MarketEvent.EventCase.BOOK_DELTA);
    BookSnapshot snapshot = listener.events.get(0).getBookSnapshot();
    assertThat(snapshot.getSymbol()).isEqualTo("BTC-USDT");
    assertThat(snapshot.getLastSequence()).isEqualTo(100);
    assertThat(snapshot.getChecksum()).isEqualTo(-2106650707);
    assertThat(snapshot.getDepth()).isEqualTo(400);
    assertThat(snapshot.getExchangeTimeNs()).isEqualTo(1_597_026_383_085_000_000L);
    BookDelta first = listener.events.get(1).getBookDelta();
    assertThat(first.getPrevSequence()).isEqualTo(100);
    assertThat(first.getLastSequence()).isEqualTo(101);
    assertThat(first.hasFirstSequence()).isFalse();
    assertThat(first.getChecksum()).isEqualTo(1254749871);
    BookDelta last = listener.events.get(2).getBookDelta();
    assertThat(last.getPrevSequence()).isEqualTo(101);
    assertThat(last.getLastSequence()).isEqualTo(102);
  }

  @Test
  void checksumMismatchRequestsResyncAndPublishesNothingUntilANewSnapshot() {
    Frames.feed(feed, "okx/books-bad-checksum.jsonl");

    assertThat(listener.faults()).singleElement().satisfies(resync -> {
      assertThat(resync.reason()).isEqualTo(ResyncReason.CHECKSUM_MISMATCH);
      assertThat(resync.nativeSymbol()).isEqualTo("BTC-USDT");
      assertThat(resync.detail()).contains("checksum 123456789 from OKX, 1254749871 computed");
    });
    // The bad update and the (good-looking) one after it are withheld; the new snapshot re-syncs.
    assertThat(listener.events).extracting(e -> e.getEventCase() + " " + sequenceOf(e)).containsExactly(
        "BOOK_SNAPSHOT 100", "BOOK_SNAPSHOT 200");
    assertThat(feed.counters().resyncs(ResyncReason.CHECKSUM_MISMATCH)).isEqualTo(1);
  }

  @Test
  void booksWithoutSequenceIdsAreValidatedByTheirChecksumAlone() {
    // OKX's frames from before seqId/prevSeqId existed (2023 and earlier recordings)
    Frames.feed(feed, "okx/books-legacy-happy.jsonl");

    assertThat(listener.rejects).isEmpty();
    assertThat(listener.resyncs).isEmpty();
    assertThat(listener.events).extracting(MarketEvent::getEventCase).containsExactly(
        MarketEvent.EventCase.BOOK_SNAPSHOT, MarketEvent.EventCase.BOOK_DELTA, MarketEvent.EventCase.BOOK_DELTA);
    BookSnapshot snapshot = listener.events.get(0).getBookSnapshot();
    assertThat(snapshot.hasLastSequence()).isFalse();
    assertThat(snapshot.getChecksum()).isEqualTo(-2106650707);
    BookDelta first = listener.events.get(1).getBookDelta();
    assertThat(first.hasLastSequence()).isFalse();
    assertThat(first.hasPrevSequence()).isFalse();
    assertThat(first.getChecksum()).isEqualTo(1254749871);
    assertThat(first.getAsksList()).extracting(l -> l.getPrice() + "@" + l.getAmount()).containsExactly("8477.1@7");
    assertThat(listener.events.get(2).getBookDelta().getChecksum()).isEqualTo(87845770);
  }

  @Test
  void checksumMismatchWithoutSequenceIdsResyncsAndPublishesNothingUntilANewSnapshot() {
    Frames.feed(feed, "okx/books-legacy-bad-checksum.jsonl");

    assertThat(listener.faults()).singleElement().satisfies(resync -> {
      assertThat(resync.reason()).isEqualTo(ResyncReason.CHECKSUM_MISMATCH);
      assertThat(resync.detail()).contains("checksum 123456789 from OKX, 1254749871 computed (frame without seqId)");
    });
    assertThat(listener.events).extracting(e -> e.getEventCase() + " " + e.getBookSnapshot().getExchangeTimeNs())
        .containsExactly("BOOK_SNAPSHOT 1597026383085000000", "BOOK_SNAPSHOT 1597026383485000000");
    assertThat(feed.counters().resyncs(ResyncReason.CHECKSUM_MISMATCH)).isEqualTo(1);
  }

  @Test
  void aBookFrameWithNeitherSequenceIdsNorChecksumIsRejected() {
    String snapshot = Frames.lines("okx/books-legacy-happy.jsonl").get(1).replaceAll(",\"checksum\":-?\\d+", "");
    feed.handle(snapshot, RECEIVE_NS);

    assertThat(listener.events).isEmpty();
    assertThat(listener.rejects).singleElement().satisfies(reject -> {
      assertThat(reject.reason()).isEqualTo(RejectReason.MISSING_FIELD);
      assertThat(reject.detail()).contains("missing field \"seqId\"");
    });
  }

  @Test
  void resyncsBookAfterSequenceGap() {
    Frames.feed(feed, "okx/books-gap.jsonl");

    assertThat(listener.faults()).singleElement().satisfies(resync -> {
      assertThat(resync.reason()).isEqualTo(ResyncReason.SEQUENCE_GAP);
      assertThat(resync.detail()).contains("expected prevSeqId 100, got 99");
    });
    assertThat(listener.events).extracting(MarketEvent::getEventCase)
        .containsExactly(MarketEvent.EventCase.BOOK_SNAPSHOT);
  }

  @Test
  void updateBeforeAnySnapshotIsSkippedAndReportedOnce() {
    String update = Frames.lines("okx/books-happy.jsonl").get(2);
    feed.handle(update, RECEIVE_NS);
    feed.handle(update, RECEIVE_NS);

    assertThat(listener.events).isEmpty();
    assertThat(listener.resyncs).extracting(RecordingListener.Resync::reason).containsExactly(ResyncReason.NO_SNAPSHOT);
  }

  @Test
  void tickersAndBboBecomeTickers() {
    feed.handle(Frames.frame("okx/tickers.json"), RECEIVE_NS);
    feed.handle(Frames.frame("okx/bbo-tbt.json"), RECEIVE_NS);

    assertThat(listener.events.get(0).getTicker()).isEqualTo(Ticker.newBuilder()
        .setExchange("okx").setSymbol("BTC-USDT").setNativeSymbol("BTC-USDT")
        .setBidPrice("8888.88").setBidAmount("5").setAskPrice("9999.99").setAskAmount("11")
        .setLastPrice("9999.99").setExchangeTimeNs(1_597_026_383_085_000_000L).setReceiveTimeNs(RECEIVE_NS).build());
    Ticker bbo = listener.events.get(1).getTicker();
    assertThat(bbo.getSymbol()).isEqualTo("BCH-USDT-PERP");
    assertThat(bbo.getBidPrice()).isEqualTo("111.05");
    assertThat(bbo.getBidAmount()).isEqualTo("57745");
    assertThat(bbo.getAskPrice()).isEqualTo("111.06");
    assertThat(bbo.getLastSequence()).isEqualTo(363996337);
  }

  @Test
  void fundingRateOfAnInverseSwap() {
    feed.handle(Frames.frame("okx/funding-rate.json"), RECEIVE_NS);

    assertThat(listener.events.get(0).getFundingRate()).isEqualTo(FundingRate.newBuilder()
        .setExchange("okx").setSymbol("BTC-USD-PERP").setNativeSymbol("BTC-USD-SWAP")
        .setRate("0.0001875391284828").setNextRate("")
        .setFundingTimeNs(1_700_726_400_000_000_000L).setNextFundingTimeNs(1_700_755_200_000_000_000L)
        .setExchangeTimeNs(1_700_724_675_402_000_000L).setReceiveTimeNs(RECEIVE_NS).build());
  }

  @Test
  void liquidationOrderDetailsBecomeLiquidations() {
    feed.handle(Frames.frame("okx/liquidation-orders.json"), RECEIVE_NS);

    assertThat(listener.events).extracting(MarketEvent::getLiquidation).containsExactly(Liquidation.newBuilder()
        .setExchange("okx").setSymbol("IOST-USDT-PERP").setNativeSymbol("IOST-USDT-SWAP")
        .setSide(Side.SIDE_BUY).setPrice("0.007831").setAmount("13")
        .setExchangeTimeNs(1_692_266_434_010_000_000L).setReceiveTimeNs(RECEIVE_NS).build());
  }

  @Test
  void openInterestInContractsWithUsdValue() {
    feed.handle(Frames.frame("okx/open-interest.json"), RECEIVE_NS);

    assertThat(listener.events.get(0).getOpenInterest()).isEqualTo(OpenInterest.newBuilder()
        .setExchange("okx").setSymbol("LTC-USD-PERP").setNativeSymbol("LTC-USD-SWAP")
        .setAmount("5000").setValue("50000")
        .setExchangeTimeNs(1_597_026_383_085_000_000L).setReceiveTimeNs(RECEIVE_NS).build());
  }

  @Test
  void pongAndSubscriptionEventsAreSilentControlFrames() {
    for (String line : Frames.lines("okx/control.jsonl")) {
      assertThat(feed.handle(line, RECEIVE_NS)).as(line).isEqualTo(FrameOutcome.CONTROL);
    }
    assertThat(listener.events).isEmpty();
    assertThat(listener.rejects).isEmpty();
  }

  @Test
  void errorEventIsCountedAsAnExchangeError() {
    assertThat(feed.handle(Frames.frame("okx/error.json"), RECEIVE_NS)).isEqualTo(FrameOutcome.REJECTED);

    assertThat(listener.rejects).singleElement().satisfies(reject -> {
      assertThat(reject.reason()).isEqualTo(RejectReason.EXCHANGE_ERROR);
      assertThat(reject.detail()).startsWith("exchange error 60012: Invalid request");
    });
  }

  @Test
  void malformedFramesAreRejectedAndLaterFramesStillParse() {
    feed.handle("{\"arg\":{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"},\"data\":[{\"px\":", RECEIVE_NS);
    feed.handle("{\"arg\":{\"channel\":\"candle1m\",\"instId\":\"BTC-USDT\"},\"data\":[]}", RECEIVE_NS);
    feed.handle("{\"arg\":{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"},\"data\":[{\"instId\":\"BTC-USDT\","
        + "\"tradeId\":\"1\",\"px\":\"1,5\",\"sz\":\"1\",\"side\":\"buy\",\"ts\":\"1\"}]}", RECEIVE_NS);
    feed.handle("{\"arg\":{\"channel\":\"trades\",\"instId\":\"FOO\"},\"data\":[{\"instId\":\"FOO\","
        + "\"tradeId\":\"1\",\"px\":\"1\",\"sz\":\"1\",\"side\":\"buy\",\"ts\":\"1\"}]}", RECEIVE_NS);
    feed.handle(Frames.frame("okx/trades.json"), RECEIVE_NS);

    assertThat(listener.rejects).extracting(r -> r.reason()).containsExactly(RejectReason.MALFORMED_JSON,
        RejectReason.UNKNOWN_CHANNEL, RejectReason.BAD_DECIMAL, RejectReason.UNKNOWN_SYMBOL);
    assertThat(listener.events).hasSize(2);
  }

  @Test
  void dataBeforeArgIsStillRead() {
    feed.handle("{\"data\":[{\"instId\":\"BTC-USDT\",\"tradeId\":\"7\",\"px\":\"1.5\",\"sz\":\"2\",\"side\":\"sell\","
        + "\"ts\":\"1630048897897\"}],\"arg\":{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"}}", RECEIVE_NS);

    assertThat(listener.events).singleElement().satisfies(e -> assertThat(e.getTrade().getTradeId()).isEqualTo("7"));
  }

  private static long sequenceOf(MarketEvent event) {
    return event.hasBookSnapshot() ? event.getBookSnapshot().getLastSequence() : event.getBookDelta().getLastSequence();
  }

  private static int crc(String text) {
    CRC32 crc = new CRC32();
    crc.update(text.getBytes(StandardCharsets.US_ASCII));
    return (int) crc.getValue();
  }
}
