package io.marketprism.collector;

import io.grpc.BindableService;
import io.marketprism.kit.MarketPrismService;
import io.marketprism.kit.ServiceContext;
import io.marketprism.collector.api.CollectorApi;
import java.util.List;

/** The market-data-collector service: run-time subscriptions and per-feed status. */
public final class MarketDataCollectorService extends MarketPrismService<MarketDataCollectorConfig> {

  public MarketDataCollectorService() {
    super("market-data-collector", MarketDataCollectorConfig.class);
  }

  @Override
  protected List<BindableService> services(MarketDataCollectorConfig config, ServiceContext ctx) {
    return List.of(new CollectorApi());
  }
}
