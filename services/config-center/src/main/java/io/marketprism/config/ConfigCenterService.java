package io.marketprism.config;

import io.grpc.BindableService;
import io.marketprism.kit.MarketPrismService;
import io.marketprism.kit.ServiceContext;
import io.marketprism.config.api.ConfigApi;
import java.util.List;

/** The config-center service: versioned configuration entries (get/put/delete/list/history/rollback/watch). */
public final class ConfigCenterService extends MarketPrismService<ConfigCenterConfig> {

  public ConfigCenterService() {
    super("config-center", ConfigCenterConfig.class);
  }

  @Override
  protected List<BindableService> services(ConfigCenterConfig config, ServiceContext ctx) {
    return List.of(new ConfigApi());
  }
}
