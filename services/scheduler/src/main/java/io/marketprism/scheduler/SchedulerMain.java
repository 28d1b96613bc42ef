package io.marketprism.scheduler;

import io.marketprism.kit.ServiceRunner;

/** Starts the scheduler service: {@code java io.marketprism.scheduler.SchedulerMain [--config file.yaml]}. */
public final class SchedulerMain {

  private SchedulerMain() {}

  public static void main(String[] args) {
    ServiceRunner.run(new SchedulerService(), args);
  }
}
