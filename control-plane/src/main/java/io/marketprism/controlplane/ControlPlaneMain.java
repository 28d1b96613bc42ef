package io.marketprism.controlplane;

import io.marketprism.kit.ServiceRunner;

/** Starts the control-plane service: {@code java io.marketprism.controlplane.ControlPlaneMain [--config file.yaml]}. */
public final class ControlPlaneMain {

  private ControlPlaneMain() {}

  public static void main(String[] args) {
    ServiceRunner.run(new ControlPlaneService(), args);
  }
}
