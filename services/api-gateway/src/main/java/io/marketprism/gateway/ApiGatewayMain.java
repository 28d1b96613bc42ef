package io.marketprism.gateway;

import io.marketprism.kit.ServiceRunner;

/** Starts the api-gateway service: {@code java io.marketprism.gateway.ApiGatewayMain [--config file.yaml]}. */
public final class ApiGatewayMain {

  private ApiGatewayMain() {}

  public static void main(String[] args) {
    ServiceRunner.run(new ApiGatewayService(), args);
  }
}
