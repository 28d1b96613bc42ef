package io.marketprism.simulator.market;

/** The venues the simulator imitates; futures share Binance's matching rules but have their own streams. */
public enum Exchange {
  BINANCE_SPOT("binance"),
  BINANCE_FUTURES("binance"),
  OKX("okx"),
  DERIBIT("deribit");

  private final String wireName;

  Exchange(String wireName) {
    this.wireName = wireName;
  }

  /** The normalized exchange name ({@code binance}, {@code okx}, {@code deribit}). */
  public String wireName() {
    return wireName;
  }
}
