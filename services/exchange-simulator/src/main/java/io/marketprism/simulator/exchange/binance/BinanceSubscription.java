package io.marketprism.simulator.exchange.binance;

import io.marketprism.simulator.fault.FaultInjector;
import io.marketprism.simulator.feed.WebSocketConnection;
import io.marketprism.simulator.market.BookChange;
import io.marketprism.simulator.market.BookUpdate;
import io.marketprism.simulator.market.Liquidation;
import io.marketprism.simulator.market.Market;
import io.marketprism.simulator.market.MarketListener;
import io.marketprism.simulator.market.MarketStats;
import io.marketprism.simulator.market.Side;
import io.marketprism.simulator.market.Trade;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One stream a client subscribed to: turns the market's events into that stream's frames.
 *
 * <p>{@code depth} streams aggregate: changes are merged per price until the stream's interval ends, then sent as
 * one {@code depthUpdate} whose {@code U}..{@code u} covers exactly the updates merged, and whose {@code pu}
 * (futures) is the {@code u} of the event before it. The sequence-gap fault withholds one such event.
 *
 * <p>Confined to the market clock's thread (all {@link MarketListener} callbacks), except construction.
 */
final class BinanceSubscription implements MarketListener {

  private final BinanceStreamName stream;
  private final BinanceFormat format;
  private final WebSocketConnection connection;
  private final FaultInjector faults;
  private final boolean combined;
  private final StringBuilder frame = new StringBuilder(512);

  // depth aggregation, clock thread only
  private final Map<Long, Long> bids = new TreeMap<>(Collections.reverseOrder());
  private final Map<Long, Long> asks = new TreeMap<>();
  private long firstId = -1;
  private long lastId;
  private long previousLastId;

  // bookTicker: the top last sent
  private long sentBid = -1;
  private long sentBidLots = -1;
  private long sentAsk = -1;
  private long sentAskLots = -1;

  BinanceSubscription(
      BinanceStreamName stream, BinanceFormat format, WebSocketConnection connection, FaultInjector faults,
      boolean combined) {
    this.stream = stream;
    this.format = format;
    this.connection = connection;
    this.faults = faults;
    this.combined = combined;
  }

  /** Called under the market's lock as the subscription is added: {@code sequence} is the last update before it. */
  void startAfter(long sequence) {
    previousLastId = sequence;
  }

  BinanceStreamName stream() {
    return stream;
  }

  @Override
  public void onTrade(Market market, Trade trade) {
    if (stream.channel() == BinanceStreamName.Channel.TRADE) {
      format.trade(begin(), trade, trade.timeMs());
      send();
    } else if (stream.channel() == BinanceStreamName.Channel.AGG_TRADE) {
      format.aggTrade(begin(), trade, trade.timeMs());
      send();
    }
  }

  @Override
  public void onBookUpdate(Market market, BookUpdate update) {
    if (stream.channel() == BinanceStreamName.Channel.DEPTH) {
      if (firstId < 0) {
        firstId = update.sequence();
      }
      lastId = update.sequence();
      for (BookChange change : update.changes()) {
        (change.side() == Side.BUY ? bids : asks).put(change.priceTicks(), change.sizeLots());
      }
    } else if (stream.channel() == BinanceStreamName.Channel.BOOK_TICKER) {
      MarketStats.View top = market.stats();
      if (top.bidTicks() != sentBid || top.bidLots() != sentBidLots || top.askTicks() != sentAsk
          || top.askLots() != sentAskLots) {
        sentBid = top.bidTicks();
        sentBidLots = top.bidLots();
        sentAsk = top.askTicks();
        sentAskLots = top.askLots();
        format.bookTicker(begin(), update.sequence(), top, update.timeMs());
        send();
      }
    }
  }

  @Override
  public void onLiquidation(Market market, Liquidation liquidation) {
    if (stream.channel() == BinanceStreamName.Channel.FORCE_ORDER) {
      format.forceOrder(begin(), liquidation, liquidation.timeMs());
      send();
    }
  }

  @Override
  public void onTimer(Market market, long nowMs, long tick) {
    if (!due(tick)) {
      return;
    }
    if (stream.channel() == BinanceStreamName.Channel.DEPTH && firstId >= 0) {
      boolean withheld = faults.sequenceGap();
      if (!withheld) {
        format.depthUpdate(begin(), nowMs, firstId, lastId, previousLastId, bids, asks);
        send();
      }
      previousLastId = lastId;
      firstId = -1;
      bids.clear();
      asks.clear();
    } else if (stream.channel() == BinanceStreamName.Channel.MARK_PRICE) {
      format.markPrice(begin(), market.stats(), nowMs);
      send();
    }
  }

  /** Whether an interval boundary fell within the 100 ms ending at {@code tick}. */
  private boolean due(long tick) {
    long interval = stream.intervalMs();
    return interval > 0 && (tick * 100) / interval != ((tick - 1) * 100) / interval;
  }

  private StringBuilder begin() {
    frame.setLength(0);
    if (combined) {
      frame.append("{\"stream\":\"").append(stream.name()).append("\",\"data\":");
    }
    return frame;
  }

  private void send() {
    if (combined) {
      frame.append('}');
    }
    connection.sendData(frame);
  }
}
