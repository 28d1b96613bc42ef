package io.marketprism.simulator.market;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every simulated market, by exchange and native symbol. Immutable after construction; the markets are thread-safe. */
public final class Markets {

  private final Map<Exchange, Map<String, Market>> byExchange = new EnumMap<>(Exchange.class);

  public Markets(List<Market> markets) {
    for (Exchange exchange : Exchange.values()) {
      byExchange.put(exchange, new LinkedHashMap<>());
    }
    for (Market market : markets) {
      Instrument instrument = market.instrument();
      if (byExchange.get(instrument.exchange()).put(instrument.symbol(), market) != null) {
        throw new IllegalArgumentException(instrument.exchange() + " lists " + instrument.symbol() + " twice");
      }
    }
  }

  public Optional<Market> find(Exchange exchange, String symbol) {
    return Optional.ofNullable(byExchange.get(exchange).get(symbol));
  }

  public Map<String, Market> of(Exchange exchange) {
    return Collections.unmodifiableMap(byExchange.get(exchange));
  }

  public List<Market> all() {
    List<Market> all = new ArrayList<>();
    byExchange.values().forEach(markets -> all.addAll(markets.values()));
    return all;
  }
}
