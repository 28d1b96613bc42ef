package io.marketprism.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.marketprism.kit.RunningService;
import io.marketprism.kit.ServiceRunner;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExchangeSimulatorMainTest {

  @Test
  void servesHealthOverGrpcAndClosesTheFeedOnStop() throws Exception {
    int feedPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      feedPort = probe.getLocalPort();
    }
    RunningService running =
        ServiceRunner.start(
            new ExchangeSimulatorMain(),
            new String[0],
            Map.of("MARKETPRISM_GRPC_PORT", "0", "MARKETPRISM_FEED_PORT", Integer.toString(feedPort),
                "MARKETPRISM_METRICS_ENABLED", "false"));
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", running.grpcAddress().getPort()).usePlaintext().build();
    try {
      HealthCheckResponse health =
          HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
              .check(HealthCheckRequest.newBuilder().setService("").build());
      assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      try (Socket feed = new Socket("127.0.0.1", feedPort)) {
        assertThat(feed.isConnected()).isTrue();
      }
    } finally {
      channel.shutdownNow();
      running.stop();
    }
    assertThatThrownBy(() -> new Socket("127.0.0.1", feedPort).close()).isInstanceOf(IOException.class);
  }
}
