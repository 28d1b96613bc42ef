package io.marketprism.supervisor;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a MarketPrism service: a gRPC server with only the health service, reading its
 * port from {@code MARKETPRISM_GRPC_PORT} and draining on SIGTERM, as the real services do. With
 * {@code MARKETPRISM_MESH_HEALTH_PORT} set it serves health only on that port, as a mesh service
 * does, and nothing at all on its gRPC port.
 */
public final class HealthOnlyServiceMain {

  private HealthOnlyServiceMain() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(System.getenv("MARKETPRISM_GRPC_PORT"));
    String separateHealthPort = System.getenv("MARKETPRISM_MESH_HEALTH_PORT");
    HealthStatusManager health = new HealthStatusManager();
    NettyServerBuilder main =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port));
    if (separateHealthPort == null) {
      main.addService(health.getHealthService());
    } else {
      NettyServerBuilder.forAddress(
              new InetSocketAddress("127.0.0.1", Integer.parseInt(separateHealthPort)))
          .addService(health.getHealthService())
          .build()
          .start();
    }
    Server server = main.build().start();
    health.setStatus("", ServingStatus.SERVING);
    System.out.println("health-only service serving on " + port);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  health.enterTerminalState();
                  server.shutdown();
                  try {
                    server.awaitTermination(5, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    server.awaitTermination();
  }
}
