package io.marketprism.storage;

import io.marketprism.kit.ServiceRunner;

/** Starts the data-storage service: {@code java io.marketprism.storage.DataStorageMain [--config file.yaml]}. */
public final class DataStorageMain {

  private DataStorageMain() {}

  public static void main(String[] args) {
    ServiceRunner.run(new DataStorageService(), args);
  }
}
