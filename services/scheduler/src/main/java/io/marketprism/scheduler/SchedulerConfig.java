package io.marketprism.scheduler;

import io.marketprism.kit.config.ServiceConfig;

/** Configuration of the scheduler service: the kit's sections, with its well-known gRPC port 7105. */
public class SchedulerConfig extends ServiceConfig {

  public SchedulerConfig() {
    super(7105);
  }
}
