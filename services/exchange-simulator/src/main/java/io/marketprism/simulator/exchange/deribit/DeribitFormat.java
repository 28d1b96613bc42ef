package io.marketprism.simulator.exchange.deribit;

import io.marketprism.simulator.market.BookSnapshot;
import io.marketprism.simulator.market.Decimals;
import io.marketprism.simulator.market.Instrument;
import io.marketprism.simulator.market.MarketStats;
import io.marketprism.simulator.market.Side;
import io.marketprism.simulator.market.Trade;

/**
 * Deribit's JSON-RPC payloads: prices and amounts are JSON numbers, written here as exact decimal literals (never
 * through a double), times in milliseconds. One instance per instrument; stateless.
 */
final class DeribitFormat {

  private final Instrument instrument;

  DeribitFormat(Instrument instrument) {
    this.instrument = instrument;
  }

  StringBuilder price(StringBuilder out, long ticks) {
    return instrument.price(out, ticks, 0);
  }

  StringBuilder amount(StringBuilder out, long lots) {
    return instrument.size(out, lots, 0);
  }

  /** The start of a subscription notification; the caller appends the data and {@code }}}}. */
  static StringBuilder notification(StringBuilder out, String channel) {
    return out.append("{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{\"channel\":\"").append(channel)
        .append("\",\"data\":");
  }

  /** @param tickDirection 0 plus tick, 1 zero-plus, 2 minus, 3 zero-minus */
  void trade(StringBuilder out, Trade trade, MarketStats.View stats, int tickDirection) {
    out.append("{\"trade_seq\":").append(trade.id()).append(",\"trade_id\":\"").append(trade.id())
        .append("\",\"timestamp\":").append(trade.timeMs()).append(",\"tick_direction\":").append(tickDirection)
        .append(",\"price\":");
    price(out, trade.priceTicks()).append(",\"mark_price\":");
    price(out, stats.markTicks()).append(",\"instrument_name\":\"").append(instrument.symbol())
        .append("\",\"index_price\":");
    price(out, stats.indexTicks()).append(",\"direction\":\"").append(trade.takerSide() == Side.BUY ? "buy" : "sell")
        .append("\",\"amount\":");
    amount(out, trade.sizeLots()).append(",\"contracts\":").append(trade.sizeLots()).append('}');
  }

  /** The fields {@code ticker} and {@code get_order_book} share. */
  void tickerFields(StringBuilder out, MarketStats.View s) {
    out.append("\"timestamp\":").append(s.timeMs()).append(",\"stats\":{\"volume\":");
    amount(out, s.volumeLots()).append(",\"price_change\":0,\"low\":");
    price(out, s.lowTicks()).append(",\"high\":");
    price(out, s.highTicks()).append("},\"state\":\"open\",\"open_interest\":");
    amount(out, s.openInterestLots()).append(",\"min_price\":");
    price(out, s.markTicks() * 99 / 100).append(",\"max_price\":");
    price(out, s.markTicks() * 101 / 100).append(",\"mark_price\":");
    price(out, s.markTicks()).append(",\"last_price\":");
    price(out, s.lastTicks()).append(",\"instrument_name\":\"").append(instrument.symbol())
        .append("\",\"index_price\":");
    price(out, s.indexTicks()).append(",\"estimated_delivery_price\":");
    price(out, s.indexTicks()).append(",\"current_funding\":");
    Decimals.append(out, s.fundingRate(), MarketStats.FUNDING_SCALE, 0).append(",\"funding_8h\":");
    Decimals.append(out, s.fundingRate(), MarketStats.FUNDING_SCALE, 0).append(",\"best_bid_price\":");
    price(out, s.bidTicks()).append(",\"best_bid_amount\":");
    amount(out, s.bidLots()).append(",\"best_ask_price\":");
    price(out, s.askTicks()).append(",\"best_ask_amount\":");
    amount(out, s.askLots());
  }

  /** The data of a {@code quote.*} notification: the best levels and when they were current. */
  void quote(StringBuilder out, MarketStats.View s) {
    out.append("{\"timestamp\":").append(s.timeMs()).append(",\"instrument_name\":\"").append(instrument.symbol())
        .append("\",\"best_bid_price\":");
    price(out, s.bidTicks()).append(",\"best_bid_amount\":");
    amount(out, s.bidLots()).append(",\"best_ask_price\":");
    price(out, s.askTicks()).append(",\"best_ask_amount\":");
    amount(out, s.askLots()).append('}');
  }

  void ticker(StringBuilder out, MarketStats.View stats) {
    out.append('{');
    tickerFields(out, stats);
    out.append('}');
  }

  /** {@code public/get_order_book}'s result. */
  void orderBook(StringBuilder out, BookSnapshot book, MarketStats.View stats) {
    out.append('{');
    tickerFields(out, stats);
    out.append(",\"change_id\":").append(book.sequence()).append(",\"bids\":");
    levels(out, book.bidPrices(), book.bidSizes());
    out.append(",\"asks\":");
    levels(out, book.askPrices(), book.askSizes());
    out.append('}');
  }

  private void levels(StringBuilder out, long[] prices, long[] sizes) {
    out.append('[');
    for (int i = 0; i < prices.length; i++) {
      out.append(i == 0 ? "[" : ",[");
      price(out, prices[i]).append(',');
      amount(out, sizes[i]).append(']');
    }
    out.append(']');
  }
}
