package io.marketprism.monitoring;

import io.marketprism.kit.ServiceRunner;

/** Starts the monitoring service: {@code java io.marketprism.monitoring.MonitoringMain [--config file.yaml]}. */
public final class MonitoringMain {

  private MonitoringMain() {}

  public static void main(String[] args) {
    ServiceRunner.run(new MonitoringService(), args);
  }
}
