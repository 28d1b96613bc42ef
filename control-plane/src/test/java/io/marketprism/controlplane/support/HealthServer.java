package io.marketprism.controlplane.support;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;

/** A loopback gRPC server that only answers grpc.health.v1, with a status the test sets. */
public final class HealthServer implements AutoCloseable {

  private final HealthStatusManager health = new HealthStatusManager();
  private final Server server;

  public HealthServer() throws IOException {
    server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(health.getHealthService())
        .build()
        .start();
    serving(true);
  }

  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  public void serving(boolean serving) {
    health.setStatus("", serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
