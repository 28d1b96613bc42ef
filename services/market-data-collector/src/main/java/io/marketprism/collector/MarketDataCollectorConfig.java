package io.marketprism.collector;

import io.marketprism.kit.config.ServiceConfig;

/** Configuration of the market-data-collector service: the kit's sections, with its well-known gRPC port 7101. */
public class MarketDataCollectorConfig extends ServiceConfig {

  public MarketDataCollectorConfig() {
    super(7101);
  }
}
