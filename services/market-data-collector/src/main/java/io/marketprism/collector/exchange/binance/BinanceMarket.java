package io.marketprism.collector.exchange.binance;

/**
 * Which Binance market a frame comes from. "BTCUSDT" names both the spot pair and the USDⓈ-M perpetual,
 * so the market decides the normalized symbol ("BTC-USDT" or "BTC-USDT-PERP").
 */
public enum BinanceMarket {
  /** Spot ({@code stream.binance.com}). */
  SPOT,
  /** USDⓈ-M and COIN-M futures ({@code fstream}/{@code dstream.binance.com}). */
  FUTURES,
  /**
   * Tell from the frame's shape (for {@code normalize}, which reads frames of both markets): {@code trade}
   * and a spot-shaped {@code aggTrade} (it has "M") are spot; {@code depthUpdate} with "pu",
   * {@code bookTicker} with "e", {@code markPriceUpdate}, {@code forceOrder}, open interest and REST depth
   * snapshots with "E"/"T" are futures; symbols with "_" ({@code BTCUSD_PERP}, {@code BTCUSDT_261225}) are
   * always futures.
   */
  AUTO
}
