package io.marketprism.simulator.market;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One simulated instrument: where it trades, its native symbol, and the grid its prices and sizes live on.
 *
 * <p>Prices are counted in ticks and sizes in lots (longs); {@link #price} and {@link #size} turn them into exact
 * decimal text. Immutable.
 *
 * @param startPrice where the random walk starts
 * @param tickSize the price increment ({@code 0.1}); its scale is the number of decimals prices carry
 * @param lotSize the size increment ({@code 0.00001}, or {@code 10} for Deribit's USD-sized BTC perpetual)
 * @param perpetual whether funding, mark price, open interest and liquidations are published
 */
public record Instrument(
    Exchange exchange, String symbol, BigDecimal startPrice, BigDecimal tickSize, BigDecimal lotSize, boolean perpetual) {

  public Instrument {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(symbol, "symbol");
    if (tickSize.signum() <= 0 || lotSize.signum() <= 0 || startPrice.compareTo(tickSize) <= 0) {
      throw new IllegalArgumentException(symbol + ": tick, lot and start price must be positive, start above one tick");
    }
    if (tickSize.scale() > 12 || lotSize.scale() > 12) {
      throw new IllegalArgumentException(symbol + ": at most 12 decimals in tick and lot sizes");
    }
  }

  /** The start price as a whole number of ticks. */
  public long startTicks() {
    return startPrice.divideToIntegralValue(tickSize).longValueExact();
  }

  public int priceScale() {
    return Math.max(0, tickSize.scale());
  }

  public int sizeScale() {
    return Math.max(0, lotSize.scale());
  }

  /** {@code ticks × tickSize} in units of 10^-{@link #priceScale()}. */
  public long priceUnits(long ticks) {
    return ticks * tickSize.movePointRight(priceScale()).longValueExact();
  }

  /** {@code lots × lotSize} in units of 10^-{@link #sizeScale()}. */
  public long sizeUnits(long lots) {
    return lots * lotSize.movePointRight(sizeScale()).longValueExact();
  }

  /** Appends the price of {@code ticks}; {@code minScale} as in {@link Decimals#append}. */
  public StringBuilder price(StringBuilder out, long ticks, int minScale) {
    return Decimals.append(out, priceUnits(ticks), priceScale(), minScale);
  }

  /** Appends the size of {@code lots}; {@code minScale} as in {@link Decimals#append}. */
  public StringBuilder size(StringBuilder out, long lots, int minScale) {
    return Decimals.append(out, sizeUnits(lots), sizeScale(), minScale);
  }
}
