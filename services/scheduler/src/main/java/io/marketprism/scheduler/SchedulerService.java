package io.marketprism.scheduler;

import io.grpc.BindableService;
import io.marketprism.kit.MarketPrismService;
import io.marketprism.kit.ServiceContext;
import io.marketprism.scheduler.api.SchedulerApi;
import java.util.List;

/** The scheduler service: scheduled tasks, their runs and executions. */
public final class SchedulerService extends MarketPrismService<SchedulerConfig> {

  public SchedulerService() {
    super("scheduler", SchedulerConfig.class);
  }

  @Override
  protected List<BindableService> services(SchedulerConfig config, ServiceContext ctx) {
    return List.of(new SchedulerApi());
  }
}
