package io.marketprism.supervisor;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Asks one gRPC server for its overall health ({@code grpc.health.v1.Health/Check} with service
 * {@code ""}), over plaintext. Keeps one channel open between checks. Thread-safe (gRPC channels
 * are).
 */
public final class GrpcHealthClient implements AutoCloseable {

  private final ManagedChannel channel;

  public GrpcHealthClient(String host, int port) {
    this.channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
  }

  /** One check; never throws. */
  public Health check(Duration deadline) {
    try {
      HealthCheckResponse response =
          HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
              .check(HealthCheckRequest.getDefaultInstance());
      return switch (response.getStatus()) {
        case SERVING -> Health.SERVING;
        case NOT_SERVING -> Health.NOT_SERVING;
        case SERVICE_UNKNOWN -> Health.SERVICE_UNKNOWN;
        default -> Health.UNKNOWN;
      };
    } catch (StatusRuntimeException e) {
      // A server that answers but lacks the health service is up, yet cannot say whether it serves.
      return e.getStatus().getCode() == Status.Code.UNIMPLEMENTED ? Health.UNKNOWN : Health.DOWN;
    }
  }

  /** One check on a fresh channel, for callers that probe a server once. */
  public static Health checkOnce(String host, int port, Duration deadline) {
    try (GrpcHealthClient client = new GrpcHealthClient(host, port)) {
      return client.check(deadline);
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
