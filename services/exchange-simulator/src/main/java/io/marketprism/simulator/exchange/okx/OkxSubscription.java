package io.marketprism.simulator.exchange.okx;

import io.marketprism.simulator.fault.FaultInjector;
import io.marketprism.simulator.feed.WebSocketConnection;
import io.marketprism.simulator.market.BookChange;
import io.marketprism.simulator.market.BookSnapshot;
import io.marketprism.simulator.market.BookUpdate;
import io.marketprism.simulator.market.Liquidation;
import io.marketprism.simulator.market.Market;
import io.marketprism.simulator.market.MarketListener;
import io.marketprism.simulator.market.MarketStats;
import io.marketprism.simulator.market.Side;
import io.marketprism.simulator.market.Trade;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One OKX channel a client subscribed to, for one instrument (or, for {@code liquidation-orders}, for every swap).
 *
 * <p>{@code books}: a snapshot of the whole book when added, then every 100 ms an {@code update} with the levels that
 * changed, {@code prevSeqId} = the previous push's {@code seqId}, and the checksum of the resulting top 25 levels.
 * The sequence-gap fault withholds an update; the bad-checksum fault corrupts one.
 *
 * <p>Confined to the market clock's thread, except {@link #sendSnapshot}, which runs under the market's lock.
 */
final class OkxSubscription implements MarketListener {

  /** Levels in a {@code books} snapshot (OKX sends up to 400; the simulated book has fewer). */
  private static final int SNAPSHOT_DEPTH = 400;

  private final OkxChannel channel;
  private final String arg;
  private final WebSocketConnection connection;
  private final FaultInjector faults;
  private final StringBuilder frame = new StringBuilder(512);

  private final Map<Long, Long> bids = new TreeMap<>(Collections.reverseOrder());
  private final Map<Long, Long> asks = new TreeMap<>();
  private long lastSeqId = -1;
  private long pendingSeqId = -1;

  private long sentBid = -1;
  private long sentAsk = -1;
  private long sentBidLots = -1;
  private long sentAskLots = -1;
  private long tickerSeq = -1;
  private long tickerVolume = -1;

  OkxSubscription(OkxChannel channel, String arg, WebSocketConnection connection, FaultInjector faults) {
    this.channel = channel;
    this.arg = arg;
    this.connection = connection;
    this.faults = faults;
  }

  /** For {@code books}: the initial snapshot. Runs under the market's lock, just before the listener is added. */
  void sendSnapshot(Market market) {
    if (channel != OkxChannel.BOOKS) {
      return;
    }
    BookSnapshot book = market.snapshot(SNAPSHOT_DEPTH);
    Map<Long, Long> allBids = new LinkedHashMap<>();
    Map<Long, Long> allAsks = new LinkedHashMap<>();
    for (int i = 0; i < book.bidCount(); i++) {
      allBids.put(book.bidPrices()[i], book.bidSizes()[i]);
    }
    for (int i = 0; i < book.askCount(); i++) {
      allAsks.put(book.askPrices()[i], book.askSizes()[i]);
    }
    frame.setLength(0);
    format(market).books(frame, arg, true, allBids, allAsks, book.timeMs(), -1, book.sequence(), book, false);
    connection.sendData(frame);
    lastSeqId = book.sequence();
  }

  private static OkxFormat format(Market market) {
    return new OkxFormat(market.instrument());
  }

  @Override
  public void onTrade(Market market, Trade trade) {
    if (channel == OkxChannel.TRADES) {
      frame.setLength(0);
      format(market).trade(frame, arg, trade);
      connection.sendData(frame);
    }
  }

  @Override
  public void onBookUpdate(Market market, BookUpdate update) {
    if (channel == OkxChannel.BOOKS) {
      for (BookChange change : update.changes()) {
        (change.side() == Side.BUY ? bids : asks).put(change.priceTicks(), change.sizeLots());
      }
      pendingSeqId = update.sequence();
    } else if (channel == OkxChannel.BBO_TBT) {
      MarketStats.View top = market.stats();
      if (top.bidTicks() != sentBid || top.askTicks() != sentAsk || top.bidLots() != sentBidLots
          || top.askLots() != sentAskLots) {
        sentBid = top.bidTicks();
        sentAsk = top.askTicks();
        sentBidLots = top.bidLots();
        sentAskLots = top.askLots();
        frame.setLength(0);
        format(market).bbo(frame, arg, top, update.sequence());
        connection.sendData(frame);
      }
    }
  }

  @Override
  public void onLiquidation(Market market, Liquidation liquidation) {
    if (channel == OkxChannel.LIQUIDATION_ORDERS) {
      frame.setLength(0);
      format(market).liquidation(frame, arg, liquidation);
      connection.sendData(frame);
    }
  }

  @Override
  public void onTimer(Market market, long nowMs, long tick) {
    switch (channel) {
      case BOOKS -> pushBookUpdate(market, nowMs);
      case TICKERS -> {
        MarketStats.View stats = market.stats();
        long sequence = market.sequence();
        if (sequence != tickerSeq || stats.volumeLots() != tickerVolume) {
          tickerSeq = sequence;
          tickerVolume = stats.volumeLots();
          frame.setLength(0);
          format(market).ticker(frame, arg, stats);
          connection.sendData(frame);
        }
      }
      case FUNDING_RATE -> {
        if (tick % 30 == 0) {
          frame.setLength(0);
          format(market).fundingRate(frame, arg, market.stats());
          connection.sendData(frame);
        }
      }
      case OPEN_INTEREST -> {
        if (tick % 30 == 0) {
          frame.setLength(0);
          format(market).openInterest(frame, arg, market.stats());
          connection.sendData(frame);
        }
      }
      default -> {}
    }
  }

  private void pushBookUpdate(Market market, long nowMs) {
    if (pendingSeqId < 0) {
      return;
    }
    if (!faults.sequenceGap()) {
      frame.setLength(0);
      format(market)
          .books(frame, arg, false, bids, asks, nowMs, lastSeqId, pendingSeqId, market.snapshot(OkxChecksum.DEPTH),
              faults.badChecksum());
      connection.sendData(frame);
    }
    lastSeqId = pendingSeqId;
    pendingSeqId = -1;
    bids.clear();
    asks.clear();
  }
}
