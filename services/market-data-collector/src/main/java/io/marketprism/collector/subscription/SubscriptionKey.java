package io.marketprism.collector.subscription;

import io.marketprism.marketdata.v1.DataType;
import io.marketprism.messaging.MarketDataSubjects;
import java.util.Comparator;
import java.util.Objects;

/**
 * One subscribed (exchange, normalized symbol, data type) triple; ordered by exchange, symbol, then data
 * type number, the order the API lists subscriptions in.
 *
 * @param exchange lower-case exchange name
 * @param symbol normalized symbol, e.g. {@code BTC-USDT-PERP}
 * @param nativeSymbol the exchange's spelling, what its channels take
 * @param type what is collected
 */
public record SubscriptionKey(String exchange, String symbol, String nativeSymbol, DataType type)
    implements Comparable<SubscriptionKey> {
  private static final Comparator<SubscriptionKey> ORDER = Comparator.comparing(SubscriptionKey::exchange)
      .thenComparing(SubscriptionKey::symbol)
      .thenComparingInt(key -> key.type().getNumber());

  public SubscriptionKey {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(nativeSymbol, "nativeSymbol");
    Objects.requireNonNull(type, "type");
  }

  /** The NATS subject its events are published on, {@code md.<type>.<exchange>.<symbol>}. */
  public String subject() {
    return MarketDataSubjects.subject(type, exchange, symbol);
  }

  @Override
  public int compareTo(SubscriptionKey other) {
    return ORDER.compare(this, other);
  }

  // Identity is the triple; the native symbol follows from it.
  @Override
  public boolean equals(Object other) {
    return other instanceof SubscriptionKey key && key.exchange.equals(exchange) && key.symbol.equals(symbol)
        && key.type == type;
  }

  @Override
  public int hashCode() {
    return Objects.hash(exchange, symbol, type);
  }
}
