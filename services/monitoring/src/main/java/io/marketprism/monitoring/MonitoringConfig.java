package io.marketprism.monitoring;

import io.marketprism.kit.config.ServiceConfig;

/** Configuration of the monitoring service: the kit's sections, with its well-known gRPC port 7106. */
public class MonitoringConfig extends ServiceConfig {

  public MonitoringConfig() {
    super(7106);
  }
}
