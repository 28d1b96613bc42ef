package io.marketprism.monitoring;

import io.grpc.BindableService;
import io.marketprism.kit.MarketPrismService;
import io.marketprism.kit.ServiceContext;
import io.marketprism.monitoring.api.MonitoringApi;
import java.util.List;

/** The monitoring service: service instances, alert rules, alerts and silences. */
public final class MonitoringService extends MarketPrismService<MonitoringConfig> {

  public MonitoringService() {
    super("monitoring", MonitoringConfig.class);
  }

  @Override
  protected List<BindableService> services(MonitoringConfig config, ServiceContext ctx) {
    return List.of(new MonitoringApi());
  }
}
