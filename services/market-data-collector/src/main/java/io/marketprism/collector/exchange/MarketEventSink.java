package io.marketprism.collector.exchange;

import io.marketprism.marketdata.v1.MarketEvent;

/** Where normalized events go: the JetStream publisher in the collector, stdout in {@code normalize}. */
@FunctionalInterface
public interface MarketEventSink {
  /** Called on the feed's thread, in the order the exchange sent the data. */
  void onEvent(MarketEvent event);
}
