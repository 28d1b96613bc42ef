package io.marketprism.collector.subscription;

import io.marketprism.collector.exchange.Exchange;
import io.marketprism.collector.exchange.ExchangeProtocol;
import io.marketprism.collector.exchange.ExchangeRegistry;
import io.marketprism.collector.exchange.binance.BinanceMarket;
import io.marketprism.collector.exchange.binance.BinanceSymbols;
import io.marketprism.collector.feed.Venue;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.Instrument;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Checks what a subscription names and resolves it: a symbol given normalized ({@code BTC-USDT-PERP}) or
 * in the exchange's own spelling ({@code BTC-USDT-SWAP}, {@code BTCUSDT}, {@code BTC-PERPETUAL}) becomes
 * its instrument, and a data type is checked against the channels the exchange offers for it (no funding
 * rate for a spot pair). Immutable and thread-safe.
 */
public final class SymbolResolver {
  private final ExchangeRegistry registry;
  private final Map<Venue, ExchangeProtocol> protocols = new EnumMap<>(Venue.class);

  public SymbolResolver(ExchangeRegistry registry) {
    this.registry = registry;
    for (Venue venue : Venue.values()) {
      protocols.put(venue, venue.newProtocol());
    }
  }

  /** The registry's exchange names, e.g. for error messages. */
  public String exchangeNames() {
    return String.join(", ", registry.names());
  }

  /** The supported exchange called {@code name} (lower case), if any. */
  public Optional<Exchange> exchange(String name) {
    return name == null || !name.equals(name.trim().toLowerCase(java.util.Locale.ROOT))
        ? Optional.empty()
        : registry.find(name);
  }

  /**
   * The instrument {@code symbol} names on {@code exchange}.
   *
   * @param normalizedOnly accept only the normalized form (the gRPC API's contract); otherwise the exchange's
   *     own spelling is tried first, then the normalized form. Native first, because a native name can also
   *     read as a (non-existent) normalized pair: Deribit's "BTC-PERPETUAL" would be the spot pair
   *     BTC/PERPETUAL.
   */
  public Optional<Instrument> instrument(Exchange exchange, String symbol, boolean normalizedOnly) {
    if (symbol == null || symbol.isBlank()) {
      return Optional.empty();
    }
    if (!normalizedOnly) {
      // A Binance name without '_' ("BTCUSDT") is read as the spot pair; its perpetual is "BTC-USDT-PERP".
      BinanceMarket market = symbol.contains("_") ? BinanceMarket.FUTURES : BinanceMarket.SPOT;
      Instrument instrument = fromNative(exchange, symbol, market);
      if (instrument != null) {
        return Optional.of(instrument);
      }
    }
    String nativeSymbol = exchange.symbols().toNative(symbol);
    if (nativeSymbol == null) {
      return Optional.empty();
    }
    BinanceMarket market = BinanceSymbols.isFutures(symbol) ? BinanceMarket.FUTURES : BinanceMarket.SPOT;
    Instrument instrument = fromNative(exchange, nativeSymbol, market);
    return instrument != null && instrument.getSymbol().equals(symbol) ? Optional.of(instrument) : Optional.empty();
  }

  /** {@code market} matters only to Binance, where one name can be spot or futures. */
  private static Instrument fromNative(Exchange exchange, String nativeSymbol, BinanceMarket market) {
    if (exchange.symbols() instanceof BinanceSymbols binance) {
      return binance.fromNative(nativeSymbol, market);
    }
    return exchange.symbols().fromNative(nativeSymbol);
  }

  /** Whether the exchange publishes {@code type} for {@code instrument} (as the collector subscribes it). */
  public boolean offers(Instrument instrument, DataType type) {
    if (type == null || type == DataType.DATA_TYPE_UNSPECIFIED || type == DataType.UNRECOGNIZED) {
      return false;
    }
    Venue venue = Venue.of(instrument.getExchange(), instrument.getSymbol());
    return !protocols.get(venue).channels(type, instrument.getNativeSymbol()).isEmpty();
  }

  /** The key of a resolved subscription. */
  public static SubscriptionKey key(Instrument instrument, DataType type) {
    return new SubscriptionKey(instrument.getExchange(), instrument.getSymbol(), instrument.getNativeSymbol(), type);
  }
}
