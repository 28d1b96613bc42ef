package io.marketprism.simulator.market;

/**
 * Receives what a {@link Market} does. Every callback runs on the market clock's thread while the market's lock is
 * held, so a listener sees events in order and a snapshot taken by {@link Market#addListener} is exactly the state
 * before the first event it is sent. Callbacks must not block (format the frame, hand it to a connection, return).
 */
public interface MarketListener {

  default void onTrade(Market market, Trade trade) {}

  default void onBookUpdate(Market market, BookUpdate update) {}

  default void onLiquidation(Market market, Liquidation liquidation) {}

  /** Every 100 ms; {@code tick} counts them, so {@code tick % 10 == 0} is once a second. */
  default void onTimer(Market market, long nowMs, long tick) {}
}
