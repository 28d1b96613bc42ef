package io.marketprism.collector.subscription;

import io.marketprism.collector.exchange.Exchange;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.Instrument;
import io.marketprism.messaging.MarketDataSubjects;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a configured subscription (exchange name, symbols in either spelling, data type names) into
 * {@link SubscriptionKey}s, or says precisely what is wrong with it. Thread-safe.
 */
public final class SubscriptionParser {
  private final SymbolResolver resolver;

  public SubscriptionParser(SymbolResolver resolver) {
    this.resolver = resolver;
  }

  /** What is wrong with one field of a subscription. */
  public record Problem(String field, String message) {}

  /** The keys, or the problems; exactly one of the two is non-empty. */
  public record Result(List<SubscriptionKey> keys, List<Problem> problems) {}

  /**
   * @param dataTypes names as in NATS subjects ({@code book_delta}); also accepted: {@code book-delta},
   *     {@code DATA_TYPE_BOOK_DELTA}
   */
  public Result parse(String exchangeName, List<String> symbols, List<String> dataTypes) {
    List<Problem> problems = new ArrayList<>();
    Optional<Exchange> exchange = resolver.exchange(exchangeName);
    if (exchange.isEmpty()) {
      problems.add(new Problem("exchange",
          "unknown exchange \"" + exchangeName + "\": expected one of " + resolver.exchangeNames()));
      return new Result(List.of(), problems);
    }
    Set<DataType> types = new LinkedHashSet<>();
    for (int i = 0; i < dataTypes.size(); i++) {
      Optional<DataType> type = dataType(dataTypes.get(i));
      if (type.isEmpty()) {
        problems.add(new Problem("data-types[" + i + "]", "unknown data type \"" + dataTypes.get(i)
            + "\": expected trade, book_snapshot, book_delta, ticker, funding_rate, liquidation or open_interest"));
      } else {
        types.add(type.get());
      }
    }
    Set<SubscriptionKey> keys = new LinkedHashSet<>();
    for (int i = 0; i < symbols.size(); i++) {
      String symbol = symbols.get(i);
      Optional<Instrument> instrument = resolver.instrument(exchange.get(), symbol, false);
      if (instrument.isEmpty()) {
        problems.add(new Problem("symbols[" + i + "]",
            "\"" + symbol + "\" is not a symbol " + exchangeName + " lists (normalized like BTC-USDT-PERP, or the"
                + " exchange's own spelling)"));
        continue;
      }
      for (DataType type : types) {
        if (!resolver.offers(instrument.get(), type)) {
          problems.add(new Problem("symbols[" + i + "]", exchangeName + " offers no "
              + MarketDataSubjects.typeToken(type) + " stream for " + symbol));
        } else {
          keys.add(SymbolResolver.key(instrument.get(), type));
        }
      }
    }
    return problems.isEmpty() ? new Result(List.copyOf(keys), List.of()) : new Result(List.of(), problems);
  }

  private static Optional<DataType> dataType(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String token = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    if (token.startsWith("data_type_")) {
      token = token.substring("data_type_".length());
    }
    return MarketDataSubjects.typeOf(token);
  }
}
