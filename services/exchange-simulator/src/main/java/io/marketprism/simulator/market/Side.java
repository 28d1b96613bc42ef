package io.marketprism.simulator.market;

/** A side of the book, or the taker's side of a trade (a {@code BUY} taker lifts the ask). */
public enum Side {
  BUY,
  SELL;

  public Side opposite() {
    return this == BUY ? SELL : BUY;
  }
}
