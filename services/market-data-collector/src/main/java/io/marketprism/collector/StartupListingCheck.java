package io.marketprism.collector;

import io.marketprism.collector.feed.Collector;
import io.marketprism.collector.instruments.InstrumentDirectory;
import io.marketprism.collector.subscription.SubscriptionKey;
import io.marketprism.collector.subscription.Subscriptions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the subscriptions the service starts with (configured or kept from the last run) against each exchange's
 * instrument list as soon as that list loads; the start cannot wait for the exchanges' REST endpoints. A symbol the
 * exchange does not list is not fatal: it is logged and shown as the last error of the exchange's feeds, and stays
 * subscribed (the exchange answers it with an error frame and sends nothing for it) until an operator removes it.
 */
final class StartupListingCheck {
  private static final Logger LOG = LoggerFactory.getLogger(StartupListingCheck.class);
  /** Symbols named in one last error; the log line names them all. */
  private static final int SYMBOLS_SHOWN = 10;

  private StartupListingCheck() {}

  /** Checks {@code keys} of each exchange once its list is loaded ({@code source} says where they came from). */
  static void schedule(Collector collector, InstrumentDirectory instruments, List<SubscriptionKey> keys,
      String source) {
    Map<String, List<SubscriptionKey>> byExchange = keys.stream()
        .collect(Collectors.groupingBy(SubscriptionKey::exchange, TreeMap::new, Collectors.toList()));
    byExchange.forEach((exchange, ofExchange) -> instruments.whenLoaded(exchange,
        () -> check(collector, instruments, exchange, ofExchange, source)));
  }

  private static void check(Collector collector, InstrumentDirectory instruments, String exchange,
      List<SubscriptionKey> keys, String source) {
    Set<String> listed = instruments.symbols(exchange).orElseThrow();
    Set<SubscriptionKey> current = new HashSet<>();
    for (Subscriptions.Entry entry : collector.subscriptions()) {
      current.add(entry.key());
    }
    Set<String> unlisted = new TreeSet<>();
    for (SubscriptionKey key : keys) {
      if (current.contains(key) && !listed.contains(key.symbol())) {
        unlisted.add(key.symbol());
      }
    }
    if (unlisted.isEmpty()) {
      LOG.info("every {} symbol of the {} is listed by {}", exchange, source, exchange);
      return;
    }
    LOG.warn("{} does not list {} of the symbols of the {}: {}; they stay subscribed but receive nothing "
        + "(unsubscribe them or correct the configuration)", exchange, unlisted.size(), source, unlisted);
    String shown = unlisted.stream().limit(SYMBOLS_SHOWN).collect(Collectors.joining(", "))
        + (unlisted.size() > SYMBOLS_SHOWN ? " and " + (unlisted.size() - SYMBOLS_SHOWN) + " more" : "");
    collector.reportError(exchange, "not listed by " + exchange + " (from the " + source + "): " + shown
        + "; subscribed, but the exchange sends nothing for them");
  }
}
