package io.marketprism.config;

import io.marketprism.kit.ServiceRunner;

/** Starts the config-center service: {@code java io.marketprism.config.ConfigCenterMain [--config file.yaml]}. */
public final class ConfigCenterMain {

  private ConfigCenterMain() {}

  public static void main(String[] args) {
    ServiceRunner.run(new ConfigCenterService(), args);
  }
}
