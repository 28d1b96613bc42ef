package io.marketprism.collector.publish;

import io.marketprism.marketdata.v1.MarketEvent;

/**
 * Where the collector hands normalized events for publishing: messaging's {@code BoundedPublisher} in the
 * service ({@code publisher::publish}), a recorder in tests. Called on feed threads; must not block.
 */
@FunctionalInterface
public interface EventOutlet {
  /**
   * Accepts {@code event} for publishing.
   *
   * @return false when the event was shed (the outlet's buffer was full); the caller counts it
   */
  boolean offer(MarketEvent event);
}
