package io.marketprism.simulator.exchange.deribit;

import io.marketprism.simulator.fault.FaultInjector;
import io.marketprism.simulator.feed.WebSocketConnection;
import io.marketprism.simulator.market.BookChange;
import io.marketprism.simulator.market.BookSnapshot;
import io.marketprism.simulator.market.BookUpdate;
import io.marketprism.simulator.market.Market;
import io.marketprism.simulator.market.MarketListener;
import io.marketprism.simulator.market.MarketStats;
import io.marketprism.simulator.market.Side;
import io.marketprism.simulator.market.Trade;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One Deribit channel a client subscribed to.
 *
 * <p>{@code book.*}: a {@code snapshot} when added, then {@code change} notifications whose {@code prev_change_id}
 * is the previous notification's {@code change_id}: one per book update ({@code raw}), or the net effect of 100 ms of
 * updates ({@code 100ms}, a level added and removed within the window is not mentioned). The sequence-gap fault
 * withholds one change. {@code trades.*.100ms} batches the window's trades in one notification. {@code quote.*} and
 * {@code ticker.*.raw} notify whenever the best bid or ask (price or amount) changes.
 *
 * <p>Confined to the market clock's thread, except {@link #sendSnapshot}, which runs under the market's lock.
 */
final class DeribitSubscription implements MarketListener {

  private final DeribitChannel channel;
  private final DeribitFormat format;
  private final WebSocketConnection connection;
  private final FaultInjector faults;
  private final StringBuilder frame = new StringBuilder(512);

  private long lastChangeId = -1;
  private long pendingChangeId = -1;
  /** 100ms book window: price → {existed before the window (1/0), size now}. */
  private final Map<Long, long[]> bids = new TreeMap<>(Collections.reverseOrder());
  private final Map<Long, long[]> asks = new TreeMap<>();
  private final List<Trade> trades = new ArrayList<>();
  private long lastTradeTicks = -1;
  private int lastTickDirection;
  private long sentBid = -1;
  private long sentAsk = -1;
  private long sentBidLots = -1;
  private long sentAskLots = -1;

  DeribitSubscription(DeribitChannel channel, DeribitFormat format, WebSocketConnection connection, FaultInjector faults) {
    this.channel = channel;
    this.format = format;
    this.connection = connection;
    this.faults = faults;
  }

  void sendSnapshot(Market market) {
    if (channel.kind() != DeribitChannel.Kind.BOOK) {
      return;
    }
    BookSnapshot book = market.snapshot(Integer.MAX_VALUE);
    DeribitFormat.notification(frame.delete(0, frame.length()), channel.name())
        .append("{\"type\":\"snapshot\",\"timestamp\":").append(book.timeMs()).append(",\"instrument_name\":\"")
        .append(market.instrument().symbol()).append("\",\"change_id\":").append(book.sequence()).append(",\"bids\":[");
    for (int i = 0; i < book.bidCount(); i++) {
      entry(i > 0, "new", book.bidPrices()[i], book.bidSizes()[i]);
    }
    frame.append("],\"asks\":[");
    for (int i = 0; i < book.askCount(); i++) {
      entry(i > 0, "new", book.askPrices()[i], book.askSizes()[i]);
    }
    frame.append("]}}}");
    connection.sendData(frame);
    lastChangeId = book.sequence();
  }

  private void entry(boolean comma, String action, long priceTicks, long lots) {
    frame.append(comma ? ",[\"" : "[\"").append(action).append("\",");
    format.price(frame, priceTicks).append(',');
    format.amount(frame, lots).append(']');
  }

  @Override
  public void onTrade(Market market, Trade trade) {
    if (channel.kind() != DeribitChannel.Kind.TRADES) {
      return;
    }
    if (channel.raw()) {
      sendTrades(market, List.of(trade));
    } else {
      trades.add(trade);
    }
  }

  private void sendTrades(Market market, List<Trade> batch) {
    MarketStats.View stats = market.stats();
    DeribitFormat.notification(frame.delete(0, frame.length()), channel.name()).append('[');
    for (int i = 0; i < batch.size(); i++) {
      Trade trade = batch.get(i);
      if (i > 0) {
        frame.append(',');
      }
      format.trade(frame, trade, stats, tickDirection(trade.priceTicks()));
    }
    frame.append("]}}");
    connection.sendData(frame);
  }

  private int tickDirection(long priceTicks) {
    if (lastTradeTicks >= 0 && priceTicks != lastTradeTicks) {
      lastTickDirection = priceTicks > lastTradeTicks ? 0 : 2;
    } else if (lastTradeTicks >= 0) {
      lastTickDirection = lastTickDirection == 0 || lastTickDirection == 1 ? 1 : 3;
    }
    lastTradeTicks = priceTicks;
    return lastTickDirection;
  }

  @Override
  public void onBookUpdate(Market market, BookUpdate update) {
    boolean quote = channel.kind() == DeribitChannel.Kind.QUOTE;
    if (quote || (channel.kind() == DeribitChannel.Kind.TICKER && channel.raw())) {
      MarketStats.View top = market.stats();
      if (top.bidTicks() != sentBid || top.askTicks() != sentAsk || top.bidLots() != sentBidLots
          || top.askLots() != sentAskLots) {
        sentBid = top.bidTicks();
        sentAsk = top.askTicks();
        sentBidLots = top.bidLots();
        sentAskLots = top.askLots();
        if (quote) {
          sendQuote(top);
        } else {
          sendTicker(top);
        }
      }
      return;
    }
    if (channel.kind() != DeribitChannel.Kind.BOOK) {
      return;
    }
    if (channel.raw()) {
      if (!faults.sequenceGap()) {
        beginChange(update.timeMs(), update.sequence());
        List<BookChange> changes = update.changes();
        boolean first = true;
        for (BookChange change : changes) {
          if (change.side() == Side.BUY) {
            entry(!first, action(change.kind()), change.priceTicks(), change.sizeLots());
            first = false;
          }
        }
        frame.append("],\"asks\":[");
        first = true;
        for (BookChange change : changes) {
          if (change.side() == Side.SELL) {
            entry(!first, action(change.kind()), change.priceTicks(), change.sizeLots());
            first = false;
          }
        }
        frame.append("]}}}");
        connection.sendData(frame);
      }
      lastChangeId = update.sequence();
      return;
    }
    for (BookChange change : update.changes()) {
      Map<Long, long[]> side = change.side() == Side.BUY ? bids : asks;
      long[] level = side.get(change.priceTicks());
      if (level == null) {
        side.put(change.priceTicks(), new long[] {change.kind() == BookChange.Kind.NEW ? 0 : 1, change.sizeLots()});
      } else {
        level[1] = change.sizeLots();
      }
    }
    pendingChangeId = update.sequence();
  }

  private void beginChange(long timeMs, long changeId) {
    DeribitFormat.notification(frame.delete(0, frame.length()), channel.name())
        .append("{\"type\":\"change\",\"timestamp\":").append(timeMs).append(",\"prev_change_id\":")
        .append(lastChangeId).append(",\"instrument_name\":\"").append(channel.instrument())
        .append("\",\"change_id\":").append(changeId).append(",\"bids\":[");
  }

  private static String action(BookChange.Kind kind) {
    return switch (kind) {
      case NEW -> "new";
      case CHANGE -> "change";
      case DELETE -> "delete";
    };
  }

  @Override
  public void onTimer(Market market, long nowMs, long tick) {
    switch (channel.kind()) {
      case TRADES -> {
        if (!trades.isEmpty()) {
          sendTrades(market, trades);
          trades.clear();
        }
      }
      case TICKER -> {
        if (!channel.raw()) {
          sendTicker(market.stats());
        }
      }
      case BOOK -> {
        if (!channel.raw() && pendingChangeId >= 0) {
          flushBookWindow(nowMs);
        }
      }
      case QUOTE -> {
        // sent on every change of the best levels (onBookUpdate), never on a timer
      }
    }
  }

  private void flushBookWindow(long nowMs) {
    if (!faults.sequenceGap()) {
      beginChange(nowMs, pendingChangeId);
      netChanges(bids);
      frame.append("],\"asks\":[");
      netChanges(asks);
      frame.append("]}}}");
      connection.sendData(frame);
    }
    lastChangeId = pendingChangeId;
    pendingChangeId = -1;
    bids.clear();
    asks.clear();
  }

  private void netChanges(Map<Long, long[]> side) {
    boolean first = true;
    for (Map.Entry<Long, long[]> level : side.entrySet()) {
      boolean existed = level.getValue()[0] == 1;
      long size = level.getValue()[1];
      if (size == 0 && !existed) {
        continue; // added and removed within the window
      }
      entry(!first, size == 0 ? "delete" : existed ? "change" : "new", level.getKey(), size);
      first = false;
    }
  }

  private void sendQuote(MarketStats.View stats) {
    DeribitFormat.notification(frame.delete(0, frame.length()), channel.name());
    format.quote(frame, stats);
    frame.append("}}");
    connection.sendData(frame);
  }

  private void sendTicker(MarketStats.View stats) {
    DeribitFormat.notification(frame.delete(0, frame.length()), channel.name());
    format.ticker(frame, stats);
    frame.append("}}");
    connection.sendData(frame);
  }
}
