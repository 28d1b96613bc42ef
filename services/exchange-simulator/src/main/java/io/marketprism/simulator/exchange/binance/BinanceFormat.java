package io.marketprism.simulator.exchange.binance;

import io.marketprism.simulator.market.BookSnapshot;
import io.marketprism.simulator.market.Decimals;
import io.marketprism.simulator.market.Exchange;
import io.marketprism.simulator.market.Instrument;
import io.marketprism.simulator.market.Liquidation;
import io.marketprism.simulator.market.MarketStats;
import io.marketprism.simulator.market.Side;
import io.marketprism.simulator.market.Trade;
import java.util.Map;

/**
 * Binance's payloads, field for field: decimals as JSON strings (spot with 8 decimals, futures on the instrument's
 * grid), times in milliseconds, {@code m} true when the buyer was the maker. One instance per instrument. Stateless.
 */
final class BinanceFormat {

  private static final int SPOT_DECIMALS = 8;

  private final Instrument instrument;
  private final boolean futures;

  BinanceFormat(Instrument instrument) {
    this.instrument = instrument;
    this.futures = instrument.exchange() == Exchange.BINANCE_FUTURES;
  }

  boolean futures() {
    return futures;
  }

  StringBuilder price(StringBuilder out, long ticks) {
    long units = instrument.priceUnits(ticks);
    return futures
        ? Decimals.append(out, units, instrument.priceScale(), instrument.priceScale())
        : Decimals.appendPadded(out, units, instrument.priceScale(), SPOT_DECIMALS);
  }

  StringBuilder size(StringBuilder out, long lots) {
    long units = instrument.sizeUnits(lots);
    return futures
        ? Decimals.append(out, units, instrument.sizeScale(), instrument.sizeScale())
        : Decimals.appendPadded(out, units, instrument.sizeScale(), SPOT_DECIMALS);
  }

  private StringBuilder quotedPrice(StringBuilder out, long ticks) {
    return price(out.append('"'), ticks).append('"');
  }

  private StringBuilder quotedSize(StringBuilder out, long lots) {
    return size(out.append('"'), lots).append('"');
  }

  void trade(StringBuilder out, Trade trade, long eventMs) {
    out.append("{\"e\":\"trade\",\"E\":").append(eventMs);
    if (futures) {
      out.append(",\"T\":").append(trade.timeMs());
    }
    out.append(",\"s\":\"").append(instrument.symbol()).append("\",\"t\":").append(trade.id()).append(",\"p\":");
    quotedPrice(out, trade.priceTicks()).append(",\"q\":");
    quotedSize(out, trade.sizeLots());
    if (futures) {
      out.append(",\"X\":\"MARKET\",\"m\":").append(trade.takerSide() == Side.SELL).append('}');
    } else {
      out.append(",\"T\":").append(trade.timeMs()).append(",\"m\":").append(trade.takerSide() == Side.SELL)
          .append(",\"M\":true}");
    }
  }

  /** Each simulated trade fills one order, so it is its own aggregate: {@code a == f == l == t}. */
  void aggTrade(StringBuilder out, Trade trade, long eventMs) {
    out.append("{\"e\":\"aggTrade\",\"E\":").append(eventMs).append(",\"s\":\"").append(instrument.symbol())
        .append("\",\"a\":").append(trade.id()).append(",\"p\":");
    quotedPrice(out, trade.priceTicks()).append(",\"q\":");
    quotedSize(out, trade.sizeLots()).append(",\"f\":").append(trade.id()).append(",\"l\":").append(trade.id())
        .append(",\"T\":").append(trade.timeMs()).append(",\"m\":").append(trade.takerSide() == Side.SELL);
    out.append(futures ? "}" : ",\"M\":true}");
  }

  /** {@code pu} is written for futures only. */
  void depthUpdate(
      StringBuilder out, long eventMs, long firstId, long lastId, long previousLastId,
      Map<Long, Long> bids, Map<Long, Long> asks) {
    out.append("{\"e\":\"depthUpdate\",\"E\":").append(eventMs);
    if (futures) {
      out.append(",\"T\":").append(eventMs);
    }
    out.append(",\"s\":\"").append(instrument.symbol()).append("\",\"U\":").append(firstId).append(",\"u\":")
        .append(lastId);
    if (futures) {
      out.append(",\"pu\":").append(previousLastId);
    }
    out.append(",\"b\":");
    levels(out, bids);
    out.append(",\"a\":");
    levels(out, asks);
    out.append('}');
  }

  private void levels(StringBuilder out, Map<Long, Long> levels) {
    out.append('[');
    boolean first = true;
    for (Map.Entry<Long, Long> level : levels.entrySet()) {
      out.append(first ? "[" : ",[");
      first = false;
      quotedPrice(out, level.getKey()).append(',');
      quotedSize(out, level.getValue()).append(']');
    }
    out.append(']');
  }

  void bookTicker(StringBuilder out, long updateId, MarketStats.View top, long eventMs) {
    if (futures) {
      out.append("{\"e\":\"bookTicker\",\"u\":").append(updateId).append(",\"E\":").append(eventMs)
          .append(",\"T\":").append(eventMs).append(',');
    } else {
      out.append("{\"u\":").append(updateId).append(',');
    }
    out.append("\"s\":\"").append(instrument.symbol()).append("\",\"b\":");
    quotedPrice(out, top.bidTicks()).append(",\"B\":");
    quotedSize(out, top.bidLots()).append(",\"a\":");
    quotedPrice(out, top.askTicks()).append(",\"A\":");
    quotedSize(out, top.askLots()).append('}');
  }

  /** Funding settles every 8 hours on the hour (00:00, 08:00, 16:00 UTC). */
  void markPrice(StringBuilder out, MarketStats.View stats, long eventMs) {
    long eightHours = 8 * 3_600_000L;
    long nextFunding = (eventMs / eightHours + 1) * eightHours;
    out.append("{\"e\":\"markPriceUpdate\",\"E\":").append(eventMs).append(",\"s\":\"").append(instrument.symbol())
        .append("\",\"p\":");
    quotedPrice(out, stats.markTicks()).append(",\"i\":");
    quotedPrice(out, stats.indexTicks()).append(",\"P\":");
    quotedPrice(out, stats.markTicks()).append(",\"r\":\"");
    Decimals.append(out, stats.fundingRate(), MarketStats.FUNDING_SCALE, MarketStats.FUNDING_SCALE)
        .append("\",\"T\":").append(nextFunding).append('}');
  }

  void forceOrder(StringBuilder out, Liquidation liquidation, long eventMs) {
    out.append("{\"e\":\"forceOrder\",\"E\":").append(eventMs).append(",\"o\":{\"s\":\"").append(instrument.symbol())
        .append("\",\"S\":\"").append(liquidation.side()).append("\",\"o\":\"LIMIT\",\"f\":\"IOC\",\"q\":");
    quotedSize(out, liquidation.sizeLots()).append(",\"p\":");
    quotedPrice(out, liquidation.priceTicks()).append(",\"ap\":");
    quotedPrice(out, liquidation.priceTicks()).append(",\"X\":\"FILLED\",\"l\":");
    quotedSize(out, liquidation.sizeLots()).append(",\"z\":");
    quotedSize(out, liquidation.sizeLots()).append(",\"T\":").append(liquidation.timeMs()).append("}}");
  }

  /** The REST depth snapshot: {@code lastUpdateId}, and for futures {@code E}/{@code T}. */
  String depthSnapshot(BookSnapshot book, long nowMs) {
    StringBuilder out = new StringBuilder(4096);
    out.append("{\"lastUpdateId\":").append(book.sequence());
    if (futures) {
      out.append(",\"E\":").append(nowMs).append(",\"T\":").append(book.timeMs());
    }
    out.append(",\"bids\":");
    snapshotSide(out, book.bidPrices(), book.bidSizes());
    out.append(",\"asks\":");
    snapshotSide(out, book.askPrices(), book.askSizes());
    return out.append('}').toString();
  }

  private void snapshotSide(StringBuilder out, long[] prices, long[] sizes) {
    out.append('[');
    for (int i = 0; i < prices.length; i++) {
      out.append(i == 0 ? "[" : ",[");
      quotedPrice(out, prices[i]).append(',');
      quotedSize(out, sizes[i]).append(']');
    }
    out.append(']');
  }

  String openInterest(MarketStats.View stats, long nowMs) {
    StringBuilder out = new StringBuilder(96).append("{\"openInterest\":");
    quotedSize(out, stats.openInterestLots());
    return out.append(",\"symbol\":\"").append(instrument.symbol()).append("\",\"time\":").append(nowMs).append('}')
        .toString();
  }
}
