package io.marketprism.collector.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.collector.exchange.RecordingListener;
import io.marketprism.collector.exchange.binance.BinanceFeed;
import io.marketprism.collector.exchange.deribit.DeribitFeed;
import io.marketprism.collector.exchange.okx.OkxFeed;
import io.marketprism.marketdata.v1.MarketEvent;
import org.junit.jupiter.api.Test;

/** The benchmarks measure the good path only if their frames normalize without a reject or a gap. */
class BenchFramesTest {
  private final RecordingListener listener = new RecordingListener();

  @Test
  void benchmarkTradeFramesAllNormalize() {
    BenchFrames.binanceTrades().forEach(f -> new BinanceFeed(listener).handle(f, 1));
    BenchFrames.binanceCombinedTrades().forEach(f -> new BinanceFeed(listener).handle(f, 1));
    OkxFeed okx = new OkxFeed(listener);
    BenchFrames.okxTrades().forEach(f -> okx.handle(f, 1));
    DeribitFeed deribit = new DeribitFeed(listener);
    BenchFrames.deribitTrades().forEach(f -> deribit.handle(f, 1));

    assertThat(listener.rejects).isEmpty();
    assertThat(listener.events).hasSize(4 * BenchFrames.COUNT).allMatch(MarketEvent::hasTrade);
  }

  @Test
  void benchmarkDepthUpdatesFollowEachOtherWithoutGaps() {
    BinanceFeed feed = new BinanceFeed(listener);
    feed.onDepthSnapshot("BTCUSDT", BenchFrames.binanceDepthSnapshot(), 1);
    BenchFrames.binanceDepthUpdates().forEach(f -> feed.handle(f, 1));

    assertThat(listener.rejects).isEmpty();
    assertThat(listener.faults()).isEmpty();
    assertThat(listener.events).hasSize(1 + BenchFrames.COUNT);
  }
}
