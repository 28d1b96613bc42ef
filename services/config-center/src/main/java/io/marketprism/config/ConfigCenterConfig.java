package io.marketprism.config;

import io.marketprism.kit.config.ServiceConfig;

/** Configuration of the config-center service: the kit's sections, with its well-known gRPC port 7107. */
public class ConfigCenterConfig extends ServiceConfig {

  public ConfigCenterConfig() {
    super(7107);
  }
}
