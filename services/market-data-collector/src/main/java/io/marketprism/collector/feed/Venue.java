package io.marketprism.collector.feed;

import io.marketprism.collector.exchange.ExchangeProtocol;
import io.marketprism.collector.exchange.binance.BinanceMarket;
import io.marketprism.collector.exchange.binance.BinanceProtocol;
import io.marketprism.collector.exchange.binance.BinanceSymbols;
import io.marketprism.collector.exchange.deribit.DeribitProtocol;
import io.marketprism.collector.exchange.okx.OkxProtocol;
import java.util.function.Supplier;

/**
 * One kind of exchange connection: a protocol spoken at one endpoint. An exchange has one venue, except
 * Binance, whose spot and USDⓈ-M futures markets are served by different hosts (and name their
 * instruments alike: "BTCUSDT" is both).
 */
public enum Venue {
  BINANCE_SPOT("binance", () -> new BinanceProtocol(BinanceMarket.SPOT)),
  BINANCE_FUTURES("binance", () -> new BinanceProtocol(BinanceMarket.FUTURES)),
  OKX("okx", OkxProtocol::new),
  DERIBIT("deribit", DeribitProtocol::new);

  private final String exchange;
  private final Supplier<ExchangeProtocol> protocols;

  Venue(String exchange, Supplier<ExchangeProtocol> protocols) {
    this.exchange = exchange;
    this.protocols = protocols;
  }

  /** Lower-case exchange name. */
  public String exchange() {
    return exchange;
  }

  /** A new protocol instance (each numbers its own requests). */
  public ExchangeProtocol newProtocol() {
    return protocols.get();
  }

  /** The venue that carries normalized {@code symbol} of {@code exchange}. */
  public static Venue of(String exchange, String symbol) {
    switch (exchange) {
      case "binance":
        return BinanceSymbols.isFutures(symbol) ? BINANCE_FUTURES : BINANCE_SPOT;
      case "okx":
        return OKX;
      case "deribit":
        return DERIBIT;
      default:
        throw new IllegalArgumentException("unknown exchange: " + exchange);
    }
  }
}
