package io.marketprism.simulator.exchange.okx;

import io.marketprism.simulator.market.BookSnapshot;
import io.marketprism.simulator.market.Decimals;
import io.marketprism.simulator.market.Instrument;
import io.marketprism.simulator.market.Liquidation;
import io.marketprism.simulator.market.MarketStats;
import io.marketprism.simulator.market.Side;
import io.marketprism.simulator.market.Trade;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OKX v5 public payloads: every number a JSON string without trailing zeros, times as millisecond strings, book
 * levels as {@code [px, sz, "0", numOrders]} (the third element is OKX's deprecated liquidated-orders field).
 * One instance per instrument; stateless.
 */
final class OkxFormat {

  private final Instrument instrument;

  OkxFormat(Instrument instrument) {
    this.instrument = instrument;
  }

  String instType() {
    return instrument.symbol().endsWith("-SWAP") ? "SWAP" : "SPOT";
  }

  String price(long ticks) {
    return instrument.price(new StringBuilder(16), ticks, 0).toString();
  }

  String size(long lots) {
    return instrument.size(new StringBuilder(16), lots, 0).toString();
  }

  /** A plausible order count for a level of {@code lots}; "0" for a deleted level, as OKX sends. */
  private static long orders(long lots) {
    return lots == 0 ? 0 : 1 + lots % 7;
  }

  void trade(StringBuilder out, String arg, Trade trade) {
    out.append("{\"arg\":").append(arg).append(",\"data\":[{\"instId\":\"").append(instrument.symbol())
        .append("\",\"tradeId\":\"").append(trade.id()).append("\",\"px\":\"");
    instrument.price(out, trade.priceTicks(), 0).append("\",\"sz\":\"");
    instrument.size(out, trade.sizeLots(), 0).append("\",\"side\":\"")
        .append(trade.takerSide() == Side.BUY ? "buy" : "sell").append("\",\"ts\":\"").append(trade.timeMs())
        .append("\",\"count\":\"1\"}]}");
  }

  /**
   * A {@code books} push; returns nothing, the checksum is computed from the snapshot's top 25 levels as sent.
   *
   * @param bids changed (or, for a snapshot, all) bid levels, best first
   * @param top the book after this push, for the checksum
   */
  void books(
      StringBuilder out, String arg, boolean snapshot, Map<Long, Long> bids, Map<Long, Long> asks, long timeMs,
      long prevSeqId, long seqId, BookSnapshot top, boolean corruptChecksum) {
    out.append("{\"arg\":").append(arg).append(",\"action\":\"").append(snapshot ? "snapshot" : "update")
        .append("\",\"data\":[{\"asks\":");
    levels(out, asks);
    out.append(",\"bids\":");
    levels(out, bids);
    int checksum = checksum(top);
    if (corruptChecksum) {
      checksum = ~checksum;
    }
    out.append(",\"ts\":\"").append(timeMs).append("\",\"checksum\":").append(checksum).append(",\"prevSeqId\":")
        .append(prevSeqId).append(",\"seqId\":").append(seqId).append("}]}");
  }

  int checksum(BookSnapshot top) {
    return OkxChecksum.of(
        levels(top.bidPrices(), top.bidSizes(), OkxChecksum.DEPTH),
        levels(top.askPrices(), top.askSizes(), OkxChecksum.DEPTH));
  }

  private List<String[]> levels(long[] prices, long[] sizes, int depth) {
    List<String[]> levels = new ArrayList<>(depth);
    for (int i = 0; i < Math.min(depth, prices.length); i++) {
      levels.add(new String[] {price(prices[i]), size(sizes[i])});
    }
    return levels;
  }

  private void levels(StringBuilder out, Map<Long, Long> levels) {
    out.append('[');
    boolean first = true;
    for (Map.Entry<Long, Long> level : levels.entrySet()) {
      out.append(first ? "[\"" : ",[\"");
      first = false;
      instrument.price(out, level.getKey(), 0).append("\",\"");
      instrument.size(out, level.getValue(), 0).append("\",\"0\",\"").append(orders(level.getValue())).append("\"]");
    }
    out.append(']');
  }

  void bbo(StringBuilder out, String arg, MarketStats.View top, long seqId) {
    out.append("{\"arg\":").append(arg).append(",\"data\":[{\"asks\":[[\"");
    instrument.price(out, top.askTicks(), 0).append("\",\"");
    instrument.size(out, top.askLots(), 0).append("\",\"0\",\"").append(orders(top.askLots())).append("\"]],\"bids\":[[\"");
    instrument.price(out, top.bidTicks(), 0).append("\",\"");
    instrument.size(out, top.bidLots(), 0).append("\",\"0\",\"").append(orders(top.bidLots())).append("\"]],\"ts\":\"")
        .append(top.timeMs()).append("\",\"seqId\":").append(seqId).append("}]}");
  }

  void ticker(StringBuilder out, String arg, MarketStats.View s) {
    out.append("{\"arg\":").append(arg).append(",\"data\":[{\"instType\":\"").append(instType())
        .append("\",\"instId\":\"").append(instrument.symbol()).append("\",\"last\":\"");
    instrument.price(out, s.lastTicks(), 0).append("\",\"lastSz\":\"");
    instrument.size(out, s.lastLots(), 0).append("\",\"askPx\":\"");
    instrument.price(out, s.askTicks(), 0).append("\",\"askSz\":\"");
    instrument.size(out, s.askLots(), 0).append("\",\"bidPx\":\"");
    instrument.price(out, s.bidTicks(), 0).append("\",\"bidSz\":\"");
    instrument.size(out, s.bidLots(), 0).append("\",\"open24h\":\"");
    instrument.price(out, s.openTicks(), 0).append("\",\"high24h\":\"");
    instrument.price(out, s.highTicks(), 0).append("\",\"low24h\":\"");
    instrument.price(out, s.lowTicks(), 0).append("\",\"volCcy24h\":\"");
    instrument.size(out, s.volumeLots(), 0).append("\",\"vol24h\":\"");
    instrument.size(out, s.volumeLots(), 0).append("\",\"sodUtc0\":\"");
    instrument.price(out, s.openTicks(), 0).append("\",\"sodUtc8\":\"");
    instrument.price(out, s.openTicks(), 0).append("\",\"ts\":\"").append(s.timeMs()).append("\"}]}");
  }

  /** OKX swaps fund every 8 hours (00:00, 08:00, 16:00 UTC). */
  void fundingRate(StringBuilder out, String arg, MarketStats.View s) {
    long eightHours = 8 * 3_600_000L;
    long fundingTime = (s.timeMs() / eightHours + 1) * eightHours;
    out.append("{\"arg\":").append(arg).append(",\"data\":[{\"fundingRate\":\"");
    Decimals.append(out, s.fundingRate(), MarketStats.FUNDING_SCALE, 0).append("\",\"fundingTime\":\"")
        .append(fundingTime).append("\",\"instId\":\"").append(instrument.symbol())
        .append("\",\"instType\":\"SWAP\",\"method\":\"current_period\",\"maxFundingRate\":\"0.00375\","
            + "\"minFundingRate\":\"-0.00375\",\"nextFundingRate\":\"\",\"nextFundingTime\":\"")
        .append(fundingTime + eightHours).append("\",\"premium\":\"");
    Decimals.append(out, s.fundingRate() / 2, MarketStats.FUNDING_SCALE, 0).append("\",\"ts\":\"")
        .append(s.timeMs()).append("\"}]}");
  }

  void openInterest(StringBuilder out, String arg, MarketStats.View s) {
    out.append("{\"arg\":").append(arg).append(",\"data\":[{\"instId\":\"").append(instrument.symbol())
        .append("\",\"instType\":\"SWAP\",\"oi\":\"");
    instrument.size(out, s.openInterestLots(), 0).append("\",\"oiCcy\":\"");
    instrument.size(out, s.openInterestLots(), 0).append("\",\"oiUsd\":\"");
    // every few seconds only, so exact BigDecimal arithmetic is affordable here
    java.math.BigDecimal usd =
        java.math.BigDecimal.valueOf(instrument.sizeUnits(s.openInterestLots()), instrument.sizeScale())
            .multiply(java.math.BigDecimal.valueOf(instrument.priceUnits(s.markTicks()), instrument.priceScale()))
            .setScale(2, java.math.RoundingMode.HALF_EVEN);
    out.append(usd.toPlainString()).append("\",\"ts\":\"")
        .append(s.timeMs()).append("\"}]}");
  }

  /** {@code posSide} is the position closed: a forced SELL closes a long. */
  void liquidation(StringBuilder out, String arg, Liquidation l) {
    String family = instrument.symbol().substring(0, instrument.symbol().length() - "-SWAP".length());
    out.append("{\"arg\":").append(arg).append(",\"data\":[{\"details\":[{\"bkLoss\":\"0\",\"bkPx\":\"");
    instrument.price(out, l.priceTicks(), 0).append("\",\"ccy\":\"\",\"posSide\":\"")
        .append(l.side() == Side.SELL ? "long" : "short").append("\",\"side\":\"")
        .append(l.side() == Side.BUY ? "buy" : "sell").append("\",\"sz\":\"");
    instrument.size(out, l.sizeLots(), 0).append("\",\"ts\":\"").append(l.timeMs()).append("\"}],\"instFamily\":\"")
        .append(family).append("\",\"instId\":\"").append(instrument.symbol())
        .append("\",\"instType\":\"SWAP\",\"uly\":\"").append(family).append("\"}]}");
  }
}
