package io.marketprism.collector.exchange;

import java.util.Objects;
import java.util.function.Function;

/**
 * One supported exchange: its name, its symbol mapping and how to make a feed for it.
 *
 * @param name lower-case exchange name, as in {@code MarketEvent}s and NATS subjects
 * @param symbols native ↔ normalized symbol mapping
 * @param feedFactory makes a new feed (with its own books) reporting to a listener
 */
public record Exchange(String name, SymbolMapper symbols, Function<FeedListener, ExchangeFeed> feedFactory) {
  public Exchange {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(symbols, "symbols");
    Objects.requireNonNull(feedFactory, "feedFactory");
  }

  /** A new feed with empty books; confine it to one thread. */
  public ExchangeFeed newFeed(FeedListener listener) {
    return feedFactory.apply(listener);
  }
}
