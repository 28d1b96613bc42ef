package io.marketprism.collector.subscription;

import io.marketprism.collector.MarketDataCollectorConfig;
import io.marketprism.collector.feed.Collector;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriptions the config center's key {@code subscriptions} declares (a list shaped like the config file's
 * {@code subscriptions}), applied to the running collector without a restart. A change subscribes what the new value
 * adds and unsubscribes what it drops; deleting the key unsubscribes everything it had declared. Subscriptions made
 * through the API or the file are left alone unless the value names them.
 *
 * <p>A value that names a disabled exchange or would exceed the subscription limits is refused whole (the caller
 * counts and logs it) and nothing changes. What was declared is kept in the subscription bucket (when there is one),
 * so a symbol dropped from the value while the collector was down is unsubscribed when it comes back. Changes are
 * serialized on this object.
 */
public final class DeclaredSubscriptions {
  private static final Logger LOG = LoggerFactory.getLogger(DeclaredSubscriptions.class);

  private final Collector collector;
  private final SubscriptionParser parser;
  private final Optional<SubscriptionStore> store;
  private Set<SubscriptionKey> declared;

  public DeclaredSubscriptions(
      Collector collector, SubscriptionParser parser, Optional<SubscriptionStore> store, List<SubscriptionKey> declared) {
    this.collector = collector;
    this.parser = parser;
    this.store = store;
    this.declared = new LinkedHashSet<>(declared);
  }

  /**
   * Makes the collector's subscriptions match {@code value} for the keys it declares; empty = nothing declared.
   *
   * @throws IllegalArgumentException if the value names a disabled exchange
   * @throws io.marketprism.collector.feed.SubscriptionLimitException if the result would exceed the limits
   */
  public synchronized void apply(Optional<List<MarketDataCollectorConfig.Subscription>> value) {
    Set<SubscriptionKey> next = new LinkedHashSet<>();
    for (MarketDataCollectorConfig.Subscription subscription : value.orElse(List.of())) {
      if (!collector.enabled(subscription.exchange())) {
        throw new IllegalArgumentException(subscription.exchange() + " is not enabled in this collector");
      }
      // validated when the value was bound (@ValidSubscription); parsing again cannot fail
      next.addAll(parser.parse(subscription.exchange(), subscription.symbols(), subscription.dataTypes()).keys());
    }
    List<SubscriptionKey> added = new ArrayList<>(next);
    added.removeAll(declared);
    List<SubscriptionKey> dropped = new ArrayList<>(declared);
    dropped.removeAll(next);
    collector.subscribe(added); // refuses before changing anything when over the limits
    collector.unsubscribe(dropped);
    declared = next;
    store.ifPresent(s -> s.saveDeclared(List.copyOf(next)));
    LOG.info("subscriptions declared in the config center: {} ({} added, {} dropped)", next.size(), added.size(),
        dropped.size());
  }
}
