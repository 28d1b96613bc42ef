package io.marketprism.collector.exchange;

import io.marketprism.collector.exchange.binance.BinanceFeed;
import io.marketprism.collector.exchange.binance.BinanceSymbols;
import io.marketprism.collector.exchange.deribit.DeribitFeed;
import io.marketprism.collector.exchange.deribit.DeribitSymbols;
import io.marketprism.collector.exchange.okx.OkxFeed;
import io.marketprism.collector.exchange.okx.OkxSymbols;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The exchanges the collector speaks. Adding one is a new package under {@code exchange/} and one line
 * in {@link #standard()}. Immutable and thread-safe.
 */
public final class ExchangeRegistry {
  private final Map<String, Exchange> exchanges;
  private final List<String> names;

  private ExchangeRegistry(List<Exchange> list) {
    Map<String, Exchange> byName = new LinkedHashMap<>();
    for (Exchange exchange : list) {
      if (byName.put(exchange.name(), exchange) != null) {
        throw new IllegalArgumentException("exchange registered twice: " + exchange.name());
      }
    }
    this.exchanges = Map.copyOf(byName);
    this.names = List.copyOf(byName.keySet());
  }

  /** Binance, OKX and Deribit. */
  public static ExchangeRegistry standard() {
    return new ExchangeRegistry(List.of(
        new Exchange(BinanceFeed.EXCHANGE, new BinanceSymbols(), BinanceFeed::new),
        new Exchange(OkxFeed.EXCHANGE, new OkxSymbols(), OkxFeed::new),
        new Exchange(DeribitFeed.EXCHANGE, new DeribitSymbols(), DeribitFeed::new)));
  }

  /** The exchange called {@code name} (case-insensitive), if supported. */
  public Optional<Exchange> find(String name) {
    return Optional.ofNullable(exchanges.get(name.trim().toLowerCase(Locale.ROOT)));
  }

  /** Supported names, in registration order. */
  public List<String> names() {
    return names;
  }
}
