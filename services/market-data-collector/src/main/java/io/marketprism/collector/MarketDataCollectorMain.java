package io.marketprism.collector;

import io.marketprism.kit.ServiceRunner;

/** Starts the market-data-collector service: {@code java io.marketprism.collector.MarketDataCollectorMain [--config file.yaml]}. */
public final class MarketDataCollectorMain {

  private MarketDataCollectorMain() {}

  public static void main(String[] args) {
    ServiceRunner.run(new MarketDataCollectorService(), args);
  }
}
